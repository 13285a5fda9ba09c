"""Diagnostics, collect mode and the three renderers (text, json, github) of SPEC §4."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from lightapi.exceptions import SpecError
from lightapi.spec.codes import CODES, Severity
from lightapi.spec.model import UNKNOWN_LOCATION, SourceLocation

MAX_MESSAGE_LENGTH = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    code: str
    severity: Severity
    subject: str
    location: SourceLocation
    message: str
    hint: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.location.file, self.location.line, self.code, self.subject)

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.severity.value}: {self.subject}: {self.message}"


def _one_line(text: str, limit: int | None = None) -> str:
    text = " ".join(str(text).split()).rstrip(".")
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def diagnostic(
    code: str,
    subject: str,
    location: SourceLocation | None = None,
    **values: Any,
) -> Diagnostic:
    """Build a Diagnostic from the catalogue entry of ``code`` and its template values."""
    entry = CODES[code]
    return Diagnostic(
        code=code,
        severity=entry.severity,
        subject=subject,
        location=location or UNKNOWN_LOCATION,
        message=_one_line(entry.message.format(**values), MAX_MESSAGE_LENGTH),
        hint=_one_line(entry.hint.format(**values)),
    )


def short_repr(value: Any, limit: int = 30) -> str:
    """A value as it appears inside a message: repr, shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def relative_path(path: str) -> str:
    """Paths inside the current directory are shown relative to it (R3.9)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


# -- collect mode (R3.12) ---------------------------------------------------------------------

_collector: ContextVar[list[Diagnostic] | None] = ContextVar("lightapi_collector", default=None)


@contextlib.contextmanager
def collect_diagnostics() -> Iterator[list[Diagnostic]]:
    """Inside this block nothing raises SpecError; every diagnostic is appended to the list."""
    found: list[Diagnostic] = []
    token = _collector.set(found)
    try:
        yield found
    finally:
        _collector.reset(token)


def collecting() -> bool:
    return _collector.get() is not None


def report(diagnostics: Iterable[Diagnostic]) -> None:
    """Raise one SpecError for the errors among ``diagnostics``, or record them in collect mode."""
    found = _collector.get()
    items = tuple(diagnostics)
    if found is not None:
        for item in items:
            _record_once(found, item)
        return
    errors = tuple(dict.fromkeys(item for item in items if item.is_error))
    if errors:
        raise SpecError(errors)


def same_problem(a: Diagnostic, b: Diagnostic) -> bool:
    """R3.13: one problem is one code at one place with one message, whatever the subject."""
    return (a.code, a.location, a.message) == (b.code, b.location, b.message)


def _record_once(found: list[Diagnostic], item: Diagnostic) -> None:
    """R3.13: a problem seen again (a record, then the endpoint using it) is kept once, under
    the later, more specific subject."""
    for index, known in enumerate(found):
        if same_problem(known, item):
            found[index] = item
            return
    found.append(item)


def unique_sorted(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key)


# -- renderers (R4.6 - R4.8) ------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(diagnostics: Iterable[Diagnostic], silenced: int = 0) -> str:
    items = list(diagnostics)
    if not items and not silenced:
        return "no problems found"
    errors = sum(1 for item in items if item.is_error)
    return (
        f"{_plural(errors, 'error')}, {_plural(len(items) - errors, 'warning')} "
        f"({silenced} silenced)"
    )


def render_text(
    diagnostics: Iterable[Diagnostic], *, summary: bool = True, silenced: int = 0
) -> str:
    items = unique_sorted(diagnostics)
    lines: list[str] = []
    for item in items:
        lines.append(str(item))
        lines.append(f"    hint: {item.hint}")
    if summary:
        lines.append(summary_line(items, silenced))
    return "\n".join(lines)


def as_json_object(item: Diagnostic) -> dict[str, Any]:
    return {
        "code": item.code,
        "severity": item.severity.value,
        "subject": item.subject,
        "file": item.location.file,
        "line": item.location.line,
        "message": item.message,
        "hint": item.hint,
    }


def render_json(diagnostics: Iterable[Diagnostic], *, silenced: int = 0) -> str:
    items = unique_sorted(diagnostics)
    errors = sum(1 for item in items if item.is_error)
    document = {
        "format": 1,
        "diagnostics": [as_json_object(item) for item in items],
        "summary": {"errors": errors, "warnings": len(items) - errors, "silenced": silenced},
    }
    return json.dumps(document, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Iterable[Diagnostic], *, silenced: int = 0) -> str:
    items = unique_sorted(diagnostics)
    lines = [
        f"::{item.severity.value} file={_escape_property(item.location.file)},"
        f"line={item.location.line},title={_escape_property(item.code)}::"
        + _escape_data(f"{item.subject}: {item.message} (hint: {item.hint})")
        for item in items
    ]
    lines.append(summary_line(items, silenced))
    return "\n".join(lines)
