"""Runs one soak: database and Redis prefix, uvicorn, seed, load, RSS samples, stop, verify.

The server is ``uvicorn bench.soak.app:asgi`` with one worker on 127.0.0.1 and a free port
(``bench.servers.uvicorn_command``, the benchmark's options), in its own process so that its
RSS is the app's alone. With ``pin`` it runs on the last CPU and the load on the others, as in
``python -m bench``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import os
import platform
import secrets
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from bench import cache
from bench.apps import REDIS_URL
from bench.cpu import CpuMeter, Placement, pin_to
from bench.servers import REPO_ROOT, free_port, uvicorn_command
from bench.soak import (
    CACHE_PREFIX_ENV,
    DATABASE_URL_ENV,
    LEAK_ENV,
    PASSWORD_ENV,
    PG_SCHEMA_ENV,
    REDIS_URL_ENV,
    TABLES,
    report,
)
from bench.soak.connection import Connection
from bench.soak.load import REQUEST_TIMEOUT, Client, Ledger, Tally
from bench.soak.memory import RssSampler, Sample
from bench.soak.verify import Check, compare, read_rows

START_TIMEOUT: Final = 30.0
STOP_TIMEOUT: Final = 15.0
CATALOG_ROWS: Final = 40
NOTE_ROWS: Final = 20
LOG_PROBLEMS: Final = ("Traceback (most recent call last)", cache.UNAVAILABLE_LOG)


@dataclass(frozen=True)
class Settings:
    duration: float
    warmup: float
    database: str  # "sqlite" or "postgres"
    concurrency: int
    pin: bool
    pg_url: str  # postgresql://user@host:port/db, without a driver
    tmpdir: str | None = None
    inject_leak: int = 0  # bytes the server keeps per request (a self-test; 0 in real runs)

    @property
    def placement(self) -> Placement:
        return Placement.pinned() if self.pin else Placement()


class CannotRun(Exception):
    """Redis or PostgreSQL is not reachable, or the server did not start."""


def say(message: str) -> None:
    print(message, flush=True)


@dataclass
class Outcome:
    figures: report.Figures
    document: dict[str, Any]


@contextlib.contextmanager
def _database(
    settings: Settings, data_dir: Path
) -> Iterator[tuple[dict[str, str], str, str | None]]:
    """The app's environment for the database, the verifier's URL and the PostgreSQL schema."""
    if settings.database == "sqlite":
        path = data_dir / "soak.db"
        yield {DATABASE_URL_ENV: f"sqlite:///{path}"}, f"sqlite:///{path}", None
        return
    from sqlalchemy import create_engine, text

    schema = f"soak_{uuid.uuid4().hex[:12]}"
    base = settings.pg_url.split("://", 1)[1]
    admin = create_engine(
        f"postgresql+psycopg://{base}",
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # refused, authentication, no such database...
        admin.dispose()
        raise CannotRun(f"PostgreSQL at {settings.pg_url}: {error}") from error
    try:
        env = {
            DATABASE_URL_ENV: f"postgresql+asyncpg://{base}",
            PG_SCHEMA_ENV: schema,
        }
        yield env, f"postgresql+psycopg://{base}", schema
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def _server(
    env: dict[str, str], log_path: Path, cpus: frozenset[int] | None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """uvicorn serving the soak app; yields the process and its base URL once /readyz says
    the database answers."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            uvicorn_command("bench.soak.app:asgi", port),
            cwd=REPO_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal Ctrl-C reaches only us; we stop it in order
            preexec_fn=pin_to(cpus),  # noqa: PLW1509 - the harness has one thread here
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise CannotRun(f"the soak server exited:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise CannotRun(f"the soak server did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.1)  # polling for start-up
        yield process, base_url
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn's graceful shutdown: requests in flight finish), then SIGKILL."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def port_of(base_url: str) -> int:
    return int(base_url.rsplit(":", 1)[1])


def log_problems(text: str) -> dict[str, int]:
    """Tracebacks and cache suspensions in the server's log, by kind (none expected)."""
    return {f"log: {needle}": text.count(needle) for needle in LOG_PROBLEMS if needle in text}


