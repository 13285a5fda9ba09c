"""``python -m bench.mypy_plugin`` runs end to end (issue #10, acceptance 3).

The benchmark's figure is its ratio, which a shared 2-core machine cannot hold to a bound in a
test; so this runs one round over a handful of endpoints, one of each kind the generator makes,
to prove that the command, its checks and its output work, and asserts nothing about time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.mypy_plugin import KINDS, endpoint_module

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = len(KINDS) + 1  # the accounts, then one endpoint of each kind
FEATURES = (
    'style="cursor"',
    "(Serializer):",
    "Serializer(fields=",
    "def get(self, request: Request)",
    "async def queryset(self, request: Request)",
    "HttpMethod.GET",
    'foreign_key="accounts.id"',
    "Cache(ttl=",
    "backend=JWTAuthentication",
    "decimal_places=2",
    "uuid.UUID",
)


def test_every_kind_is_generated() -> None:
    source = endpoint_module(ENDPOINTS)
    assert source.count("(RestEndpoint") == ENDPOINTS
    for feature in FEATURES:
        assert feature in source, feature


@pytest.mark.slow
def test_one_round_runs_clean(tmp_path: Path) -> None:
    output = tmp_path / "mypy_plugin.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.mypy_plugin", "--endpoints", str(ENDPOINTS), "--rounds",
         "1", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    # 0 under the 2x gate, 1 over it: timing, not asserted here. 2 is a module that did not
    # check clean (a mypy error or a [lightapi] diagnostic): that fails.
    assert done.returncode in (0, 1), done.stdout + done.stderr
    results = json.loads(output.read_text())
    assert results["gate"]["phase"] == "warm-deps"
    labels = {
        "cold": ("without", "with"),
        "warm-deps": ("without", "with", "probe without", "probe with"),
    }
    for phase, names in labels.items():
        for label in names:
            runs = results["phases"][phase][label]["runs"]
            assert [run["diagnostics"] for run in runs] == [0], (phase, label)
    assert "with/without of medians" in done.stdout
