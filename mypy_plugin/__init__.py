"""The LightAPI mypy plugin (SPEC §18); users enable it as ``plugins = ["lightapi.mypy"]``."""

from __future__ import annotations

from mypy_plugin.plugin import LightApiPlugin, plugin

__all__ = ["LightApiPlugin", "plugin"]
