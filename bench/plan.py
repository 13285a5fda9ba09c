"""What a run will do: its settings, and which engines, apps and scenarios can run here.

Everything that can be missing on a machine (PostgreSQL, Redis, a peer framework) is found out
before the first server starts, and reported as ``SKIPPED ...: why``; the rest runs.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Final

import jwt

from bench import cache
from bench.cpu import Placement
from bench.engines import ENGINES, Engine, postgres_unreachable
from bench.lineup import APPS, AppTarget
from bench.scenarios import SCENARIOS

RUN_OVERHEAD_SECONDS: Final = 0.7  # reset, idle wait, wrk start-up, CPU accounting; measured
START_SECONDS: Final = 2.5  # starting one server until it answers (and its cursor token)
SEED_SECONDS: Final = 1.0  # creating and seeding one database
TOKEN_LIFETIME: Final = 86_400


@dataclass(frozen=True)
class Group:
    """The apps that run on one engine; each gets its own database and server."""

    engine: Engine
    apps: tuple[AppTarget, ...]


@dataclass(frozen=True)
class Settings:
    duration: float
    warmup: float
    rounds: int
    threads: int
    connections: int
    scenarios: tuple[str, ...]
    engines: tuple[str, ...]
    apps: tuple[str, ...]
    peer_engines: tuple[str, ...]
    tmpdir: str | None
    parity: bool
    pin: bool = False
    cache_prefix: str | None = None  # Redis key prefix of this run, when get_cached runs
    redis_pid: int | None = None  # a local Redis server's pid, for CPU accounting
    skipped: tuple[str, ...] = ()  # what was requested but cannot run here, and why
    jwt_secret: str = field(default_factory=lambda: secrets.token_hex(32))

    @property
    def placement(self) -> Placement:
        return Placement.pinned() if self.pin else Placement()

    @property
    def token(self) -> str:
        """The bearer JWT of ``auth_get``: ``{"sub": "bench", "exp": now + 1 day}``, HS256."""
        claims = {"sub": "bench", "exp": int(time.time()) + TOKEN_LIFETIME}
        return jwt.encode(claims, self.jwt_secret, algorithm="HS256")

    def groups(self) -> list[Group]:
        groups = []
        for name in self.engines:
            apps = tuple(
                APPS[app] for app in self.apps if not APPS[app].peer or name in self.peer_engines
            )
            if apps:
                groups.append(Group(ENGINES[name], apps))
        return groups

    def measured_seconds(self, seconds: float) -> float:
        """What wrk actually runs: whole seconds, at least one."""
        return max(1, round(seconds)) if seconds else 0

    def estimated_seconds(self) -> float:
        run = self.measured_seconds(self.duration) + RUN_OVERHEAD_SECONDS
        if self.warmup:
            run += self.measured_seconds(self.warmup) + RUN_OVERHEAD_SECONDS
        servers = sum(len(group.apps) for group in self.groups())
        per_round = servers * (len(self.scenarios) * run + START_SECONDS)
        return self.rounds * per_round + servers * SEED_SECONDS + 10


def _skip(settings: Settings, message: str, **changes: Any) -> Settings:
    print(f"SKIPPED {message}", flush=True)
    return dataclasses.replace(settings, skipped=(*settings.skipped, message), **changes)


def plan_engines(settings: Settings) -> Settings:
    """Drop the PostgreSQL engines (with a message) when PostgreSQL does not answer."""
    postgres = [name for name in settings.engines if ENGINES[name].postgres]
    if not postgres:
        return settings
    problem = postgres_unreachable()
    if problem is None:
        return settings
    remaining = tuple(name for name in settings.engines if name not in postgres)
    settings = _skip(settings, f"{', '.join(postgres)}: {problem}", engines=remaining)
    if not remaining:
        raise SystemExit("nothing to run: every requested engine needs PostgreSQL")
    return settings


def plan_apps(settings: Settings) -> Settings:
    """Drop the apps whose module or packages are missing (the peers), with a message."""
    for name in settings.apps:
        problem = APPS[name].unavailable()
        if problem is not None:
            remaining = tuple(app for app in settings.apps if app != name)
            settings = _skip(settings, f"{name}: {problem}", apps=remaining)
    if not settings.groups():
        raise SystemExit("nothing to run: no app is available on the requested engines")
    return settings


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
    remaining = tuple(name for name in settings.scenarios if name not in cached)
    settings = _skip(settings, f"{', '.join(cached)}: {problem}", scenarios=remaining)
    if not remaining:
        raise SystemExit("nothing to run: every requested scenario needs Redis")
    return settings
