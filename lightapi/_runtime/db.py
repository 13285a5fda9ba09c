"""The one place that knows whether the engine is sync or async (ARCHITECTURE §1.5).

Database work is written once as plain functions over a SQLAlchemy Core ``Connection``
(``ops``). ``Database`` runs such a function in one transaction: for an async engine through
``AsyncConnection.run_sync`` on the event loop, for a sync engine in a worker thread, and for a
SQLite engine whose pool holds one connection on one dedicated thread (R13.2). Database errors
are classified here into the answers of R5.21 and R20.1.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from starlette.concurrency import run_in_threadpool

from lightapi._runtime.engines import is_async_engine
from lightapi._runtime.errors import DATABASE_UNAVAILABLE, VALUE_REJECTED, DatabaseFailure

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
Work = Callable[..., T]

RETRY_AFTER: Final = {"Retry-After": "1"}
_INTEGRITY_BY_SQLSTATE: Final = {
    "23505": "unique constraint violated",
    "23503": "foreign key constraint violated",
    "23502": "not null constraint violated",
    "23514": "check constraint violated",
}
_INTEGRITY_BY_SQLITE_NAME: Final = {
    "SQLITE_CONSTRAINT_UNIQUE": "unique constraint violated",
    "SQLITE_CONSTRAINT_PRIMARYKEY": "unique constraint violated",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "foreign key constraint violated",
    "SQLITE_CONSTRAINT_NOTNULL": "not null constraint violated",
    "SQLITE_CONSTRAINT_CHECK": "check constraint violated",
}
# SQLite result codes (the part after SQLITE_) meaning the file cannot be used right now.
_SQLITE_UNAVAILABLE: Final = frozenset(
    {"CANTOPEN", "BUSY", "LOCKED", "IOERR", "NOTADB", "FULL", "READONLY", "PERM", "AUTH"}
)
_SQLITE_UNAVAILABLE_TEXT: Final = (
    "unable to open",
    "database is locked",
    "disk I/O error",
    "not a database",
    "disk is full",
    "readonly database",
)
_INTEGRITY_BY_TEXT: Final = (
    ("unique", "unique constraint violated"),
    ("foreign key", "foreign key constraint violated"),
    ("not null", "not null constraint violated"),
    ("check", "check constraint violated"),
)


def _sqlstate(error: BaseException | None) -> str | None:
    while error is not None:
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(state, str):
            return state
        error = error.__cause__
    return None


def integrity_detail(error: exc.IntegrityError) -> str:
    """Which constraint failed, without echoing the database's message (R5.21)."""
    original = error.orig
    state = _sqlstate(original)
    if state in _INTEGRITY_BY_SQLSTATE:
        return _INTEGRITY_BY_SQLSTATE[state]
    name = getattr(original, "sqlite_errorname", None)
    if name in _INTEGRITY_BY_SQLITE_NAME:
        return _INTEGRITY_BY_SQLITE_NAME[name]
    text = str(original).lower()
    return next(
        (detail for marker, detail in _INTEGRITY_BY_TEXT if marker in text),
        "integrity constraint violated",
    )


def _rejects_value(error: BaseException) -> bool:
    """A value the database refuses (SQLSTATE class 22, or asyncpg's client-side check), or one
    that cannot even be bound to its column (a Decimal past the 28 digits of Python's decimal
    context when quantized to the column's scale: ``decimal.InvalidOperation``)."""
    if isinstance(error, (exc.DataError, OverflowError)):
        return True
    if isinstance(error, exc.StatementError) and isinstance(error.orig, ArithmeticError):
        return True
    state = _sqlstate(error.__cause__) or _sqlstate(getattr(error, "orig", None))
    if state is not None and state.startswith("22"):
        return True
    asyncpg = sys.modules.get("asyncpg")
    cause: BaseException | None = error
    while asyncpg is not None and cause is not None:
        if isinstance(cause, asyncpg.exceptions.DataError):
            return True
        cause = cause.__cause__
    return False


def classify(error: BaseException) -> DatabaseFailure | None:
    """The answer for a database error; None when neither the client nor an outage caused it."""
    if isinstance(error, exc.IntegrityError):
        return DatabaseFailure(409, integrity_detail(error))
    if _rejects_value(error):
        return DatabaseFailure(422, VALUE_REJECTED)
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return DatabaseFailure(503, DATABASE_UNAVAILABLE, RETRY_AFTER)
    if _unreachable(error):
        return DatabaseFailure(503, DATABASE_UNAVAILABLE, RETRY_AFTER)
    return None


