"""``--write-docs``: the results table goes into docs/performance.md between two markers.

Only what lies between the markers is replaced, so the prose around it (written by people)
survives every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from bench.servers import REPO_ROOT

PERFORMANCE_DOC: Final = REPO_ROOT / "docs" / "performance.md"
START: Final = "<!-- bench:results:start -->"
END: Final = "<!-- bench:results:end -->"


def write_results(table: str, path: Path = PERFORMANCE_DOC) -> None:
    """Replace the text between the markers with ``table``; the markers must be there."""
    text = path.read_text()
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: markers {START} ... {END} not found; nothing written")
    head, tail = text[: start + len(START)], text[end:]
    path.write_text(f"{head}\n{table.strip()}\n{tail}")
