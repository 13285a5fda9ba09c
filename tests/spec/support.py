"""Helpers for the spec tests: where a marker comment is, and whole expected Diagnostics.

Expected locations are never hard-coded: the offending line of a declaration ends with a marker
comment (``# LA002``) and ``at(file, "LA002")`` finds that line in the file's source, so tests
keep passing when lines move. Paths are relative to the current directory, as in diagnostics
(R3.9); the suite runs from the repository root.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lightapi import LightApi, RestEndpoint, SpecError, collect_diagnostics
from lightapi.spec import CODES, Diagnostic, Severity, SourceLocation

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def marker_line(path: str, marker: str) -> int:
    """The 1-based line of ``path`` that ends with the comment ``# <marker>`` (exactly one)."""
    comment = f"# {marker}"
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    hits = [number for number, text in enumerate(lines, 1) if text.rstrip().endswith(comment)]
    assert len(hits) == 1, f"{comment!r} ends {len(hits)} lines of {path}, expected exactly 1"
    return hits[0]


def shown_path(path: str) -> str:
    """R3.9: relative to the current directory when inside it, else as it is."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def at(path: str, marker: str) -> SourceLocation:
    """The location diagnostics report for the line marked ``# <marker>`` in ``path``."""
    return SourceLocation(file=shown_path(path), line=marker_line(path, marker))


def literal(
    severity: Severity,
    code: str,
    subject: str,
    location: SourceLocation,
    message: str,
    hint: str,
) -> Diagnostic:
    """A Diagnostic spelled out in full, for tests that check the catalogue wording itself."""
    return Diagnostic(
        code=code, severity=severity, subject=subject, location=location, message=message,
        hint=hint,
    )


def from_catalogue(code: str, subject: str, location: SourceLocation, **values: Any) -> Diagnostic:
    """A Diagnostic whose severity, message and hint come from the catalogue templates."""
    entry = CODES[code]
    return Diagnostic(
        code=code,
        severity=entry.severity,
        subject=subject,
        location=location,
        message=entry.message.format(**values),
        hint=entry.hint.format(**values),
    )


def collected(declare: Callable[[], object]) -> list[Diagnostic]:
    """Every diagnostic ``declare()`` reports in collect mode (R3.12)."""
    with collect_diagnostics() as found:
        declare()
    return found


def raised(declare: Callable[[], object]) -> SpecError:
    """The one SpecError ``declare()`` raises outside collect mode (R3.10)."""
    with pytest.raises(SpecError) as info:
        declare()
    return info.value


def errors_among(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
    return tuple(item for item in diagnostics if item.severity is ERROR)


def check_declaration(declare: Callable[[], object], *expected: Diagnostic) -> None:
    """In collect mode ``declare()`` reports exactly ``expected``; outside it, it raises one
    SpecError holding exactly the errors among them, or succeeds when they are all warnings."""
    assert collected(declare) == list(expected)
    errors = errors_among(expected)
    if errors:
        assert raised(declare).diagnostics == errors
    else:
        declare()


def check_record(
    record: Callable[[], object],
    option: str,
    code: str,
    *,
    record_subject: str,
    location: SourceLocation,
    message: str,
    hint: str,
    severity: Severity = ERROR,
) -> None:
    """An option record's problem is found at construction with the record as subject (R1.4):
    an error raises there, a warning is only recorded (warnings are emitted at build, R3.14).
    In collect mode it is recorded, and once an endpoint uses the record it is reported once,
    with the endpoint's option as subject (R3.8, R3.13). Both point at the record's line."""

    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            title: str
            Meta = type("Meta", (), {option: record()})

    at_construction = literal(severity, code, record_subject, location, message, hint)
    if severity is ERROR:
        assert raised(record).diagnostics == (at_construction,)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            record()
    assert collected(record) == [at_construction]
    endpoint_subject = f"ArticleEndpoint.Meta.{option}"
    assert collected(declare) == [
        literal(severity, code, endpoint_subject, location, message, hint)
    ]


def check_app(app: LightApi, *expected: Diagnostic) -> None:
    """Phase B: ``app.check()`` lists ``expected``; in collect mode ``app.spec`` records them and
    raises nothing (R3.12); outside it ``app.spec`` and ``build_app()`` raise one SpecError with
    every error of the app (R3.10), and ``app.spec`` succeeds when they are all warnings."""
    errors = errors_among(expected)
    assert app.check() == expected
    with collect_diagnostics() as found:
        app.spec  # noqa: B018 - compiling is the point
    assert found == list(expected)
    if errors:
        assert raised(lambda: app.spec).diagnostics == errors
        assert raised(app.build_app).diagnostics == errors
    else:
        app.spec  # noqa: B018
