"""The README's quickstart, run for real: the example under uvicorn, every curl command shown,
compared with the output shown (timestamps masked)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.e2e.server import ROOT, free_port, python, running

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def console_examples(text: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of the ```console blocks."""
    pairs: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    pairs.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            pairs.append((command, "\n".join(output)))
    return pairs


def test_readme_has_the_two_setup_commands_first():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    assert blocks[0].strip().endswith("examples/books.py")
    assert blocks[1].strip().endswith("scripts/test")
    assert blocks[1].strip() in (ROOT / ".ci" / "run").read_text()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_quickstart_command_gives_the_shown_result(tmp_path):
    examples = console_examples((ROOT / "README.md").read_text())
    assert len(examples) >= 8
    port = free_port()
    with running([python(), str(ROOT / "examples" / "books.py")], tmp_path, port):
        for command, expected in examples:
            actual = subprocess.run(
                command.replace("127.0.0.1:8000", f"127.0.0.1:{port}"),
                shell=True,
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
            assert TIMESTAMP.sub("<time>", actual) == TIMESTAMP.sub("<time>", expected), command
