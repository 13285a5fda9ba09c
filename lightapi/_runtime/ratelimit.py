"""Fixed-window rate limiting of login attempts and failed Basic checks (§10.5).

Counters are kept per client address and window (minute, hour, day). With a Redis URL they live
in Redis (``INCR`` with an expiry) and hold across worker processes; otherwise in a bounded
in-memory table. If Redis fails, counting falls back to memory and the failure is logged; a
client never sees it (R10.17).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from starlette.requests import Request

from lightapi._runtime.errors import Problem

logger = logging.getLogger("lightapi")

TOO_MANY: Final = "Too many requests. Please try again later."
MAX_COUNTERS: Final = 100_000
WINDOWS: Final = (("minute", 60), ("hour", 3600), ("day", 86400))


class Store(Protocol):
    async def read(self, keys: Sequence[str]) -> list[int]: ...

    async def add(self, keys: Sequence[str], expiries: Sequence[int]) -> None: ...


class MemoryStore:
    """Counters in this process, capped: expired windows go first, then the oldest."""

    def __init__(self, capacity: int = MAX_COUNTERS) -> None:
        self.capacity = capacity
        self.counters: OrderedDict[str, tuple[int, float]] = OrderedDict()

    async def read(self, keys: Sequence[str]) -> list[int]:
        return self.values(keys)

    async def add(self, keys: Sequence[str], expiries: Sequence[int]) -> None:
        self.increment(keys, expiries)

    def values(self, keys: Sequence[str]) -> list[int]:
        now = time.time()
        return [self._value(key, now) for key in keys]

    def _value(self, key: str, now: float) -> int:
        count, expires = self.counters.get(key, (0, 0.0))
        return count if expires > now else 0

    def increment(self, keys: Sequence[str], expiries: Sequence[int]) -> None:
        now = time.time()
        for key, expires in zip(keys, expiries, strict=True):
            self.counters[key] = (self._value(key, now) + 1, float(expires))
            self.counters.move_to_end(key)
        self._evict(now)

    def _evict(self, now: float) -> None:
        if len(self.counters) <= self.capacity:
            return
        for key in [key for key, (_, expires) in self.counters.items() if expires <= now]:
            del self.counters[key]
        while len(self.counters) > self.capacity:
            self.counters.popitem(last=False)

    def clear(self) -> None:
        self.counters.clear()


class RedisStore:
    """Counters in Redis, shared by every worker; memory while Redis fails."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis.asyncio as redis

        self.client = redis.from_url(  # type: ignore[no-untyped-call]
            url, socket_timeout=1, socket_connect_timeout=1
        )
        self.prefix = prefix
        self.fallback = MemoryStore()

    def _key(self, key: str) -> str:
        return f"{self.prefix}:ratelimit:{key}"

    async def read(self, keys: Sequence[str]) -> list[int]:
        try:
            values = await self.client.mget([self._key(key) for key in keys])
        except Exception as error:  # any Redis failure suspends sharing, never the request
            logger.warning(
                "rate limit store unavailable, counting in memory: %s", type(error).__name__
            )
            return await self.fallback.read(keys)
        shared = [int(value or 0) for value in values]
        local = await self.fallback.read(keys)
        return [max(pair) for pair in zip(shared, local, strict=True)]

    async def add(self, keys: Sequence[str], expiries: Sequence[int]) -> None:
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                for key, expires in zip(keys, expiries, strict=True):
                    pipe.incr(self._key(key))
                    pipe.expireat(self._key(key), expires)
                await pipe.execute()
        except Exception as error:
            logger.warning(
                "rate limit store unavailable, counting in memory: %s", type(error).__name__
            )
            await self.fallback.add(keys, expiries)


def trusted_entries(entries: Sequence[str]) -> list[Any]:
    """Addresses and networks (``10.0.0.0/8``); any other entry is matched as a host name."""
    trusted: list[Any] = []
    for entry in entries:
        try:
            trusted.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            trusted.append(entry)
    return trusted


def client_address(request: Request, trusted: Sequence[Any]) -> str:
    """R10.17: the peer, or behind trusted proxies the right-most untrusted forwarded address."""
    peer = request.client.host if request.client else "unknown"
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if not _within(address, trusted):
            return address
    return peer


def _within(address: str, trusted: Sequence[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address in trusted
    return any(not isinstance(entry, str) and ip in entry for entry in trusted)


@dataclass(frozen=True, slots=True)
class Limits:
    per_minute: int
    per_hour: int
    per_day: int

    def values(self) -> tuple[int, int, int]:
        return (self.per_minute, self.per_hour, self.per_day)


def window_keys(client: str) -> tuple[list[str], list[int]]:
    """The counter key of ``client`` in each current window, and when each window resets."""
    now = int(time.time())
    keys, resets = [], []
    for name, size in WINDOWS:
        start = now - now % size
        keys.append(f"{name}:{start}:{client}")
        resets.append(start + size)
    return keys, resets


class Limiter:
    """One app's limiter (or an endpoint's, R10.16) over a store."""

    def __init__(self, limits: Limits, store: Store, trusted_proxies: Sequence[str] = ()) -> None:
        self.limits = limits
        self.store = store
        self.trusted = trusted_entries(trusted_proxies)

    def _keys(self, request: Request) -> tuple[list[str], list[int]]:
        return window_keys(client_address(request, self.trusted))

    async def refuse_if_over(self, request: Request) -> None:
        """429 when the client is at or over any window's limit (R10.15)."""
        keys, resets = self._keys(request)
        counts = await self.store.read(keys)
        for count, limit, reset in zip(counts, self.limits.values(), resets, strict=True):
            if count >= limit:
                raise Problem(
                    429,
                    TOO_MANY,
                    {
                        "Retry-After": str(max(1, math.ceil(reset - time.time()))),
                        "X-RateLimit-Limit": str(limit),
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": str(reset),
                    },
                )

    async def count(self, request: Request) -> None:
        keys, resets = self._keys(request)
        await self.store.add(keys, resets)
