"""Session context managers for multi-step atomic work in overrides (R20.2).

Each call yields a new session that commits on a clean exit and rolls back (and re-raises) on
an error.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

__all__ = ["get_async_session", "get_sync_session"]


@contextlib.contextmanager
def get_sync_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()


@contextlib.asynccontextmanager
async def get_async_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    from sqlalchemy.ext.asyncio import AsyncSession  # needs greenlet: only for async engines

    async with AsyncSession(engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
