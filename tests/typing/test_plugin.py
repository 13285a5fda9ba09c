"""The mypy plugin against ``lightapi check`` (R18.2): the same codes, subjects and messages at
the same lines, every statically knowable code covered, nothing reported on the examples and
the documentation beyond what ``lightapi check`` reports, and the same answer across modules
and in incremental runs (R18.1)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mypy_plugin.assembly import PLUGIN_CODES
from tests.test_docs import NOT_RUN, PYTHON_BLOCK
from tests.typing.checkers import MYPY_CONFIG, ROOT, TYPING_TESTS, run_mypy

# Files whose every diagnostic lightapi check also gives (plugin_unknown.py holds values only
# the runtime knows; plugin_columns.py calls reveal_type, which does not run).
PARITY_FILES = ("fields", "meta", "serializer", "querying", "auth_cache")
CHECK_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): (?P<text>LA\d{3} (?:error|warning): .*)$")
ENVIRONMENT = {**os.environ, "LIGHTAPI_JWT_SECRET": "typing-tests-secret-" + "x" * 32}


def lightapi_check(paths: list[str], cwd: Path) -> set[tuple[str, int, str]]:
    """``(file, line, "LA### severity: subject: message")`` of ``lightapi check``."""
    result = subprocess.run(
        [sys.executable, "-m", "lightapi", "check", *paths],
        cwd=cwd,
        env={**ENVIRONMENT, "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return {
        (match["path"], int(match["line"]), match["text"])
        for match in map(CHECK_LINE.match, result.stdout.splitlines())
        if match
    }


def plugin_errors(paths: list[str], cache_dir: Path) -> set[tuple[str, int, str]]:
    return {
        (item.path, item.line, item.text.removesuffix("  [lightapi]"))
        for item in run_mypy(paths, MYPY_CONFIG, cache_dir)
        if item.severity == "error" and item.text.endswith("[lightapi]")
    }


def test_every_statically_knowable_code_has_a_typing_test() -> None:
    expected = set()
    for path in TYPING_TESTS.rglob("plugin_*.py"):
        expected |= set(re.findall(r"# E: (LA\d{3}) ", path.read_text(encoding="utf-8")))
    assert expected == PLUGIN_CODES


def test_the_plugin_reports_what_lightapi_check_reports(tmp_path: Path) -> None:
    paths = [f"typing_tests/plugin_{name}.py" for name in PARITY_FILES]
    reported = plugin_errors(paths, tmp_path / "cache")
    assert reported == lightapi_check(paths, ROOT)
    assert len(reported) >= len(PLUGIN_CODES)


def _copy_package(tmp_path: Path) -> Path:
    package = tmp_path / "typing_tests"
    shutil.copytree(TYPING_TESTS / "plugin_inheritance", package / "plugin_inheritance")
    (package / "__init__.py").write_text("", encoding="utf-8")
    return package / "plugin_inheritance"


def _mypy_lines(cwd: Path, cache_dir: Path) -> list[str]:
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--config-file", str(MYPY_CONFIG),
            "--cache-dir", str(cache_dir), "typing_tests/plugin_inheritance",
        ],  # fmt: skip
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "[lightapi]" in line]


def test_inherited_declarations_are_checked_in_incremental_runs(tmp_path: Path) -> None:
    """The child module is analysed again while its bases come from mypy's cache: what they
    declared is read from the metadata the plugin stored with them."""
    package = _copy_package(tmp_path)
    cache = tmp_path / "cache"
    first = _mypy_lines(tmp_path, cache)
    assert any("LA205 warning: ChildEndpoint.Meta.serializer" in line for line in first)
    assert any("LA201 error: OtherEndpoint.Meta.serializer" in line for line in first)
    child = package / "child.py"
    child.write_text(child.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _mypy_lines(tmp_path, cache) == first  # child stale, base and mixins cached
    assert _mypy_lines(tmp_path, cache) == first  # everything cached


# Runs a snippet and prints every diagnostic the compiler gave its endpoint classes, whatever
# the snippet does with them (raise, collect, or catch SpecError); code after the classes may
# then fail (collect mode raises nothing for its except clause): ignored, they are compiled.
RUNTIME_DIAGNOSTICS = """
import sys
import lightapi.rest
from lightapi.spec.compile import compile_endpoint
compiled = []
def recording(*args, **kwargs):
    result = compile_endpoint(*args, **kwargs)
    compiled.extend(result[1])
    return result
lightapi.rest.compile_endpoint = recording
path = sys.argv[1]
try:
    exec(compile(open(path).read(), path, "exec"), {"__name__": "snippet"})
except BaseException:
    pass
for item in compiled:
    print(item)
"""


def runtime_diagnostics(path: Path) -> set[tuple[str, int, str]]:
    result = subprocess.run(
        [sys.executable, "-c", RUNTIME_DIAGNOSTICS, path.name],
        cwd=path.parent,
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {
        (match["path"], int(match["line"]), match["text"])
        for match in map(CHECK_LINE.match, result.stdout.splitlines())
        if match
    }


def _docs_snippets(directory: Path) -> list[str]:
    names = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for number, match in enumerate(PYTHON_BLOCK.finditer(text), 1):
            source = match.group(1)
            if source.startswith(NOT_RUN):
                continue
            name = f"docs_{page.stem}_{number}.py"
            (directory / name).write_text(source, encoding="utf-8")
            names.append(name)
    return names


def test_the_plugin_reports_nothing_on_the_examples(tmp_path: Path) -> None:
    examples = sorted(path.relative_to(ROOT).as_posix() for path in ROOT.glob("examples/*.py"))
    assert examples
    assert plugin_errors(examples, tmp_path / "cache") == set()


def test_on_the_docs_snippets_the_plugin_reports_only_what_lightapi_check_reports(
    tmp_path: Path,
) -> None:
    """Some snippets show failing declarations on purpose (docs/errors.md, an LA205 in
    docs/endpoints.md): there the plugin may report what the runtime reports, never more."""
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    names = _docs_snippets(snippets)
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--config-file", str(MYPY_CONFIG),
            "--cache-dir", str(tmp_path / "cache"), "--no-strict-optional",
            "--follow-imports", "silent", *names,
        ],  # fmt: skip
        cwd=snippets,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    reported = {
        (match[1], int(match[2]), match[3])
        for match in re.finditer(
            r"^(\S+?):(\d+): error: (LA\d{3} .*?)  \[lightapi\]$", result.stdout, re.MULTILINE
        )
    }
    expected = set()
    for name in sorted({path for path, _, _ in reported}):
        expected |= runtime_diagnostics(snippets / name)
    assert reported <= expected, sorted(reported - expected)
