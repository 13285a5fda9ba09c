"""Creates and resets the SQLite files, with plain SQL, while the servers are idle.

Both apps get byte-identical data, so their GET answers can be compared byte for byte and every
run of a scenario starts from the same database state. ``books`` serves the CRUD scenarios;
``articles`` (never written to) serves the filtered, ordered and paginated list;
``cached_books`` (never written to) holds the same 50 rows as ``books`` for the cached GET.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Final

# The table LightAPI creates for the benchmark's BookEndpoint (automatic columns first), and
# the same one for CachedBookEndpoint.
BOOKS_SCHEMA: Final = """
CREATE TABLE {table} (
    id INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    year INTEGER,
    PRIMARY KEY (id)
)
"""
# The table LightAPI creates for the benchmark's ArticleEndpoint (no indexes, like LightAPI's).
ARTICLES_SCHEMA: Final = """
CREATE TABLE articles (
    id INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    version INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    views INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    PRIMARY KEY (id)
)
"""
LIST_ROWS: Final = 50
FIRST_PATCH_ID: Final = LIST_ROWS + 1
# SQLAlchemy's SQLite DATETIME storage format (naive UTC wall time).
SEED_TIME: Final = "2024-01-01 00:00:00.000000"
BOOKS_INSERT: Final = (
    "INSERT INTO {table} (id, created_at, updated_at, version, title, author, year)"
    " VALUES (?, ?, ?, 1, ?, ?, ?)"
)
INSERT: Final = BOOKS_INSERT.format(table="books")
CACHED_BOOKS: Final = "cached_books"
ARTICLE_ROWS: Final = 1_000
ARTICLE_STATUSES: Final = ("live", "live", "draft", "live", "archived")  # by id % 5: 60 % live
INSERT_ARTICLE: Final = (
    "INSERT INTO articles (id, created_at, updated_at, version, title, views, status)"
    " VALUES (?, ?, ?, 1, ?, ?, ?)"
)


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, timeout=30)) as connection, connection:
        yield connection


def _list_row(i: int) -> tuple[object, ...]:
    year = None if i % 5 == 0 else 1950 + i
    return (i, SEED_TIME, SEED_TIME, f"Seed book {i}", f"Author {i % 7}", year)


def _article_row(i: int) -> tuple[object, ...]:
    """Deterministic, spread out and full of ties, so that every ordering key matters.

    ``views`` is 0-399, each value on ids i, i+400 and i+800 (ties broken by ``title``); ids i
    and i+800 also share a title (ties broken by ``id``).
    """
    views = (i * 37) % 400
    return (
        i,
        SEED_TIME,
        SEED_TIME,
        f"Article {i % 800:03d}",
        views,
        ARTICLE_STATUSES[i % len(ARTICLE_STATUSES)],
    )


def create(path: Path) -> None:
    """A new database holding the 50 rows that GET /books returns (in ``books`` and in
    ``cached_books``) and the 1,000 articles."""
    with _connect(path) as connection:
        for table in ("books", CACHED_BOOKS):
            connection.execute(BOOKS_SCHEMA.format(table=table))
            connection.executemany(
                BOOKS_INSERT.format(table=table), [_list_row(i) for i in range(1, LIST_ROWS + 1)]
            )
        connection.execute(ARTICLES_SCHEMA)
        connection.executemany(
            INSERT_ARTICLE, [_article_row(i) for i in range(1, ARTICLE_ROWS + 1)]
        )


def prepare(path: Path, patch_rows: int = 0) -> None:
    """Reset to the 50 seed rows, plus ``patch_rows`` rows at version 1 for the PATCH scenario.

    Rows added by POST runs are dropped; PATCH rows are reset rather than re-inserted when the
    right number is already there, which keeps the reset well under a second.
    """
    with _connect(path) as connection:
        (extra,) = connection.execute(
            "SELECT count(*) FROM books WHERE id >= ?", (FIRST_PATCH_ID,)
        ).fetchone()
        if patch_rows and extra == patch_rows:
            connection.execute(
                "UPDATE books SET version = 1, year = NULL, updated_at = created_at"
                " WHERE id >= ? AND version != 1",
                (FIRST_PATCH_ID,),
            )
            return
        connection.execute("DELETE FROM books WHERE id >= ?", (FIRST_PATCH_ID,))
        connection.executemany(
            INSERT,
            (
                (i, SEED_TIME, SEED_TIME, f"Patch book {i}", "Bench", None)
                for i in range(FIRST_PATCH_ID, FIRST_PATCH_ID + patch_rows)
            ),
        )


def count_patched(path: Path) -> int:
    """How many PATCH rows were bumped past version 1 (a cross-check of wrk's count)."""
    with _connect(path) as connection:
        (patched,) = connection.execute(
            "SELECT count(*) FROM books WHERE id >= ? AND version > 1", (FIRST_PATCH_ID,)
        ).fetchone()
    return int(patched)
