"""Table creation that survives an unreachable database (R19.5, R23.17).

Sync apps create tables while building; async apps at startup. When the database cannot be
reached the failure is logged and creation is retried before later requests, which answer 503
until it succeeds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from lightapi._runtime.db import Database, classify

logger = logging.getLogger("lightapi")


class TableSetup:
    """Creates the app's own tables; reflected tables are never created or altered (R15.1)."""

    def __init__(self, db: Database, metadata: MetaData, reflected: Iterable[str] = ()) -> None:
        self.db = db
        self.metadata = metadata
        skipped = set(reflected)
        self.tables = [table for name, table in metadata.tables.items() if name not in skipped]
        self.done = False
        self._lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def _create(self, connection: Connection) -> None:
        self.metadata.create_all(connection, tables=self.tables, checkfirst=True)

    def run_now(self) -> None:
        """Create missing tables from synchronous code (sync engines, at build)."""
        try:
            self.db.run_blocking(self._create)
        except Exception as error:
            if classify(error) is None:
                raise
            logger.warning("database unavailable while creating tables; will retry: %s", error)
            return
        self.done = True

    def _loop_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock[0] is not loop:
            self._lock = (loop, asyncio.Lock())
        return self._lock[1]

    async def ensure(self) -> None:
        """Create missing tables once; raises the classified failure while the DB is down."""
        if self.done:
            return
        async with self._loop_lock():
            if self.done:
                return
            await self.db.write(self._create)
            self.done = True
