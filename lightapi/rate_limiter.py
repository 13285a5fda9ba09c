"""``RateLimiter``: the limits on login attempts and failed Basic checks (§10.5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["RateLimiter"]


class RateLimiter:
    """Fixed windows per client address; counting itself is the runtime's (R10.15-R10.17)."""

    def __init__(
        self,
        requests_per_minute: int = 10,
        requests_per_hour: int = 100,
        requests_per_day: int = 1000,
        *,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        self.requests_per_minute = requests_per_minute
        self.requests_per_hour = requests_per_hour
        self.requests_per_day = requests_per_day
        self.trusted_proxies = tuple(trusted_proxies)
        self._store: Any = None

    def is_rate_limited(self, request: Any, endpoint: str = "") -> tuple[bool, str | None]:
        """Count one attempt of this client (per ``endpoint``) in this process (compatible:
        apps count in Redis when one is configured); ``(True, message)`` when over a limit."""
        from lightapi._runtime.ratelimit import (
            TOO_MANY,
            MemoryStore,
            client_address,
            trusted_entries,
            window_keys,
        )

        if self._store is None:
            self._store = MemoryStore()
        client = client_address(request, trusted_entries(self.trusted_proxies))
        keys, resets = window_keys(f"{endpoint}:{client}")
        limits = (self.requests_per_minute, self.requests_per_hour, self.requests_per_day)
        counts = self._store.values(keys)
        if any(count >= limit for count, limit in zip(counts, limits, strict=True)):
            return True, TOO_MANY
        self._store.increment(keys, resets)
        return False, None

    def reset(self) -> None:
        """Forget every count made by ``is_rate_limited``."""
        if self._store is not None:
            self._store.clear()

    def __repr__(self) -> str:
        return (
            f"RateLimiter(requests_per_minute={self.requests_per_minute}, "
            f"requests_per_hour={self.requests_per_hour}, "
            f"requests_per_day={self.requests_per_day})"
        )