def _unreachable(error: BaseException) -> bool:
    """The database cannot be reached or opened right now (R20.1, R23.17); a statement the
    database refuses for other reasons (a missing table) is a server error instead."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.Error):
        name = getattr(original, "sqlite_errorname", None)  # Python 3.11+
        if name is not None:
            return name.split("_")[1] in _SQLITE_UNAVAILABLE
        return any(marker in str(original) for marker in _SQLITE_UNAVAILABLE_TEXT)
    if _unavailable_sqlstate(_sqlstate(original)):
        return True
    return isinstance(
        error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, OSError, TimeoutError)
    )


def _unavailable_sqlstate(state: str | None) -> bool:
    """PostgreSQL codes of a server that cannot serve now: connection exceptions (08),
    insufficient resources (53, e.g. too many connections) and shutdown or start-up (57P01-
    57P05, "the database system is shutting down"). psycopg raises these as OperationalError,
    but asyncpg's errors reach SQLAlchemy as a plain DBAPIError, so only the code tells."""
    return state is not None and (state[:2] in ("08", "53") or state.startswith("57P"))


def _uses_one_connection(engine: Engine) -> bool:
    """SQLite pools that hold a single connection must be used from one thread (R13.2)."""
    return isinstance(engine.pool, (SingletonThreadPool, StaticPool))


class Database:
    """Runs database work written once over a Connection, on either kind of engine."""

    def __init__(self, engine: Engine | AsyncEngine) -> None:
        self.engine = engine
        self.is_async = is_async_engine(engine)
        sync_engine = engine if isinstance(engine, Engine) else engine.sync_engine
        self.dialect = sync_engine.dialect.name
        self._executor: ThreadPoolExecutor | None = None
        if not self.is_async and _uses_one_connection(sync_engine):
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="lightapi-sqlite")
        # SQLite has one writer; queueing writers here beats its busy-wait (ARCHITECTURE §6).
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else None

    async def read(self, work: Work[T], *args: Any) -> T:
        return await self._run(work, args, write=False)

    async def write(self, work: Work[T], *args: Any) -> T:
        return await self._run(work, args, write=True)

    async def _run(self, work: Work[T], args: tuple[Any, ...], *, write: bool) -> T:
        try:
            if self.is_async:
                return await self._run_async(cast("AsyncEngine", self.engine), work, args, write)
            if self._executor is not None:
                loop = asyncio.get_running_loop()
                call = functools.partial(self._run_sync, work, args, write)
                return await loop.run_in_executor(self._executor, call)
            return await run_in_threadpool(self._run_sync, work, args, write)
        except Exception as error:
            failure = classify(error)
            if failure is None:
                raise
            raise failure from error

    def _run_sync(self, work: Work[T], args: tuple[Any, ...], write: bool) -> T:
        assert isinstance(self.engine, Engine)
        if not write:
            with self.engine.connect() as connection:
                return work(connection, *args)
        if self._write_lock is None:
            with self.engine.begin() as connection:
                return work(connection, *args)
        with self._write_lock, self.engine.begin() as connection:
            return work(connection, *args)

    @staticmethod
    async def _run_async(
        engine: AsyncEngine, work: Work[T], args: tuple[Any, ...], write: bool
    ) -> T:
        if write:
            async with engine.begin() as connection:
                return await connection.run_sync(work, *args)
        async with engine.connect() as connection:
            return await connection.run_sync(work, *args)

    def run_blocking(self, work: Callable[[Connection], T]) -> T:
        """Set-up work (creating tables, reflecting) from synchronous code, in one transaction.

        An async engine runs it on a loop of its own in a helper thread, then empties its pool,
        so that no connection stays bound to that loop."""
        if isinstance(self.engine, Engine):
            if self._executor is not None:
                return self._executor.submit(self._run_sync, work, (), True).result()
            return self._run_sync(work, (), True)
        engine = self.engine

        async def run() -> T:
            try:
                return await self._run_async(engine, work, (), True)
            finally:
                await engine.dispose()

        outcome: list[Any] = []

        def thread() -> None:
            try:
                outcome.append((True, asyncio.run(run())))
            except BaseException as error:  # handed to the calling thread
                outcome.append((False, error))

        helper = threading.Thread(target=thread, name="lightapi-setup")
        helper.start()
        helper.join()
        succeeded, value = outcome[0]
        if not succeeded:
            raise value
        result: T = value
        return result

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
