"""Fixtures of the CLI tests: ``cli(...)`` runs ``lightapi.cli.main`` in-process.

In-process runs import target modules into this interpreter; the autouse fixture removes them
and restores ``sys.path`` afterwards, so that every test imports its targets afresh, as a new
``lightapi`` process would. Every test runs from the repository root, so that diagnostics show
``tests/cli/targets/...`` paths (R3.9).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lightapi.cli import main
from tests.cli.support import ROOT, TARGETS, Result


@pytest.fixture(autouse=True)
def fresh_targets(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.chdir(ROOT)
    before = set(sys.modules)
    saved_path = list(sys.path)
    temporary = tmp_path_factory.getbasetemp().resolve()
    yield
    sys.path[:] = saved_path
    for name in set(sys.modules) - before:
        filename = getattr(sys.modules[name], "__file__", None)
        if not filename:
            continue
        resolved = Path(filename).resolve()
        if resolved.is_relative_to(TARGETS) or resolved.is_relative_to(temporary):
            del sys.modules[name]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``cli("check", TARGET, ...)``: the exit code and what was printed to stdout and stderr."""

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
