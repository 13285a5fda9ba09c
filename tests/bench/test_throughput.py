"""``python -m bench`` runs end to end (issue #12): one very short round on sync SQLite and
asyncpg, parity checked, the table and the JSON holding every engine x scenario x app. No
assertion about speed: a shared 2-core machine cannot hold a bound.

PostgreSQL or wrk missing skips locally but fails under ``CI=true`` (``tests/services.py``).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench.__main__ import main, parse_args, settings_from
from bench.apps.raw_params import Cursors, InvalidCursor
from bench.docs import END, START, write_results
from bench.engines import postgres_unreachable
from bench.lineup import APPS
from bench.parity import cursor_meaning
from tests.services import unavailable

SCENARIOS = ("get_one", "cursor_list", "not_found", "auth_get", "patch")
PEERS = ("fastapi", "litestar")  # measured on sync SQLite


def test_one_short_round_on_sqlite_and_asyncpg(tmp_path: Path, capsys) -> None:
    if shutil.which("wrk") is None:
        unavailable("wrk", FileNotFoundError("wrk not on PATH"))
    problem = postgres_unreachable()
    if problem is not None:
        unavailable("PostgreSQL", ConnectionError(problem))
    peers = [name for name in PEERS if APPS[name].unavailable() is None]
    if os.environ.get("CI") == "true":
        assert peers == list(PEERS), "the dev extra installs the peer frameworks"
    apps = ["lightapi", "raw", *peers]
    output = tmp_path / "results.json"
    markdown = tmp_path / "table.md"
    status = main(
        [
            "--quick",
            "--duration=1",
            "--warmup=0",
            "--rounds=1",
            "--engines=sqlite,asyncpg",
            f"--apps={','.join(apps)}",
            f"--scenarios={','.join(SCENARIOS)}",
            f"--tmpdir={tmp_path}",
            f"--output={output}",
            f"--markdown={markdown}",
        ]
    )
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "parity sqlite raw:" in printed and "parity asyncpg raw:" in printed
    document = json.loads(output.read_text())
    measured = {(row["engine"], row["scenario"]): set(row["apps"]) for row in document["results"]}
    for scenario in SCENARIOS:
        assert measured["asyncpg", scenario] == {"lightapi", "raw"}
        assert measured["sqlite", scenario] == {"lightapi", "raw", *peers}
    not_found = next(row for row in document["results"] if row["scenario"] == "not_found")
    assert not_found["apps"]["raw"]["unexpected_status"] == 0  # 404 is what it expects
    table = markdown.read_text()
    assert "**sqlite**" in table and "**asyncpg**" in table and "LightAPI/raw" in table


def test_defaults_fit_the_time_budget() -> None:
    """Every engine, app and scenario: the full run in 25 minutes, --quick in 5."""
    for flags, budget in (([], 25), (["--quick"], 5)):
        settings = settings_from(parse_args(flags))
        assert settings.estimated_seconds() <= budget * 60


def test_write_docs_replaces_only_between_the_markers(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Title\n\nprose\n\n{START}\nold table\n{END}\n\nmore prose\n")
    write_results("| new | table |\n", doc)
    assert doc.read_text() == (
        f"# Title\n\nprose\n\n{START}\n| new | table |\n{END}\n\nmore prose\n"
    )


def test_the_baseline_cursor_is_signed_and_means_what_lightapi_s_means() -> None:
    cursors = Cursors(b"k" * 32)
    token = cursors.encode(20, forward=True)
    assert cursors.decode(token) == (20, True)
    assert cursor_meaning(token) == {"d": "n", "i": 20, "k": [], "o": "id"}
    with pytest.raises(InvalidCursor):
        Cursors(b"other key").decode(token)
    with pytest.raises(InvalidCursor):
        cursors.decode("garbage")
