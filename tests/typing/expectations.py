"""The diagnostics typing_tests/ expects, and their comparison with what a checker reported.

An expectation is a trailing comment on the offending line: ``# E: <text>`` for an error and
``# N: <text>`` for a note, several in one comment; comment text before the first marker is an
ordinary comment. A diagnostic renders as ``<message>  [<code>]`` (``<message>`` without a code)
and meets an expectation of its severity on its line when the rendering contains the text. Runs
of whitespace count as one space, so nobody has to count the two spaces mypy puts before a code.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MARKER = re.compile(r"#\s*([EN]):")
SEVERITIES = {"E": "error", "N": "note"}
# The plugin's diagnostics carry this code (R18.2): checks without the plugin drop them.
PLUGIN_CODE = "[lightapi]"
PLUGIN_PREFIX = "plugin_"


@dataclass(frozen=True)
class Diagnostic:
    """One expected or reported diagnostic: ``path`` is relative to the repository, POSIX."""

    path: str
    line: int
    severity: str
    text: str

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def normalized(text: str) -> str:
    return " ".join(text.split())


def comment_expectations(comment: str) -> list[tuple[str, str]]:
    """``(severity, text)`` of each marker in one comment, in order."""
    parts = MARKER.split(comment)
    found = [(SEVERITIES[kind], text.strip()) for kind, text in zip(parts[1::2], parts[2::2])]
    if any(not text for _, text in found):
        raise ValueError(f"an expectation without text in {comment!r}")
    return found


def file_expectations(path: Path, root: Path) -> list[Diagnostic]:
    """The expectations of one file; comments are found by the tokenizer, so a marker inside a
    string (a docstring describing the format) is not one."""
    name = path.relative_to(root).as_posix()
    source = path.read_text(encoding="utf-8")
    expected = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        try:
            found = comment_expectations(token.string)
        except ValueError as error:
            raise ValueError(f"{name}:{token.start[0]}: {error}") from None
        expected += [Diagnostic(name, token.start[0], kind, text) for kind, text in found]
    return expected


def needs_plugin(path: str) -> bool:
    """Files and packages named ``plugin_*`` are checked with the plugin only."""
    return any(part.startswith(PLUGIN_PREFIX) for part in PurePosixPath(path).parts)


def without_plugin(expected: Iterable[Diagnostic]) -> list[Diagnostic]:
    """What remains expected when the plugin does not run."""
    return [item for item in expected if PLUGIN_CODE not in item.text]


def _matching(expected: list[Diagnostic], reported: list[Diagnostic]) -> dict[int, int]:
    """A largest pairing of expectations with reports that meet them (index to index): a plain
    first-fit could spend a report on a short text that a longer one alone can meet."""
    meets = [
        [
            index
            for index, report in enumerate(reported)
            if report.severity == expectation.severity
            and normalized(expectation.text) in normalized(report.text)
        ]
        for expectation in expected
    ]
    report_of: dict[int, int] = {}
    expectation_of: dict[int, int] = {}

    def place(wanted: int, tried: set[int]) -> bool:
        for index in meets[wanted]:
            if index in tried:
                continue
            tried.add(index)
            if index not in expectation_of or place(expectation_of[index], tried):
                expectation_of[index] = wanted
                report_of[wanted] = index
                return True
        return False

    for wanted in range(len(expected)):
        place(wanted, set())
    return report_of


def _by_line(items: Iterable[Diagnostic]) -> dict[tuple[str, int], list[Diagnostic]]:
    grouped: dict[tuple[str, int], list[Diagnostic]] = defaultdict(list)
    for item in items:
        grouped[item.path, item.line].append(item)
    return grouped


def mismatches(expected: Iterable[Diagnostic], reported: Iterable[Diagnostic]) -> list[str]:
    """One line per expectation not met and per report not expected, in file and line order."""
    wanted, got = _by_line(expected), _by_line(reported)
    problems = []
    for key in sorted(wanted.keys() | got.keys()):
        expectations, reports = wanted.get(key, []), got.get(key, [])
        paired = _matching(expectations, reports)
        for index, item in enumerate(expectations):
            if index not in paired:
                problems.append(
                    f"{item.where()}: expected {item.severity} not reported: {item.text}"
                )
        used = set(paired.values())
        for index, item in enumerate(reports):
            if index not in used:
                problems.append(f"{item.where()}: unexpected {item.severity}: {item.text}")
    return problems


def line_mismatches(expected: Iterable[Diagnostic], reported: Iterable[Diagnostic]) -> list[str]:
    """For a checker whose messages differ from mypy's: errors exactly on the lines that expect
    at least one error, whatever their text."""
    wanted = _by_line(item for item in expected if item.severity == "error")
    got = _by_line(reported)
    problems = []
    for key in sorted(wanted.keys() | got.keys()):
        if key not in got:
            texts = "; ".join(item.text for item in wanted[key])
            problems.append(f"{key[0]}:{key[1]}: no error reported; mypy's: {texts}")
        elif key not in wanted:
            problems += [
                f"{item.where()}: unexpected {item.severity}: {item.text}" for item in got[key]
            ]
    return problems
