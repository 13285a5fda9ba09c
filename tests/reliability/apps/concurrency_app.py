"""The app the concurrency suite serves under uvicorn: one locking endpoint on the database
named by the environment, with LightAPI's own engine defaults (R19.2). A PostgreSQL test runs in
a schema of its own, selected through the connection's search_path."""

from __future__ import annotations

import os
from typing import Any

from lightapi import LightApi, RestEndpoint


class CounterEndpoint(RestEndpoint):
    """``count`` is incremented by read-modify-write through the API; ``token`` names the write
    that set it."""

    name: str
    count: int = 0
    token: str = ""


def _engine_options(url: str, schema: str | None) -> dict[str, Any] | None:
    if not schema:
        return None
    if "+asyncpg" in url:
        return {"connect_args": {"timeout": 5, "server_settings": {"search_path": schema}}}
    return {"connect_args": {"connect_timeout": 5, "options": f"-csearch_path={schema}"}}


_url = os.environ["CONCURRENCY_APP_URL"]
app = LightApi(
    database_url=_url,
    engine_options=_engine_options(_url, os.environ.get("CONCURRENCY_APP_SCHEMA")),
)
app.register({"/counters": CounterEndpoint})
