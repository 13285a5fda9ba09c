"""The four engines, and one fresh database per app and per run on each of them.

SQLite engines get a file in the run's temporary directory; PostgreSQL engines a database
``bench_<app>_<random>`` created on ``127.0.0.1:5432`` and dropped when the run ends, interrupted
or not. The seed and the resets always go through a sync driver (``sqlite``, ``psycopg``) on the
same database the app reads through its own driver.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

PG_HOST: Final = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT: Final = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_ADMIN_DATABASE: Final = os.environ.get("BENCH_PG_DATABASE", "test")
PG_USER: Final = os.environ.get("BENCH_PG_USER", os.environ.get("USER", "root"))


@dataclass(frozen=True)
class Engine:
    """An engine under test: its name, the driver of the apps' URL and of the seed's."""

    name: str
    driver: str  # what the apps get in BENCH_DB_URL
    sync_driver: str  # what the seed and resets use
    postgres: bool

    def url(self, database: str, driver: str | None = None) -> str:
        scheme = driver or self.driver
        if self.postgres:
            return f"{scheme}://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
        return f"{scheme}:///{database}"


ENGINES: Final = {
    engine.name: engine
    for engine in (
        Engine("sqlite", "sqlite", "sqlite", postgres=False),
        Engine("aiosqlite", "sqlite+aiosqlite", "sqlite", postgres=False),
        Engine("postgres", "postgresql+psycopg", "postgresql+psycopg", postgres=True),
        Engine("asyncpg", "postgresql+asyncpg", "postgresql+psycopg", postgres=True),
    )
}


@dataclass(frozen=True)
class Database:
    """One app's database for one run: the URL the app gets and the one the seed uses."""

    url: str
    sync_url: str


def _admin_connection() -> Any:
    import psycopg

    return psycopg.connect(
        host=PG_HOST,
        port=PG_PORT,
        dbname=PG_ADMIN_DATABASE,
        user=PG_USER,
        autocommit=True,
        connect_timeout=3,
    )


def postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used (a message), or None when it answers."""
    try:
        with _admin_connection() as connection:
            connection.execute("SELECT 1")
    except Exception as error:  # ImportError, refused, auth...
        where = f"{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_ADMIN_DATABASE}"
        return f"PostgreSQL at {where} is not reachable ({type(error).__name__}: {error})"
    return None


@contextmanager
def database(engine: Engine, app: str, directory: Path) -> Iterator[Database]:
    """A fresh, empty database for ``app`` on ``engine``; a PostgreSQL one is dropped after."""
    if not engine.postgres:
        path = str(directory / f"{app}-{engine.name}.db")
        yield Database(engine.url(path), engine.url(path, engine.sync_driver))
        return
    name = f"bench_{app}_{uuid.uuid4().hex[:10]}"
    with _admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Database(engine.url(name), engine.url(name, engine.sync_driver))
    finally:
        with _admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
