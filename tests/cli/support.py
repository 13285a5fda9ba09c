"""Helpers of the CLI tests: fixture module paths, marker lines, and ``python -m lightapi``."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = Path(__file__).resolve().parent / "targets"


@dataclass
class Result:
    code: int
    out: str
    err: str


def target(name: str) -> str:
    """A fixture module's path as the tests pass it: relative to the repository root, which is
    the working directory of every CLI test."""
    return str((TARGETS / name).relative_to(ROOT))


def line_of(path: str, marker: str) -> int:
    """The line of ``path`` that ends with the comment ``# <marker>`` (exactly one)."""
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    hits = [number for number, text in enumerate(lines, 1) if text.rstrip().endswith(f"# {marker}")]
    assert len(hits) == 1, (path, marker, hits)
    return hits[0]


def run_process(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Result:
    """``python -m lightapi ARGS`` in a new interpreter (R0.5)."""
    completed = subprocess.run(
        [sys.executable, "-m", "lightapi", *args],
        check=False,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)
