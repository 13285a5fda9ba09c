"""The ASGI apps under test, and what the harness tells them through the environment.

- ``BENCH_DB_URL``: the SQLAlchemy URL of the app's own database. Its driver picks the I/O
  model: ``sqlite://`` and ``postgresql+psycopg://`` are sync engines (work in the threadpool),
  ``sqlite+aiosqlite://`` and ``postgresql+asyncpg://`` async ones (work on the event loop).
- ``BENCH_JWT_SECRET``: the HS256 secret of the authenticated GET (``/notes/{id}``); the
  harness signs the token it sends with it.
- ``BENCH_CACHE_PREFIX``: set only when the ``get_cached`` scenario runs and Redis answers; the
  LightAPI app then serves ``/cached_books`` from Redis at ``REDIS_URL`` under that key prefix
  (unique per run, so runs never read each other's entries). ``BENCH_REDIS_URL`` overrides the
  Redis URL for the harness and the apps alike.
"""

import os

DB_URL_ENV = "BENCH_DB_URL"
JWT_SECRET_ENV = "BENCH_JWT_SECRET"
CACHE_PREFIX_ENV = "BENCH_CACHE_PREFIX"
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/0"
ASYNC_DRIVERS = ("+aiosqlite", "+asyncpg")


def database_url() -> str:
    return os.environ[DB_URL_ENV]


def is_async(url: str) -> bool:
    """Whether the URL names an async driver (the app must use ``create_async_engine``)."""
    scheme = url.split("://", 1)[0]
    return scheme.endswith(ASYNC_DRIVERS)
