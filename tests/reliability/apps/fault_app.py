"""The app the fault suite serves under uvicorn (tests/reliability/test_faults.py).

Configured by the environment, so that one module serves every scenario:

- ``FAULT_DATABASE_URL``: the database (a PostgreSQL cluster the test owns, or SQLite);
- ``FAULT_REDIS_URL`` (optional): a Redis the test owns; it adds a cached endpoint and a
  login route whose rate limiter counts in that Redis;
- ``FAULT_PREFIX``: the cache and rate-limit key prefix;
- ``FAULT_LOGIN_LIMIT``: attempts per client and day on the login route.

Warnings and errors of the ``lightapi`` logger go to stderr with their tracebacks, so that the
test can read the server log for unexpected failures.
"""

from __future__ import annotations

import logging
import os

from lightapi import (
    Authentication,
    Cache,
    Field,
    JWTAuthentication,
    LightApi,
    RateLimiter,
    RestEndpoint,
)

logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


class ItemEndpoint(RestEndpoint):
    """Each write sets ``title`` and ``echo`` to the same token: a half-applied write would show
    as a row whose two columns differ."""

    owner: str = Field(max_length=40)
    title: str = Field(max_length=200)
    echo: str = Field(max_length=200)

    class Meta:
        table = "items"


class CachedEndpoint(RestEndpoint):
    title: str = Field(max_length=200)

    class Meta:
        cache = Cache(ttl=300)


class PrivateEndpoint(RestEndpoint):
    """Only here so that the app serves the login routes (R10.11)."""

    text: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)


def validator(username: str, password: str) -> dict[str, str] | None:
    return {"sub": username} if password == "pw" else None


redis_url = os.environ.get("FAULT_REDIS_URL")
endpoints: dict[str, type[RestEndpoint]] = {"/items": ItemEndpoint}
options: dict[str, object] = {}
if redis_url:
    endpoints |= {"/cached": CachedEndpoint, "/private": PrivateEndpoint}
    options = {
        "redis_url": redis_url,
        "jwt_secret": "fault-suite-secret-" + "x" * 40,
        "login_validator": validator,
        # A daily limit: fixed windows follow the clock, and a minute window could roll over
        # during the test and admit a second batch.
        "rate_limiter": RateLimiter(
            requests_per_minute=100_000,
            requests_per_hour=100_000,
            requests_per_day=int(os.environ.get("FAULT_LOGIN_LIMIT", "5")),
            trusted_proxies=["127.0.0.1"],
        ),
    }

app = LightApi(
    database_url=os.environ["FAULT_DATABASE_URL"],
    cache_prefix=os.environ.get("FAULT_PREFIX", "fault"),
    **options,  # type: ignore[arg-type]
)
app.register(endpoints)