async def _seed(
    connection: Connection, ledger: Ledger, password: str
) -> tuple[list[int], list[int]]:
    """The shared row, the catalog and the notes, through the API like any client's writes."""

    async def post(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        answer = await connection.request("POST", path, json_body=body, headers=headers)
        if answer.status_code not in (200, 201):
            raise CannotRun(f"seeding: POST {path} answered {answer.status_code} {answer.text}")
        return answer.json()

    token = (await post("/auth/login", {"username": "soak-seed", "password": password}))["token"]
    auth = {"Authorization": f"Bearer {token}"}
    hot = await post("/items", {"title": "shared", "category": "tools", "qty": 0})
    ledger.hot_id = ledger.created("items", hot, TABLES["items"][1])
    ledger.hot_last = (1, {"qty": 0})
    catalog = [
        ledger.created("catalog", await post("/catalog", {"name": f"product {n}", "price": n}),
                       TABLES["catalog"][1])
        for n in range(CATALOG_ROWS)
    ]  # fmt: skip
    notes = [
        ledger.created("notes", await post("/notes", {"text": f"note {n}"}, auth), ("text",))
        for n in range(NOTE_ROWS)
    ]
    return catalog, notes


async def _watch(
    sampler: RssSampler, tally: Tally, settings: Settings, done: asyncio.Event
) -> None:
    """One RSS sample a second; a table line at the end of the warm-up and every tenth."""
    say(report.progress_header())
    marks = sorted({settings.warmup, *(settings.duration * k / 10 for k in range(1, 10))})
    start: int | None = None
    shown: Sample | None = None
    while not done.is_set():
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await asyncio.wait_for(done.wait(), 1.0)  # pacing the samples, not synchronising
        if done.is_set():
            return
        sample = sampler.take(tally.requests)
        if sample is None:
            say("the server has exited: no more RSS samples")
            return
        if start is None and sample.elapsed >= settings.warmup:
            start = sample.rss
        if marks and sample.elapsed >= marks[0]:
            while marks and sample.elapsed >= marks[0]:
                marks.pop(0)
            errors = sum(tally.errors.values())
            say(report.progress_line(sample, shown, errors, start))
            shown = sample


async def _drive(
    port: int, server_pid: int, settings: Settings, password: str
) -> tuple[Tally, Ledger, RssSampler, float]:
    """Seed, then run every client until the duration is up; RSS sampled meanwhile."""
    connections = [
        Connection("127.0.0.1", port, REQUEST_TIMEOUT) for _ in range(settings.concurrency + 1)
    ]
    try:
        ledger, tally = Ledger(), Tally()
        catalog, notes = await _seed(connections[-1], ledger, password)
        clients = [
            Client(index, connections[index], ledger, tally, catalog, notes, password)
            for index in range(settings.concurrency)
        ]
        for client in clients:
            client.share_catalog(settings.concurrency)
        started = time.monotonic()
        sampler = RssSampler(server_pid, started)
        done = asyncio.Event()
        watcher = asyncio.create_task(_watch(sampler, tally, settings, done))
        await asyncio.gather(*(client.run(started + settings.duration) for client in clients))
        elapsed = time.monotonic() - started
        sampler.take(tally.requests)  # the end figure: the moment the load stopped
        done.set()
        await watcher
        if sampler.gone:
            tally.error("server exited", "the uvicorn process exited during the run")
        errors = sum(tally.errors.values())
        end = sampler.at(float("inf"))
        say(report.progress_line(end, None, errors, sampler.at(settings.warmup).rss))
    finally:
        for connection in connections:
            await connection.close()
    return tally, ledger, sampler, elapsed


def run(settings: Settings) -> Outcome:
    problem = cache.unreachable()
    if problem is not None:
        raise CannotRun(f"the soak needs Redis (the cached endpoint): {problem}")
    prefix = f"lightapi-soak-{uuid.uuid4().hex[:12]}"
    password = secrets.token_hex(8)
    placement = settings.placement
    if placement.load_generator is not None:
        os.sched_setaffinity(0, placement.load_generator)
    with tempfile.TemporaryDirectory(prefix="lightapi-soak-", dir=settings.tmpdir) as tmp:
        data_dir = Path(tmp)
        log_path = data_dir / "server.log"
        try:
            with _database(settings, data_dir) as (db_env, verify_url, schema):
                env = {
                    **db_env,
                    REDIS_URL_ENV: REDIS_URL,
                    CACHE_PREFIX_ENV: prefix,
                    PASSWORD_ENV: password,
                    "LIGHTAPI_JWT_SECRET": secrets.token_hex(32),
                    LEAK_ENV: str(settings.inject_leak),
                }
                with _server(env, log_path, placement.server) as (process, base_url):
                    if settings.inject_leak:
                        say(f"SELF-TEST: the server keeps {settings.inject_leak} bytes per request")
                    say(
                        f"soak: {settings.database}, {settings.concurrency} clients,"
                        f" {settings.duration:g} s (RSS start after {settings.warmup:g} s),"
                        f" uvicorn pid {process.pid} at {base_url}; {placement.describe()}"
                    )
                    redis_pid = cache.server_pid()
                    services = (redis_pid,) if redis_pid is not None else ()
                    with CpuMeter(process.pid, services) as meter:
                        tally, ledger, sampler, elapsed = asyncio.run(
                            _drive(port_of(base_url), process.pid, settings, password)
                        )
                    rss_end = sampler.at(float("inf")).rss
                    stop(process)
                log_text = log_path.read_text(errors="replace")
                check = compare(ledger, read_rows(verify_url, schema))
        finally:
            deleted = cache.delete_keys(prefix)
            if deleted < 0:
                say(f"warning: Redis keys {prefix}:* could not be deleted")
    return _outcome(settings, tally, check, sampler, elapsed, rss_end, log_text, meter)


def _git_revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    return revision + ("+dirty" if git("status", "--porcelain", "--", "lightapi") else "")


def _outcome(
    settings: Settings,
    tally: Tally,
    check: Check,
    sampler: RssSampler,
    elapsed: float,
    rss_end: int,
    log_text: str,
    meter: CpuMeter,
) -> Outcome:
    errors = {**dict(tally.errors), **log_problems(log_text)}
    figures = report.Figures(
        duration=round(elapsed, 2),
        warmup=settings.warmup,
        requests=tally.requests,
        errors=errors,
        lost_writes=check.lost_writes,
        phantom_writes=len(check.phantom),
        rss_start=sampler.at(settings.warmup).rss,
        rss_end=rss_end,
        expected_conflicts={str(k): v for k, v in sorted(tally.expected_conflicts.items())},
        expected_rejections={str(k): v for k, v in sorted(tally.expected_rejections.items())},
    )
    samples = sampler.samples
    document = {
        "figures": {
            **asdict(figures),
            "error_count": figures.error_count,
            "throughput": round(figures.throughput, 1),
            "rss_growth_pct": round(figures.rss_growth_pct, 2),
        },
        "passed": not report.failures(figures),
        "failures": report.failures(figures),
        "settings": asdict(settings),
        "requests_by_operation": dict(sorted(tally.by_op.items())),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "error_examples": tally.error_examples,
        "latency_ms": tally.latencies(),
        "x_cache": dict(tally.cache),
        "verification": {
            "rows_checked": check.checked,
            "uncertain": check.uncertain,
            "lost": check.lost[:50],
            "phantom": check.phantom[:50],
        },
        "rss_peak": max((sample.rss for sample in samples), default=0),
        "rss_samples": {
            "columns": ["elapsed", "rss", "requests", "threads"],
            "rows": [[s.elapsed, s.rss, s.requests, s.threads] for s in samples],
        },
        "cpu_cores": None if meter.result is None else asdict(meter.result),
        "meta": {
            "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"
            ),
            "git": _git_revision(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
    }
    return Outcome(figures, document)
