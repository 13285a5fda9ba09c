"""The app under soak: four endpoints that between them use every feature the load exercises.

- ``/items``: optimistic locking (the default), field filters with operators, search, ordering
  and page-number pagination; the load creates, reads, patches (body version and ``If-Match``)
  and deletes rows here, and races on one shared row.
- ``/catalog``: responses cached in Redis (``Cache``); mostly read, sometimes patched so that
  the cache generation moves and new entries are written.
- ``/notes``: JWT authentication on every verb; the load signs in at ``/auth/login`` first.

Everything comes from the environment, set by the harness (``bench/soak/runner.py``):
``SOAK_DATABASE_URL`` (a SQLAlchemy URL; ``postgresql+asyncpg`` runs on the async engine),
``SOAK_PG_SCHEMA`` (the PostgreSQL schema of this run), ``SOAK_REDIS_URL``,
``SOAK_CACHE_PREFIX`` (unique per run), ``SOAK_PASSWORD`` and ``LIGHTAPI_JWT_SECRET``;
``SOAK_LEAK_BYTES`` only for ``--inject-leak``, which proves the RSS check can fail.
"""

from __future__ import annotations

import os
from typing import Any

from bench.soak import (
    CACHE_PREFIX_ENV,
    DATABASE_URL_ENV,
    LEAK_ENV,
    PASSWORD_ENV,
    PG_SCHEMA_ENV,
    REDIS_URL_ENV,
    TABLES,
)
from lightapi import (
    Authentication,
    Cache,
    Field,
    Filtering,
    JWTAuthentication,
    LightApi,
    Pagination,
    RestEndpoint,
)
from lightapi.authentication import constant_time_equals

ITEMS, CATALOG, NOTES = (TABLES[name][0] for name in ("items", "catalog", "notes"))


class ItemEndpoint(RestEndpoint):
    title: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=20)
    qty: int = Field(ge=0)

    class Meta:
        table = ITEMS
        filtering = Filtering(
            fields=["category", "qty"], search=["title"], ordering=["qty", "title"]
        )
        pagination = Pagination(page_size=20)


class CatalogEndpoint(RestEndpoint):
    name: str = Field(min_length=1, max_length=200)
    price: int = Field(ge=0)

    class Meta:
        table = CATALOG
        cache = Cache(ttl=60)
        pagination = Pagination(page_size=10)


class NoteEndpoint(RestEndpoint):
    text: str = Field(min_length=1, max_length=500)

    class Meta:
        table = NOTES
        authentication = Authentication(backend=JWTAuthentication)


def check_password(username: str, password: str) -> dict[str, Any] | None:
    if username.startswith("soak-") and constant_time_equals(password, os.environ[PASSWORD_ENV]):
        return {"sub": username}
    return None


def _engine_options(url: str, schema: str | None) -> dict[str, Any] | None:
    """PostgreSQL: the run's schema. Otherwise LightAPI's own defaults for the URL (R19.2)."""
    if not schema:
        return None
    if url.startswith("postgresql+asyncpg"):
        return {"connect_args": {"timeout": 5, "server_settings": {"search_path": schema}}}
    return {"connect_args": {"connect_timeout": 5, "options": f"-csearch_path={schema}"}}


# database_url, as users write it, so that LightAPI's engine defaults apply (pre-ping, timeouts).
app = LightApi(
    database_url=os.environ[DATABASE_URL_ENV],
    engine_options=_engine_options(os.environ[DATABASE_URL_ENV], os.environ.get(PG_SCHEMA_ENV)),
    redis_url=os.environ[REDIS_URL_ENV],
    cache_prefix=os.environ[CACHE_PREFIX_ENV],
    login_validator=check_password,
)
app.register({"/items": ItemEndpoint, "/catalog": CatalogEndpoint, "/notes": NoteEndpoint})
asgi: Any = app.build_app()

_kept: list[bytes] = []


def _leaking(inner: Any, size: int) -> Any:
    """The self-test of ``--inject-leak``: keep ``size`` bytes per HTTP request, forever."""

    async def leaking(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            _kept.append(os.urandom(size))  # random, so no page is shared or compressed away
        await inner(scope, receive, send)

    return leaking


if int(os.environ.get(LEAK_ENV) or 0) > 0:
    asgi = _leaking(asgi, int(os.environ[LEAK_ENV]))
