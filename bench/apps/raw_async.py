"""The baseline's database work on an async engine (``sqlite+aiosqlite://``,
``postgresql+asyncpg://``): ``create_async_engine``, every statement awaited on the event loop,
``connect()`` for reads and ``begin()`` for writes; no thread hop of our own. Like LightAPI's
async path, writes take no lock. ``raw_sync.SyncStore`` has the same methods for sync engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import create_async_engine

from bench.apps.raw_sql import BOOK_EXISTS, INSERT_BOOK, UPDATES

Row = Sequence[Any]


class AsyncStore:
    def __init__(self, url: str) -> None:
        self.engine = create_async_engine(url)

    async def first(self, statement: Executable, params: dict[str, Any]) -> Row | None:
        async with self.engine.connect() as connection:
            return (await connection.execute(statement, params)).first()

    async def all(self, statement: Executable, params: dict[str, Any]) -> list[Row]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(statement, params)).all())

    async def page(self, rows: Executable, count: Executable) -> tuple[list[Row], int]:
        """A page and the count it belongs to, on one connection."""
        async with self.engine.connect() as connection:
            total = (await connection.execute(count)).scalar_one()
            return list((await connection.execute(rows)).all()), int(total)

    async def insert(self, values: dict[str, Any]) -> Row:
        async with self.engine.begin() as connection:
            return (await connection.execute(INSERT_BOOK, values)).one()

    async def update(
        self, keys: tuple[str, ...], params: dict[str, Any]
    ) -> tuple[Row | None, bool]:
        """The updated row, or None and whether the row exists (404 vs 409), in one transaction."""
        async with self.engine.begin() as connection:
            row = (await connection.execute(UPDATES[keys], params)).first()
            if row is not None:
                return row, True
            exists = (await connection.execute(BOOK_EXISTS, {"pk": params["pk"]})).first()
            return None, exists is not None
