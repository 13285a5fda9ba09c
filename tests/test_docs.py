"""The documentation runs: every ```python block of docs/*.md is executed as written
(ARCHITECTURE §5.7), every diagnostic code has its entry (R3.15), and the site's nav lists
every page.

Each block runs in a fresh module named ``docs_example`` with the working directory set to a
temporary folder; the environment variables it sets or removes are restored afterwards. Its code
is compiled under the markdown page's name with the page's line numbers, so a failure points at
the page and line. A block whose first line is ``# not run`` is not executed, only compiled.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
import types
from pathlib import Path

import pytest
import yaml

from lightapi.spec import CODES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
NOT_RUN = "# not run"


def python_blocks(*, run: bool) -> list[object]:
    """The blocks to run (``run=True``) or the ``# not run`` ones, as pytest params."""
    params = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for number, match in enumerate(PYTHON_BLOCK.finditer(text), 1):
            source = match.group(1)
            if source.startswith(NOT_RUN) is run:
                continue
            first_line = text.count("\n", 0, match.start(1)) + 1
            params.append(pytest.param(page.name, first_line, source, id=f"{page.name}:{number}"))
    return params


def compiled(page: str, first_line: int, source: str) -> types.CodeType:
    """The block's code under the page's name, with the page's line numbers (blank lines
    first); ``dont_inherit`` keeps this module's ``from __future__`` imports out of it."""
    padded = "\n" * (first_line - 1) + source
    return compile(padded, str(DOCS / page), "exec", dont_inherit=True)


@pytest.mark.parametrize(("page", "first_line", "source"), python_blocks(run=True))
def test_python_block_runs(page, first_line, source, tmp_path, monkeypatch):
    code = compiled(page, first_line, source)
    module = types.ModuleType("docs_example")
    monkeypatch.setitem(sys.modules, "docs_example", module)
    monkeypatch.chdir(tmp_path)
    environment = dict(os.environ)
    failure = None
    try:
        exec(code, module.__dict__)
    except Exception as error:
        # Only the block's own frames: the first one is this function's exec().
        frames = error.__traceback__.tb_next if error.__traceback__ else None
        failure = "".join(traceback.format_exception(type(error), error, frames))
    finally:
        # Examples of deploy checks set LIGHTAPI_* variables; later tests must not see them.
        os.environ.clear()
        os.environ.update(environment)
    if failure is not None:
        pytest.fail(failure, pytrace=False)


@pytest.mark.parametrize(("page", "first_line", "source"), python_blocks(run=False))
def test_not_run_block_compiles(page, first_line, source):
    """Blocks starting with ``# not run`` are skipped by the test above, but must be Python."""
    compiled(page, first_line, source)


def test_there_are_python_blocks():
    assert len(python_blocks(run=True)) > 50


def test_every_diagnostic_code_has_one_entry_with_its_severity():
    """R3.15: one anchor per catalogue code, and the entry states the catalogue's severity."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### (LA\d{3}) .*\{#(LA\d{3})\}\n\n(.*)$", text, re.MULTILINE)
    assert [code for code, _, _ in headings] == sorted(CODES)
    for code, anchor, first_line in headings:
        assert anchor == code
        assert first_line.startswith(f"**{CODES[code].severity.value}**"), code


def test_every_code_named_by_the_errors_page_exists():
    """The other direction of R3.15: every heading and anchor of errors.md that names a code
    names one of the catalogue, once; so do links into errors.md from every page."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ .*?\b(LA\d{3})\b", text, re.MULTILINE)
    anchors = re.findall(r"\{#(LA\d{3})\}", text)
    assert sorted(headings) == sorted(anchors) == sorted(CODES)
    for page in sorted(DOCS.glob("*.md")):
        linked = re.findall(r"errors\.md#(LA\d{3})", page.read_text(encoding="utf-8"))
        assert set(linked) <= set(CODES), page.name
    local = re.findall(r"\]\(#(LA\d{3})\)", text)
    assert set(local) <= set(CODES)


def test_mkdocs_nav_lists_every_page():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = [next(iter(entry.values())) for entry in config["nav"]]
    assert sorted(listed) == sorted(page.name for page in DOCS.glob("*.md"))


def _console_blocks(path: Path) -> list[str]:
    return re.findall(r"```console\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


def test_quickstart_shows_the_commands_the_readme_test_runs():
    """tests/e2e/test_readme.py runs the README's console blocks against a real server."""
    assert _console_blocks(DOCS / "quickstart.md") == _console_blocks(ROOT / "README.md")


def test_yaml_page_shows_the_example_file_as_it_is():
    blocks = re.findall(
        r"```yaml\n(.*?)```", (DOCS / "yaml.md").read_text(encoding="utf-8"), re.DOTALL
    )
    assert blocks[0] == (ROOT / "examples" / "books.yaml").read_text(encoding="utf-8")
