"""Exceptions raised by LightAPI (R1.5). A leaf module: cheap to import from anywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lightapi.spec.diagnostics import Diagnostic

__all__ = ["ConfigurationError", "LightApiWarning", "SerializationError", "SpecError"]


class ConfigurationError(Exception):
    """Raised while declaring, registering, loading or building; never while serving."""


class SpecError(ConfigurationError):
    """Every error diagnostic known at the point of failure, rendered one per line with hints."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        from lightapi.spec.diagnostics import render_text

        self.diagnostics = diagnostics
        super().__init__(render_text(diagnostics, summary=False))


class SerializationError(Exception):
    """A value returned by user code cannot be encoded to JSON (answered as a 500)."""


class LightApiWarning(UserWarning):
    """Category of every warning-severity diagnostic emitted at build (R3.14)."""
