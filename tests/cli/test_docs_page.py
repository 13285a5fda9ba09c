"""docs/cli.md shows real output: its modules are saved in an empty folder and every
``$ lightapi ...`` console block is run there, its output compared with the page."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.cli.support import ROOT

PAGE = ROOT / "docs" / "cli.md"
MODULE = re.compile(r"```python\n# not run: save it as (\w+\.py)\n(.*?)```", re.DOTALL)
CONSOLE = re.compile(r"```console\n\$ lightapi (.*?)\n(.*?)```", re.DOTALL)


def modules() -> dict[str, str]:
    text = PAGE.read_text(encoding="utf-8")
    return {name: f"# not run: save it as {name}\n{body}" for name, body in MODULE.findall(text)}


def commands() -> list[tuple[str, str]]:
    return CONSOLE.findall(PAGE.read_text(encoding="utf-8"))


def test_the_page_has_its_examples():
    assert sorted(modules()) == ["books.py", "library.py"]
    assert len(commands()) >= 6


@pytest.mark.parametrize(("command", "expected"), commands(), ids=[c for c, _ in commands()])
def test_console_block_shows_the_real_output(cli, tmp_path, monkeypatch, command, expected):
    for name, source in modules().items():
        (tmp_path / name).write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIGHTAPI_JWT_SECRET", raising=False)
    monkeypatch.delenv("LIGHTAPI_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIGHTAPI_REDIS_URL", raising=False)
    result = cli(*shlex.split(command))
    assert result.out + result.err == expected
