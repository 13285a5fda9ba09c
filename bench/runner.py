"""Runs the benchmark: seed, serve both apps, check parity, measure A B A B, collect results.

Rounds run every scenario for LightAPI and then the baseline, in fresh server processes. Before
each run the server is left to go idle and its database is reset with plain SQL, so every run
starts from the same state.
"""

from __future__ import annotations

import dataclasses
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

from bench import cache, parity, seed
from bench.apps import CACHE_PREFIX_ENV, REDIS_URL
from bench.cpu import CpuMeter, Placement, wait_until_idle
from bench.load import run_wrk, wrk_version
from bench.report import LIGHTAPI, RAW, AppRuns, Run, ScenarioResult
from bench.scenarios import CACHED_PATH, SCENARIOS, Scenario
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
    cache_prefix: str | None = None  # Redis key prefix of this run, when get_cached runs
    redis_pid: int | None = None  # a local Redis server's pid, for CPU accounting
    skipped: tuple[str, ...] = ()  # requested but not run (get_cached without Redis)

    @property
    def placement(self) -> Placement:
        return Placement.pinned() if self.pin else Placement()

    def estimated_seconds(self) -> float:
        runs = (2 if self.warmup else 1) * RUN_OVERHEAD_SECONDS
        per_round = len(self.scenarios) * len(APPS) * (self.warmup + self.duration + runs)
        return self.rounds * (per_round + len(APPS) * START_SECONDS) + 5


def say(message: str) -> None:
    print(message, flush=True)


def plan_cache(settings: Settings) -> Settings:
    """Give a run with cached scenarios its own Redis key prefix, or skip those scenarios (with
    a message) when Redis does not answer; the other scenarios run either way."""
    cached = [name for name in settings.scenarios if SCENARIOS[name].cached]
    if not cached:
        return settings
    problem = cache.unreachable()
    if problem is None:
        return dataclasses.replace(
            settings, cache_prefix=cache.new_prefix(), redis_pid=cache.server_pid()
        )
    say(f"SKIPPED {', '.join(cached)}: {problem}; the other scenarios run")
    remaining = tuple(name for name in settings.scenarios if name not in cached)
    if not remaining:
        raise SystemExit("nothing to run: every requested scenario needs Redis")
    return dataclasses.replace(settings, scenarios=remaining, skipped=(*settings.skipped, *cached))


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
        "redis": REDIS_URL if settings.cache_prefix else None,
    }


def _installed(name: str) -> bool:
    try:
        version(name)
    except Exception:
        return False
    return True


def _measure(
    wrk: str,
    settings: Settings,
    scenario: Scenario,
    server: Server,
    seconds: float,
    rows: int,
    log_offset: int | None = None,
) -> Run:
    """One wrk run. ``log_offset`` (cached scenario, LightAPI): the server log's size before
    the warm-up; the run is flagged if the cache was suspended since or the next answer is not
    a HIT."""
    if not wait_until_idle(server.pid):
        say(f"warning: {server.app.name} server still busy 10 s after the previous run")
    seed.prepare(server.db_path, rows * settings.threads)
    redis_pid = settings.redis_pid if scenario.cached else None
    with CpuMeter(server.pid, redis_pid) as meter:
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
    problem = None if log_offset is None else _cache_problem(server, log_offset)
    return Run(result, meter.result, problem)


def _cache_problem(server: Server, log_offset: int) -> str | None:
    """Why the run may have measured uncached answers, or None."""
    suspended = cache.warnings_since(server.log_path, log_offset)
    if suspended:
        return f"cache suspended {suspended} time(s) during the run (Redis failed or timed out)"
    answer = parity.call(server.base_url, "GET", CACHED_PATH)
    state = answer.headers.get("x-cache")
    if answer.status != 200 or state != "HIT":
        return f"after the run GET {CACHED_PATH} answered {answer.status}, X-Cache {state}"
    return None


def _describe(run: Run) -> str:
    wrk, cpu = run.wrk, run.cpu
    text = f"{wrk.rps:>10,.0f} req/s  non-2xx {wrk.non_2xx}  socket errors {wrk.errors}"
    if cpu is not None and cpu.server is not None:
        text += f"  cpu: server {cpu.server:.2f} wrk {cpu.load_generator:.2f}"
        if cpu.redis is not None:
            text += f" redis {cpu.redis:.2f}"
        text += f" other {cpu.other:.2f}"
    if not wrk.clean:
        text += "  <-- errors"
    if run.noisy:
        text += "  <-- noisy: other processes were busy"
    return text


def _check_parity(servers: dict[str, Server], meta: dict[str, Any], cached: bool) -> None:
    report = parity.check(servers[LIGHTAPI].base_url, servers[RAW].base_url, cached=cached)
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
            log_offset = None
            if scenario.cached and app.name == LIGHTAPI:
                log_offset = cache.log_size(server.log_path)
            if settings.warmup:
                _measure(wrk, settings, scenario, server, settings.warmup, rows)
            run = _measure(wrk, settings, scenario, server, settings.duration, rows, log_offset)
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
    env = {} if settings.cache_prefix is None else {CACHE_PREFIX_ENV: settings.cache_prefix}
    try:
        meta = _run_rounds(wrk, settings, results, ports, env)
    finally:
        if settings.cache_prefix is not None:
            deleted = cache.delete_keys(settings.cache_prefix)
            outcome = f"{deleted} deleted" if deleted >= 0 else "could NOT be deleted"
            say(f"Redis keys {settings.cache_prefix}:*: {outcome}")
    busy = [port for port in ports if not port_is_free(port)]
    if busy:
        print(f"warning: ports still answering after shutdown: {busy}", file=sys.stderr)
    meta["finished_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return list(results.values()), meta


def _run_rounds(
    wrk: str,
    settings: Settings,
    results: dict[str, ScenarioResult],
    ports: list[int],
    env: dict[str, str],
) -> dict[str, Any]:
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
                    server = Server(
                        app, databases[app.name], data_dir, settings.placement.server, env
                    )
                    servers[app.name] = stack.enter_context(server)
                    ports.append(server.port)
                say(
                    f"round {round_number}/{settings.rounds}: fresh servers "
                    + ", ".join(f"{name} {server.base_url}" for name, server in servers.items())
                )
                if round_number == 1 and settings.parity:
                    _check_parity(servers, meta, cached=settings.cache_prefix is not None)
                run_round(wrk, settings, round_number, servers, results)
    return meta
