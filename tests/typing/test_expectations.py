"""The expectation format of typing_tests/ and its comparison, on small inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.typing.expectations import (
    Diagnostic,
    comment_expectations,
    file_expectations,
    line_mismatches,
    mismatches,
    needs_plugin,
    without_plugin,
)


def error(text: str, line: int = 3) -> Diagnostic:
    return Diagnostic("t.py", line, "error", text)


def note(text: str, line: int = 3) -> Diagnostic:
    return Diagnostic("t.py", line, "note", text)


def test_a_comment_holds_several_expectations_after_its_prose():
    found = comment_expectations('# R18.3 # E: Argument 1  [arg-type] # N: defined in "m" #E:x')
    assert found == [
        ("error", "Argument 1  [arg-type]"),
        ("note", 'defined in "m"'),
        ("error", "x"),
    ]
    assert comment_expectations("# a plain comment: E and N") == []


def test_an_expectation_needs_text():
    with pytest.raises(ValueError, match="without text"):
        comment_expectations("# E: # N: hint")


def test_only_comments_are_read_with_their_line(tmp_path: Path):
    source = '"""Docs: write `# E: text`."""\n\nx: int = "a"  # E: Incompatible\ny = "# N: no"\n'
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    assert file_expectations(tmp_path / "m.py", tmp_path) == [
        Diagnostic("m.py", 3, "error", "Incompatible")
    ]


def test_a_wrong_expectation_names_its_place(tmp_path: Path):
    (tmp_path / "m.py").write_text("x = 1\ny = 2  # E:\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^m\.py:2: "):
        file_expectations(tmp_path / "m.py", tmp_path)


def test_plugin_files_and_packages_are_named_plugin():
    assert needs_plugin("typing_tests/plugin_serializer.py")
    assert needs_plugin("typing_tests/plugin_inheritance/base.py")
    assert not needs_plugin("typing_tests/options.py")


def test_the_plugins_expectations_are_dropped_without_it():
    kept = error("Incompatible types  [assignment]")
    assert without_plugin([kept, error("LA009 default  [lightapi]"), note("hint  [lightapi]")]) == [
        kept
    ]


def test_a_report_meets_an_expectation_it_contains_whitespace_aside():
    expected = [error('has type "str"  [assignment]'), note("defined in")]
    reported = [
        error('Incompatible: expression has type "str" [assignment]'),
        note('"f" defined in "m"'),
    ]
    assert mismatches(expected, reported) == []


def test_each_report_meets_one_expectation_of_its_severity():
    expected = [error("int"), error("int  [arg-type]"), note("int")]
    reported = [error("int  [arg-type]"), error("int  [misc]"), error("str")]
    assert mismatches(expected, reported) == [
        "t.py:3: expected note not reported: int",
        "t.py:3: unexpected error: str",
    ]


def test_mismatches_are_listed_by_file_and_line():
    problems = mismatches([error("a", line=9), error("b", line=2)], [error("c", line=5)])
    assert problems == [
        "t.py:2: expected error not reported: b",
        "t.py:5: unexpected error: c",
        "t.py:9: expected error not reported: a",
    ]


def test_another_checker_is_held_to_the_lines_only():
    expected = [error("mypy's words", line=2), note("a note", line=4)]
    assert line_mismatches(expected, [error("pyright's words", line=2)]) == []
    assert line_mismatches(expected, [error("x", line=4)]) == [
        "t.py:2: no error reported; mypy's: mypy's words",
        "t.py:4: unexpected error: x",
    ]
