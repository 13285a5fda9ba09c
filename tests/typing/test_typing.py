"""typing_tests/ checked by mypy with and without the plugin and by pyright (R18.2, R18.3).

Each checker runs once over the whole tree (mypy with a fresh cache per run: the two runs load
different plugins, so a shared cache would only be invalidated back and forth). The format of
the expectations is described in tests/typing/expectations.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.typing.checkers import (
    MYPY_CONFIG,
    ROOT,
    config_without_plugin,
    modules,
    run_mypy,
    run_pyright,
)
from tests.typing.expectations import (
    Diagnostic,
    file_expectations,
    line_mismatches,
    mismatches,
    without_plugin,
)


def expectations(paths: list[str]) -> list[Diagnostic]:
    return [item for path in paths for item in file_expectations(ROOT / path, ROOT)]


def assert_none(problems: list[str], checker: str) -> None:
    if problems:
        pytest.fail(
            f"{checker} disagrees with typing_tests/:\n" + "\n".join(problems), pytrace=False
        )


def test_mypy_with_the_plugin_reports_exactly_the_expected_diagnostics(tmp_path: Path) -> None:
    paths = modules(plugin=True)
    reported = run_mypy(paths, MYPY_CONFIG, tmp_path / "cache")
    assert_none(mismatches(expectations(paths), reported), "mypy with the plugin")


def test_mypy_without_the_plugin_reports_all_but_the_plugins_diagnostics(tmp_path: Path) -> None:
    """R18.3: the typing the package ships holds with no plugin configured."""
    paths = modules(plugin=False)
    reported = run_mypy(paths, config_without_plugin(tmp_path), tmp_path / "cache")
    assert_none(mismatches(without_plugin(expectations(paths)), reported), "mypy")


def test_pyright_reports_errors_on_exactly_the_lines_that_expect_them() -> None:
    """R18.3 for pyright users: same lines as mypy, whatever pyright's wording."""
    paths = modules(plugin=False)
    reported = run_pyright(paths)
    assert_none(line_mismatches(without_plugin(expectations(paths)), reported), "pyright")


def test_the_typing_tests_cannot_pass_vacuously() -> None:
    """Each check above compares something: files, and errors expected with and without the
    plugin's."""
    everything, plain = modules(plugin=True), modules(plugin=False)
    assert everything, "typing_tests/ holds no module"
    assert expectations(everything), "typing_tests/ expects nothing"
    assert plain, "no module of typing_tests/ is checked without the plugin"
    assert any(item.severity == "error" for item in without_plugin(expectations(plain))), (
        "typing_tests/ expects no error that holds without the plugin"
    )
