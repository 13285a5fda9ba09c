"""The baseline's database work on a sync engine (``sqlite://``, ``postgresql+psycopg://``).

Every request's work runs in ONE ``run_in_threadpool`` hop: ``engine.connect()`` for reads,
``engine.begin()`` for writes. On SQLite, writes are serialised by one lock (a single writer;
queueing in-process beats SQLite's busy-wait), as LightAPI does; PostgreSQL needs none.
``raw_async.AsyncStore`` has the same methods for async engines.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from sqlalchemy import Executable, create_engine
from starlette.concurrency import run_in_threadpool

from bench.apps.raw_sql import BOOK_EXISTS, INSERT_BOOK, UPDATES

Row = Sequence[Any]


class SyncStore:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        sqlite = self.engine.dialect.name == "sqlite"
        self.write_lock: Any = threading.Lock() if sqlite else nullcontext()

    async def first(self, statement: Executable, params: dict[str, Any]) -> Row | None:
        return await run_in_threadpool(self._first, statement, params)

    async def all(self, statement: Executable, params: dict[str, Any]) -> list[Row]:
        return await run_in_threadpool(self._all, statement, params)

    async def page(self, rows: Executable, count: Executable) -> tuple[list[Row], int]:
        """A page and the count it belongs to, on one connection."""
        return await run_in_threadpool(self._page, rows, count)

    async def insert(self, values: dict[str, Any]) -> Row:
        return await run_in_threadpool(self._insert, values)

    async def update(
        self, keys: tuple[str, ...], params: dict[str, Any]
    ) -> tuple[Row | None, bool]:
        """The updated row, or None and whether the row exists (404 vs 409), in one transaction."""
        return await run_in_threadpool(self._update, keys, params)

    def _first(self, statement: Executable, params: dict[str, Any]) -> Row | None:
        with self.engine.connect() as connection:
            return connection.execute(statement, params).first()

    def _all(self, statement: Executable, params: dict[str, Any]) -> list[Row]:
        with self.engine.connect() as connection:
            return list(connection.execute(statement, params).all())

    def _page(self, rows: Executable, count: Executable) -> tuple[list[Row], int]:
        with self.engine.connect() as connection:
            total = connection.execute(count).scalar_one()
            return list(connection.execute(rows).all()), int(total)

    def _insert(self, values: dict[str, Any]) -> Row:
        with self.write_lock, self.engine.begin() as connection:
            return connection.execute(INSERT_BOOK, values).one()

    def _update(self, keys: tuple[str, ...], params: dict[str, Any]) -> tuple[Row | None, bool]:
        with self.write_lock, self.engine.begin() as connection:
            row = connection.execute(UPDATES[keys], params).first()
            if row is not None:
                return row, True
            return None, connection.execute(BOOK_EXISTS, {"pk": params["pk"]}).first() is not None
