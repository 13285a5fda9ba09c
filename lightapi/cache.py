"""Cache backends for ``Meta.cache`` (§14) and the legacy ``RedisCache`` helper (R1.6).

A backend stores raw bytes under string keys with an expiry and keeps integer counters (the
per-endpoint generations that writes bump). ``RedisCacheBackend`` uses ``redis.asyncio``, so
cache traffic never blocks the event loop whatever the engine kind; ``MemoryCacheBackend`` is
for tests and single-process development.
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol, runtime_checkable

from lightapi.config import Cache

__all__ = ["Cache", "CacheBackend", "MemoryCacheBackend", "RedisCache", "RedisCacheBackend"]

DEFAULT_REDIS_URL = "redis://localhost:6379/0"  # R14.5, LA805


@runtime_checkable
class CacheBackend(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl: int) -> None: ...

    async def incr(self, key: str) -> int: ...

    async def ping(self) -> bool: ...


class MemoryCacheBackend:
    """Entries in this process's memory; expired ones are dropped when read."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[bytes, float]] = {}
        self.counters: dict[str, int] = {}

    async def get(self, key: str) -> bytes | None:
        if key in self.counters:
            return str(self.counters[key]).encode()
        found = self.entries.get(key)
        if found is None:
            return None
        value, expires = found
        if expires <= time.monotonic():
            del self.entries[key]
            return None
        return value

    async def set(self, key: str, value: bytes, ttl: int) -> None:
        self.entries[key] = (value, time.monotonic() + ttl)

    async def incr(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    async def ping(self) -> bool:
        return True


# A cache lookup in one round trip: the endpoint's generation (a missing counter reads as 0,
# R23.9) and the entry stored under that generation. ``or false`` keeps a missing entry in the
# reply (a Lua nil would end the table).
_GET_AT_GENERATION = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ARGV[2]) or false}
"""


class RedisCacheBackend:
    """Redis through ``redis.asyncio``, with short timeouts: a slow cache is a missing cache."""

    def __init__(self, url: str, *, timeout: float = 0.5) -> None:
        import redis.asyncio as redis

        self.url = url
        self.client = redis.from_url(  # type: ignore[no-untyped-call]
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._get_at_generation = self.client.register_script(_GET_AT_GENERATION)

    async def get_at_generation(
        self, counter: str, prefix: str, suffix: str
    ) -> tuple[int, bytes | None]:
        """The counter's value and the entry at ``prefix + value + suffix``: what a cache hit
        needs, in one round trip instead of two (EVALSHA of a short script). The entry's key
        is built by the script, so this suits a single Redis server, not Redis Cluster."""
        generation, entry = await self._get_at_generation(keys=[counter], args=[prefix, suffix])
        return int(generation), entry

    async def get(self, key: str) -> bytes | None:
        value: bytes | None = await self.client.get(key)
        return value

    async def set(self, key: str, value: bytes, ttl: int) -> None:
        await self.client.set(key, value, ex=ttl)

    async def incr(self, key: str) -> int:
        value: int = await self.client.incr(key)
        return value

    async def ping(self) -> bool:
        return bool(await self.client.ping())


class RedisCache:
    """The 0.x standalone helper: synchronous JSON values in Redis; not used by the framework."""

    def __init__(self, host: str = "localhost", port: int = 6379, db: int = 0) -> None:
        import redis

        self.client = redis.Redis(host=host, port=port, db=db)

    def get(self, key: str) -> Any:
        value: Any = self.client.get(key)
        return None if value is None else json.loads(value)

    def set(self, key: str, value: Any, timeout: int = 300) -> None:
        self.client.set(key, json.dumps(value), ex=timeout)
