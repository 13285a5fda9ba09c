"""``plugins = ["lightapi.mypy"]`` enables the mypy plugin (R18.1); it lives in ``mypy_plugin``."""

from mypy_plugin import plugin

__all__ = ["plugin"]
