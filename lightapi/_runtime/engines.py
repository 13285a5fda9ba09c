"""Engines LightAPI creates from a URL, with the safe defaults of R19.2 and R5.22."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

from lightapi.exceptions import ConfigurationError
from lightapi.spec.model import DatabaseSpec

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

ASYNC_DRIVERS: Final = frozenset({"asyncpg", "aiosqlite", "psycopg_async"})
TIMEOUT_SECONDS: Final = 5


def is_async_engine(engine: object) -> bool:
    """Whether ``engine`` is an AsyncEngine, without importing SQLAlchemy's asyncio layer: it
    needs greenlet, which sync-only installs do not have (an async engine has loaded it)."""
    module = sys.modules.get("sqlalchemy.ext.asyncio")
    return module is not None and isinstance(engine, module.AsyncEngine)


def asyncio_support() -> ModuleType:
    """SQLAlchemy's asyncio layer, or the install hint of R13.5 when its dependency is missing."""
    try:
        import sqlalchemy.ext.asyncio as support
    except ImportError as error:
        raise ConfigurationError(
            f'async engines need greenlet: pip install "lightapi[async]" ({error})'
        ) from None
    return support


def is_async_url(url: URL) -> bool:
    return url.get_driver_name() in ASYNC_DRIVERS


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _default_options(url: URL) -> dict[str, Any]:
    backend, driver = url.get_backend_name(), url.get_driver_name()
    options: dict[str, Any] = {"pool_pre_ping": True}
    if backend == "sqlite":
        options["connect_args"] = {"timeout": TIMEOUT_SECONDS, "check_same_thread": False}
        if _is_memory_sqlite(url):
            options["poolclass"] = StaticPool  # one shared connection: one database
        else:
            options["pool_timeout"] = TIMEOUT_SECONDS
        if driver == "aiosqlite":
            options["connect_args"].pop("check_same_thread")
        return options
    options["pool_timeout"] = TIMEOUT_SECONDS
    if driver == "asyncpg":
        options["connect_args"] = {"timeout": TIMEOUT_SECONDS}
    elif backend == "postgresql":
        options["connect_args"] = {"connect_timeout": TIMEOUT_SECONDS}
    return options


def _enforce_sqlite_foreign_keys(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(connection: Any, record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def engine_from_url(raw_url: str, overrides: dict[str, Any] | None = None) -> Engine | AsyncEngine:
    try:
        url = make_url(raw_url)
    except Exception as error:
        raise ConfigurationError(f"invalid database URL: {error}") from None
    options = {**_default_options(url), **(overrides or {})}
    try:
        engine: Engine | AsyncEngine = (
            asyncio_support().create_async_engine(url, **options)
            if is_async_url(url)
            else create_engine(url, **options)
        )
    except ImportError as error:
        hint = ' (pip install "lightapi[async]")' if is_async_url(url) else ""
        raise ConfigurationError(f"missing database driver {error.name!r}{hint}") from error
    if url.get_backend_name() == "sqlite":
        sync = engine if isinstance(engine, Engine) else engine.sync_engine
        _enforce_sqlite_foreign_keys(sync)
    return engine


def database_summary(engine: Engine | AsyncEngine) -> DatabaseSpec:
    url = engine.url
    return DatabaseSpec(
        dialect=url.get_backend_name(),
        driver=url.get_driver_name(),
        is_async=is_async_engine(engine),
        url=url.render_as_string(hide_password=True),
    )
