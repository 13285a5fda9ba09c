"""Creates and resets the databases with SQLAlchemy Core, while the servers are idle.

Every app on every engine gets the same rows, so GET answers can be compared byte for byte and
every run of a scenario starts from the same state. ``books`` serves the CRUD scenarios;
``articles`` the filtered page-number list and ``feed`` (the same 1,000 rows) the cursor list;
``cached_books`` holds the same 50 rows as ``books`` for the cached GET; ``notes`` a few rows for
the authenticated GET. Only ``books`` is ever written to.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import Connection, create_engine, delete, func, insert, select, text, update
from sqlalchemy.pool import NullPool

from bench import schema

LIST_ROWS: Final = 50
FIRST_PATCH_ID: Final = LIST_ROWS + 1
SEED_TIME: Final = datetime.datetime(2024, 1, 1, tzinfo=schema.UTC)
ARTICLE_ROWS: Final = 1_000
ARTICLE_STATUSES: Final = ("live", "live", "draft", "live", "archived")  # by id % 5: 60 % live
NOTE_ROWS: Final = 3
STAMPS: Final = {"created_at": SEED_TIME, "updated_at": SEED_TIME, "version": 1}


@contextmanager
def _begin(sync_url: str) -> Iterator[Connection]:
    engine = create_engine(sync_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def _book(i: int) -> dict[str, Any]:
    year = None if i % 5 == 0 else 1950 + i
    return {"id": i, **STAMPS, "title": f"Seed book {i}", "author": f"Author {i % 7}", "year": year}


def _patch_book(i: int) -> dict[str, Any]:
    return {"id": i, **STAMPS, "title": f"Patch book {i}", "author": "Bench", "year": None}


def _article(i: int) -> dict[str, Any]:
    """Deterministic, spread out and full of ties, so that every ordering key matters.

    ``views`` is 0-399, each value on ids i, i+400 and i+800 (ties broken by ``title``); ids i
    and i+800 also share a title (ties broken by ``id``).
    """
    return {
        "id": i,
        **STAMPS,
        "title": f"Article {i % 800:03d}",
        "views": (i * 37) % 400,
        "status": ARTICLE_STATUSES[i % len(ARTICLE_STATUSES)],
    }


def _note(i: int) -> dict[str, Any]:
    return {"id": i, **STAMPS, "title": f"Note {i}", "text": f"Private text {i}"}


def _sync_sequences(connection: Connection) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's id sequences past them, so that
    POST gets a fresh id (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in schema.metadata.sorted_tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                f" coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def create(sync_url: str) -> None:
    """Create the tables (LightAPI's DDL) and insert the seed rows in a fresh database."""
    with _begin(sync_url) as connection:
        schema.metadata.create_all(connection)
        rows = [_book(i) for i in range(1, LIST_ROWS + 1)]
        connection.execute(insert(schema.books), rows)
        connection.execute(insert(schema.cached_books), rows)
        articles = [_article(i) for i in range(1, ARTICLE_ROWS + 1)]
        connection.execute(insert(schema.articles), articles)
        connection.execute(insert(schema.feed), articles)
        connection.execute(insert(schema.notes), [_note(i) for i in range(1, NOTE_ROWS + 1)])
        _sync_sequences(connection)


def prepare(sync_url: str, patch_rows: int = 0) -> None:
    """Reset ``books`` to the 50 seed rows, plus ``patch_rows`` rows at version 1 for PATCH.

    Rows added by POST runs are dropped; PATCH rows are reset rather than re-inserted when the
    right number is already there, which keeps the reset well under a second.
    """
    books = schema.books
    extra = books.c.id >= FIRST_PATCH_ID
    with _begin(sync_url) as connection:
        count = connection.execute(
            select(func.count()).select_from(books).where(extra)
        ).scalar_one()
        if patch_rows and count == patch_rows:
            connection.execute(
                update(books)
                .where(extra, books.c.version != 1)
                .values(version=1, year=None, updated_at=books.c.created_at)
            )
        else:
            connection.execute(delete(books).where(extra))
            if patch_rows:
                connection.execute(
                    insert(books),
                    [_patch_book(i) for i in range(FIRST_PATCH_ID, FIRST_PATCH_ID + patch_rows)],
                )
        _sync_sequences(connection)


def count_patched(sync_url: str) -> int:
    """How many PATCH rows were bumped past version 1 (a cross-check of wrk's count)."""
    books = schema.books
    with _begin(sync_url) as connection:
        statement = (
            select(func.count())
            .select_from(books)
            .where(books.c.id >= FIRST_PATCH_ID, books.c.version > 1)
        )
        return int(connection.execute(statement).scalar_one())
