"""An app for the multi-worker rate limit test: each uvicorn worker imports it and builds its
own LightApi; only Redis is shared. The validator answers with the worker's pid."""

from __future__ import annotations

import os

from lightapi import Authentication, JWTAuthentication, LightApi, RateLimiter, RestEndpoint


def validator(username: str, password: str) -> dict[str, object] | None:
    return {"sub": username, "pid": os.getpid()} if password == "pw" else None


class NoteEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)


app = LightApi(
    database_url=f"sqlite:///{os.environ['RATE_APP_DB']}",
    jwt_secret="e2e-secret-" + "z" * 40,
    login_validator=validator,
    # The limit is a daily one: windows are fixed to the clock, and a minute window could roll
    # over during the test and admit a second batch (seen on a loaded machine).
    rate_limiter=RateLimiter(
        requests_per_minute=10_000,
        requests_per_hour=10_000,
        requests_per_day=int(os.environ["RATE_APP_LIMIT"]),
        trusted_proxies=["127.0.0.1"],
    ),
    redis_url=os.environ["RATE_APP_REDIS"],
    cache_prefix=os.environ["RATE_APP_PREFIX"],
)
app.register({"/notes": NoteEndpoint})
