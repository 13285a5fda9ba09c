"""``python -m bench.startup``: how long an app of many endpoints takes to start (issue #12).

The module of ``bench.mypy_plugin`` (200 endpoints of six kinds by default) is imported in a
fresh interpreter per round, as a server would: the libraries, then the class statements and
``register()`` (declaration, compilation, checks), then ``build_app()`` (tables, pydantic
models, encoders, routes and the OpenAPI document). The goal is the whole of the last two under
one second on this machine; the library imports are reported apart, since every framework pays
them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

from bench.mypy_plugin import endpoint_module

GOAL_SECONDS: Final = 1.0
PHASES: Final = ("imports", "declare", "build")
# Runs in the fresh interpreter; prints the phases' seconds as JSON.
PROBE: Final = """
import json, sys, time
started = time.perf_counter()
import msgspec, pydantic, sqlalchemy, starlette  # noqa: F401
import lightapi  # noqa: F401
from lightapi import LightApi  # noqa: F401
imported = time.perf_counter()
sys.path.insert(0, ".")
import generated
declared = time.perf_counter()
generated.app.build_app()
built = time.perf_counter()
print(json.dumps({"imports": imported - started, "declare": declared - imported,
                  "build": built - declared}))
"""


def run_once(workdir: Path) -> dict[str, float]:
    environment = {**os.environ, "LIGHTAPI_JWT_SECRET": "bench-startup-secret-" + "s" * 32}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"the generated app did not start:\n{result.stderr}")
    figures: dict[str, float] = json.loads(result.stdout.splitlines()[-1])
    return figures


def measure(endpoints: int, rounds: int) -> list[dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="lightapi-startup-") as directory:
        workdir = Path(directory)
        (workdir / "generated.py").write_text(endpoint_module(endpoints), encoding="utf-8")
        run_once(workdir)  # writes the bytecode cache, as a deployed app has it
        return [run_once(workdir) for _ in range(rounds)]


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median seconds of each phase, and of declaration + build (what the goal is about)."""
    medians = {phase: statistics.median(run[phase] for run in runs) for phase in PHASES}
    medians["app"] = statistics.median(run["declare"] + run["build"] for run in runs)
    return medians


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    runs = measure(args.endpoints, args.rounds)
    medians = summary(runs)
    spread = [run["declare"] + run["build"] for run in runs]
    print(f"{args.endpoints} endpoints, {args.rounds} rounds, median seconds:")
    print(
        f"  imports {medians['imports']:.3f}  declare+register {medians['declare']:.3f}"
        f"  build_app {medians['build']:.3f}"
    )
    print(
        f"  app (declare+register+build_app) {medians['app']:.3f}"
        f" ({min(spread):.3f}-{max(spread):.3f}), goal < {GOAL_SECONDS:.1f}"
    )
    return 0 if medians["app"] < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
