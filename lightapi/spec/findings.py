"""A small collector that rules append diagnostics to, and the "did you mean" helper."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from lightapi.spec.diagnostics import Diagnostic, diagnostic
from lightapi.spec.model import SourceLocation


class Findings:
    """Diagnostics found while compiling one declaration, in the order found."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, code: str, subject: str, location: SourceLocation | None, **values: Any) -> None:
        self.items.append(diagnostic(code, subject, location, **values))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def has_errors(self) -> bool:
        return any(item.is_error for item in self.items)


def did_you_mean(name: str, candidates: Iterable[str], *, fallback: str) -> str:
    """The closest candidate by difflib (cutoff 0.6), phrased as a hint (R2.16)."""
    options = list(candidates)
    match = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if match:
        return f"did you mean '{match[0]}'?"
    return fallback.format(options=", ".join(options))
