"""Runs the benchmark: seed, serve, check parity, measure A B A B, collect results.

Each app gets its own database on each engine, seeded once. Every round goes through the
engines one after the other; on each it starts the engine's apps afresh (only one engine's
servers run at a time) and runs every scenario for each app in turn, LightAPI first. Before each
run the server is left to go idle and its database is reset, so every run starts from the same
state.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

from bench import cache, parity, seed
from bench.apps import CACHE_PREFIX_ENV, JWT_SECRET_ENV, REDIS_URL
from bench.cpu import CpuMeter, processes_named, wait_until_idle
from bench.engines import PG_HOST, PG_PORT, Database, database
from bench.lineup import LIGHTAPI, RAW, AppTarget
from bench.load import run_wrk, wrk_version
from bench.plan import Group, Settings
from bench.report import AppRuns, Run, ScenarioResult
from bench.scenarios import CACHED_PATH, SCENARIOS, Scenario
from bench.servers import REPO_ROOT, Server, port_is_free

PACKAGES: Final = (
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "pydantic",
    "msgspec",
    "aiosqlite",
    "psycopg",
    "asyncpg",
    "pyjwt",
    "redis",
    "fastapi",
    "sqlmodel",
    "litestar",
)


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


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def metadata(settings: Settings, wrk: str, data_dir: Path) -> dict[str, Any]:
    postgres = any(group.engine.postgres for group in settings.groups())
    return {
        "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git": _git_revision(),
        "settings": {**asdict(settings), "jwt_secret": "<random per run>"},
        "versions": {
            "python": platform.python_version(),
            "lightapi": _version("lightapi") or "source",
            "wrk": wrk_version(wrk),
            **{name: _version(name) for name in PACKAGES},
        },
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": os.getloadavg(),
        },
        "database_dir": str(data_dir.parent),
        "postgres": f"{PG_HOST}:{PG_PORT}, not pinned" if postgres else "not used",
        "uvicorn": "1 worker, 127.0.0.1, --log-level warning, --no-access-log, default loop/http",
        "placement": settings.placement.describe(),
        "redis": REDIS_URL if settings.cache_prefix else None,
    }


class Stage:
    """One engine in one round: its servers, their databases and cursor tokens."""

    def __init__(
        self, group: Group, databases: dict[str, Database], servers: dict[str, Server]
    ) -> None:
        self.group = group
        self.databases = databases
        self.servers = servers
        self.cursors = {name: _first_cursor(name, server) for name, server in servers.items()}


def _first_cursor(app: str, server: Server) -> str | None:
    """The token ``cursor_list`` sends to this server; None (reported, and the scenario not
    measured for the app) when its ``/feed`` gives none. Parity then stops a baseline that
    fails here."""
    try:
        return parity.first_cursor(server.base_url)
    except (RuntimeError, ValueError, KeyError, TypeError, OSError) as error:
        say(f"  warning: {app} gave no cursor token: {error}")
        return None


def _measure(
    wrk: str,
    settings: Settings,
    stage: Stage,
    app: str,
    scenario: Scenario,
    seconds: float,
    rows: int,
    token: str,
    log_offset: int | None = None,
) -> Run:
    """One wrk run. ``log_offset`` (cached scenario, LightAPI): the server log's size before
    the warm-up; the run is flagged if the cache was suspended since or the next answer is not
    a HIT."""
    server = stage.servers[app]
    if not wait_until_idle(server.pid):
        say(f"warning: {app} server still busy 10 s after the previous run")
    seed.prepare(stage.databases[app].sync_url, rows * settings.threads)
    # PostgreSQL's processes now: the app's pooled backends exist once it has served requests
    # (the warm-up); a backend it opens during the run is missed and counts as other.
    services = processes_named("postgres") if stage.group.engine.postgres else ()
    if scenario.cached and settings.redis_pid is not None:
        services = (*services, settings.redis_pid)
    headers = (f"Authorization: Bearer {token}",) if scenario.authenticated else ()
    with CpuMeter(server.pid, services) as meter:
        result = run_wrk(
            wrk,
            server.base_url + scenario.target(stage.cursors.get(app)),
            seconds=seconds,
            threads=settings.threads,
            connections=settings.connections,
            script=scenario.script,
            script_args=scenario.script_args(rows),
            headers=headers,
            cpus=settings.placement.load_generator,
        )
    problem = None if log_offset is None else _cache_problem(server, log_offset)
    if server.process is not None and server.process.poll() is not None:
        problem = f"the server exited (status {server.process.returncode}); see {server.log_path}"
    return Run(result, meter.result, problem, expect_error=scenario.expected_status >= 400)


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
    text = f"{wrk.rps:>10,.0f} req/s  unexpected {run.unexpected}  socket errors {wrk.errors}"
    if cpu is not None and cpu.server is not None:
        text += f"  cpu: server {cpu.server:.2f} wrk {cpu.load_generator:.2f}"
        if cpu.services is not None:
            text += f" db/redis {cpu.services:.2f}"
        text += f" other {cpu.other:.2f}"
    if not run.clean:
        text += "  <-- errors"
    if run.noisy:
        text += "  <-- noisy: other processes were busy"
    return text


def _check_parity(
    stage: Stage, settings: Settings, token: str, meta: dict[str, Any]
) -> dict[str, set[str]]:
    """Every app against LightAPI; returns, per peer, the scenarios it cannot be measured on."""
    light = stage.servers[LIGHTAPI]
    unmeasurable: dict[str, set[str]] = {}
    for name, server in stage.servers.items():
        if name == LIGHTAPI:
            continue
        peer = name != RAW
        for app in (LIGHTAPI, name):  # the previous check wrote to LightAPI's database
            seed.prepare(stage.databases[app].sync_url)
        report = parity.check(
            light.base_url,
            server.base_url,
            peer=peer,
            cached=settings.cache_prefix is not None,
            token=token,
            cursors=(stage.cursors[LIGHTAPI] or "", stage.cursors[name] or ""),
        )
        label = f"{stage.group.engine.name} {name}"
        say(f"  parity {label}: {len(report.lines)} requests the same")
        for line in report.warnings:
            kind = "WARNING (peer)" if peer else "note (error path, not benchmarked)"
            say(f"  parity {kind} {label}: {line}")
        if report.failed_scenarios:
            say(f"  SKIPPED {label}: {', '.join(sorted(report.failed_scenarios))} (wrong status)")
        unmeasurable[name] = report.failed_scenarios
        meta["parity"][label] = {
            "same": report.lines,
            "warnings": report.warnings,
            "not_measured": sorted(report.failed_scenarios),
        }
    return unmeasurable


def run_stage(
    wrk: str,
    settings: Settings,
    round_number: int,
    stage: Stage,
    results: dict[tuple[str, str], ScenarioResult],
    unmeasurable: dict[str, set[str]],
    token: str,
) -> None:
    """Every scenario once per app, in turn, each measured run after its own warm-up."""
    engine = stage.group.engine.name
    for name in settings.scenarios:
        scenario = SCENARIOS[name]
        rows = scenario.patch_rows_per_thread(
            max(settings.duration, settings.warmup), settings.threads
        )
        for app in stage.servers:
            if name in unmeasurable.get(app, ()):
                continue
            if scenario.cursor and stage.cursors[app] is None:
                continue
            log_offset = None
            if scenario.cached and app == LIGHTAPI:
                log_offset = cache.log_size(stage.servers[app].log_path)
            if settings.warmup:
                _measure(wrk, settings, stage, app, scenario, settings.warmup, rows, token)
            run = _measure(
                wrk, settings, stage, app, scenario, settings.duration, rows, token, log_offset
            )
            results[engine, name].apps[app].runs.append(run)
            note = ""
            if scenario.patches:
                patched = seed.count_patched(stage.databases[app].sync_url)
                note = f"  rows patched {patched:,}"
            say(
                f"  {engine:<9} {name:<12} round {round_number}/{settings.rounds} {app:<9}"
                f"{_describe(run)}{note}"
            )


def run(settings: Settings, wrk: str) -> tuple[list[ScenarioResult], dict[str, Any]]:
    """Everything between 'wrk is there' and 'results are known'; always stops the servers and
    drops the databases.

    Each round starts the apps afresh: a process's throughput can sit a few percent above or
    below another process of the same app for its whole life (memory layout, hash seeds), so
    rounds in fresh processes make that luck part of the measured spread instead of a bias.
    """
    load = os.getloadavg()[0]
    if load > 0.5:
        say(f"warning: load average {load:.2f} before start; other processes may skew results")
    groups = settings.groups()
    results = {
        (group.engine.name, name): ScenarioResult(
            group.engine.name,
            name,
            SCENARIOS[name].description,
            {app.name: AppRuns() for app in group.apps},
        )
        for group in groups
        for name in settings.scenarios
    }
    ports: list[int] = []
    env = {JWT_SECRET_ENV: settings.jwt_secret}
    if settings.cache_prefix is not None:
        env[CACHE_PREFIX_ENV] = settings.cache_prefix
    try:
        meta = _run_rounds(wrk, settings, groups, results, ports, env)
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
    groups: list[Group],
    results: dict[tuple[str, str], ScenarioResult],
    ports: list[int],
    env: dict[str, str],
) -> dict[str, Any]:
    token = settings.token
    with (
        tempfile.TemporaryDirectory(prefix="lightapi-bench-", dir=settings.tmpdir) as tmp,
        ExitStack() as databases,
    ):
        data_dir = Path(tmp)
        meta = metadata(settings, wrk, data_dir)
        meta["parity"] = {}
        prepared: list[tuple[Group, dict[str, Database], Path]] = []
        for group in groups:
            log_dir = data_dir / group.engine.name
            log_dir.mkdir()
            created = {
                app.name: databases.enter_context(database(group.engine, app.name, data_dir))
                for app in group.apps
            }
            for db in created.values():
                seed.create(db.sync_url)
            prepared.append((group, created, log_dir))
        unmeasurable: dict[str, dict[str, set[str]]] = {}
        for round_number in range(1, settings.rounds + 1):
            for group, created, log_dir in prepared:
                with ExitStack() as stack:
                    servers = _start(stack, settings, group.apps, created, log_dir, env, ports)
                    stage = Stage(group, created, servers)
                    engine = group.engine.name
                    say(
                        f"round {round_number}/{settings.rounds} {engine}: fresh servers "
                        + ", ".join(f"{name} {server.base_url}" for name, server in servers.items())
                    )
                    if round_number == 1 and settings.parity:
                        unmeasurable[engine] = _check_parity(stage, settings, token, meta)
                    run_stage(
                        wrk,
                        settings,
                        round_number,
                        stage,
                        results,
                        unmeasurable.get(engine, {}),
                        token,
                    )
    return meta


def _start(
    stack: ExitStack,
    settings: Settings,
    apps: tuple[AppTarget, ...],
    databases: dict[str, Database],
    log_dir: Path,
    env: dict[str, str],
    ports: list[int],
) -> dict[str, Server]:
    servers = {}
    for app in apps:
        server = Server(app, databases[app.name].url, log_dir, settings.placement.server, env)
        servers[app.name] = stack.enter_context(server)
        ports.append(server.port)
    return servers
