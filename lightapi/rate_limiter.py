"""``RateLimiter``: the limits on login attempts and failed Basic checks (§10.5)."""

from __future__ import annotations

from collections.abc import Sequence

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

    def __repr__(self) -> str:
        return (
            f"RateLimiter(requests_per_minute={self.requests_per_minute}, "
            f"requests_per_hour={self.requests_per_hour}, "
            f"requests_per_day={self.requests_per_day})"
        )
