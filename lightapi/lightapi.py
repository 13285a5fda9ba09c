"""Compatible import path of ``LightApi`` (0.x)."""

from lightapi.app import LightApi

__all__ = ["LightApi"]
