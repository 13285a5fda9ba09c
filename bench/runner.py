"""Runs the benchmark: seed, serve both apps, check parity, measure A B A B, collect results.

Rounds run every scenario for LightAPI and then the baseline, in fresh server processes. Before
each run the server is left to go idle and its database is reset with plain SQL, so every run
starts from the same state.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Final

from bench import parity, seed
from bench.cpu import CpuMeter, Placement, wait_until_idle
from bench.load import run_wrk, wrk_version
from bench.report import LIGHTAPI, RAW, AppRuns, Run, ScenarioResult
from bench.scenarios import SCENARIOS, Scenario
from bench.servers import REPO_ROOT, AppTarget, Server, port_is_free

# A first, B second in every round.
APPS: Final = (
    AppTarget(LIGHTAPI, "bench.apps.lightapi_app:asgi"),
    AppTarget(RAW, "bench.apps.raw:asgi"),
)
RUN_OVERHEAD_SECONDS: Final = 0.5  # reset, wrk start-up, CPU accounting; measured
START_SECONDS: Final = 2.0  # starting one server until it answers


@dataclass(frozen=True)
class Settings:
    duration: float
    warmup: float
    rounds: int
    threads: int
    connections: int
    scenarios: tuple[str, ...]
    tmpdir: str | None
    parity: bool
    pin: bool = False

    @property
    def placement(self) -> Placement:
        return Placement.pinned() if self.pin else Placement()

    def estimated_seconds(self) -> float:
        runs = (2 if self.warmup else 1) * RUN_OVERHEAD_SECONDS
        per_round = len(self.scenarios) * len(APPS) * (self.warmup + self.duration + runs)
        return self.rounds * (per_round + len(APPS) * START_SECONDS) + 5


def say(message: str) -> None:
    print(message, flush=True)


def _git_revision() -> str:
    def git(*args: str) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        return completed.stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    return revision + ("+dirty" if git("status", "--porcelain", "--", "lightapi") else "")


def metadata(settings: Settings, wrk: str, data_dir: Path) -> dict[str, Any]:
    packages = ("starlette", "uvicorn", "sqlalchemy", "pydantic", "msgspec")
    return {
        "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git": _git_revision(),
        "settings": asdict(settings),
        "versions": {
            "python": platform.python_version(),
            "lightapi": version("lightapi") if _installed("lightapi") else "source",
            "wrk": wrk_version(wrk),
            **{name: version(name) for name in packages},
        },
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": os.getloadavg(),
        },
        "database_dir": str(data_dir.parent),
        "uvicorn": "1 worker, 127.0.0.1, --log-level warning, --no-access-log, default loop/http",
        "placement": settings.placement.describe(),
    }


def _installed(name: str) -> bool:
    try:
        version(name)
    except Exception:
        return False
    return True


def _measure(
    wrk: str, settings: Settings, scenario: Scenario, server: Server, seconds: float, rows: int
) -> Run:
    if not wait_until_idle(server.pid):
        say(f"warning: {server.app.name} server still busy 10 s after the previous run")
    seed.prepare(server.db_path, rows * settings.threads)
    with CpuMeter(server.pid) as meter:
        result = run_wrk(
            wrk,
            server.base_url + scenario.path,
            seconds=seconds,
            threads=settings.threads,
            connections=settings.connections,
            script=scenario.script,
            script_args=scenario.script_args(rows),
            cpus=settings.placement.load_generator,
        )
    return Run(result, meter.result)


def _describe(run: Run) -> str:
    wrk, cpu = run.wrk, run.cpu
    text = f"{wrk.rps:>10,.0f} req/s  non-2xx {wrk.non_2xx}  socket errors {wrk.errors}"
    if cpu is not None and cpu.server is not None:
        text += f"  cpu: server {cpu.server:.2f} wrk {cpu.load_generator:.2f} other {cpu.other:.2f}"
    if not wrk.clean:
        text += "  <-- errors"
    if run.noisy:
        text += "  <-- noisy: other processes were busy"
    return text


def _check_parity(servers: dict[str, Server], meta: dict[str, Any]) -> None:
    report = parity.check(servers[LIGHTAPI].base_url, servers[RAW].base_url)
    for line in report.lines:
        say(f"  parity ok: {line}")
    for line in report.warnings:
        say(f"  parity note (error path, not benchmarked): {line}")
    meta["parity"] = {"ok": report.lines, "warnings": report.warnings}


def run_round(
    wrk: str,
    settings: Settings,
    round_number: int,
    servers: dict[str, Server],
    results: dict[str, ScenarioResult],
) -> None:
    """Every scenario once per app, A then B, each measured run after its own warm-up."""
    for name in settings.scenarios:
        scenario = SCENARIOS[name]
        rows = scenario.patch_rows_per_thread(
            max(settings.duration, settings.warmup), settings.threads
        )
        for app in APPS:
            server = servers[app.name]
            if settings.warmup:
                _measure(wrk, settings, scenario, server, settings.warmup, rows)
            run = _measure(wrk, settings, scenario, server, settings.duration, rows)
            results[name].apps[app.name].runs.append(run)
            note = ""
            if scenario.patches:
                note = f"  rows patched {seed.count_patched(server.db_path):,}"
            say(
                f"  {name:<12} round {round_number}/{settings.rounds} {app.name:<9}"
                f"{_describe(run)}{note}"
            )


def run(settings: Settings, wrk: str) -> tuple[list[ScenarioResult], dict[str, Any]]:
    """Everything between 'wrk is there' and 'results are known'; always stops the servers.

    Each round starts both apps afresh: a process's throughput can sit a few percent above or
    below another process of the same app for its whole life (memory layout, hash seeds), so
    rounds in fresh processes make that luck part of the measured spread instead of a bias.
    """
    load = os.getloadavg()[0]
    if load > 0.5:
        say(f"warning: load average {load:.2f} before start; other processes may skew results")
    results = {
        name: ScenarioResult(
            name, SCENARIOS[name].description, {app.name: AppRuns() for app in APPS}
        )
        for name in settings.scenarios
    }
    ports: list[int] = []
    with tempfile.TemporaryDirectory(prefix="lightapi-bench-", dir=settings.tmpdir) as tmp:
        data_dir = Path(tmp)
        meta = metadata(settings, wrk, data_dir)
        databases = {app.name: data_dir / f"{app.name}.db" for app in APPS}
        for path in databases.values():
            seed.create(path)
        for round_number in range(1, settings.rounds + 1):
            with ExitStack() as stack:
                servers: dict[str, Server] = {}
                for app in APPS:
                    server = Server(app, databases[app.name], data_dir, settings.placement.server)
                    servers[app.name] = stack.enter_context(server)
                    ports.append(server.port)
                say(
                    f"round {round_number}/{settings.rounds}: fresh servers "
                    + ", ".join(f"{name} {server.base_url}" for name, server in servers.items())
                )
                if round_number == 1 and settings.parity:
                    _check_parity(servers, meta)
                run_round(wrk, settings, round_number, servers, results)
    busy = [port for port in ports if not port_is_free(port)]
    if busy:
        print(f"warning: ports still answering after shutdown: {busy}", file=sys.stderr)
    meta["finished_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return list(results.values()), meta
