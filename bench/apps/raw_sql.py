"""The baseline's SQL: every statement whose shape is fixed is built here, once, at import.

Only the filtered article page is built per request (its WHERE and ORDER BY depend on the query
string); everything else binds parameters into a statement from this module. Statements select
exactly the columns of the JSON answer, in its order, so rows go straight to msgspec.
"""

from __future__ import annotations

import itertools
from typing import Any, Final

from sqlalchemy import bindparam, func, insert, select, update

from bench.schema import articles, books, cached_books, feed, notes

EDITABLE: Final = ("title", "author", "year")
BOOK_COLUMNS: Final = ("title", "author", "year", "id", "created_at", "updated_at", "version")
ARTICLE_COLUMNS: Final = ("title", "views", "status", "id", "created_at", "updated_at", "version")
NOTE_COLUMNS: Final = ("title", "text", "id", "created_at", "updated_at", "version")

BOOK_OUT: Final = tuple(books.c[name] for name in BOOK_COLUMNS)
SELECT_BOOK: Final = select(*BOOK_OUT).where(books.c.id == bindparam("pk"))
SELECT_CACHED_BOOK: Final = select(*(cached_books.c[name] for name in BOOK_COLUMNS)).where(
    cached_books.c.id == bindparam("pk")
)
SELECT_BOOKS: Final = select(*BOOK_OUT).order_by(books.c.id)
BOOK_EXISTS: Final = select(books.c.id).where(books.c.id == bindparam("pk"))
INSERT_BOOK: Final = insert(books).returning(*BOOK_OUT)

SELECT_NOTE: Final = select(*(notes.c[name] for name in NOTE_COLUMNS)).where(
    notes.c.id == bindparam("pk")
)

SELECT_ARTICLES: Final = select(*(articles.c[name] for name in ARTICLE_COLUMNS))
COUNT_ARTICLES: Final = select(func.count()).select_from(articles)
ARTICLE_ORDERING: Final = {"views": articles.c.views, "title": articles.c.title}
ARTICLE_ID_ORDER: Final = articles.c.id.asc()

# Cursor pages of /feed, ordered by id: ``limit`` is the page size + 1 (is there more?).
_FEED: Final = select(*(feed.c[name] for name in ARTICLE_COLUMNS))
FEED_FIRST: Final = _FEED.order_by(feed.c.id).limit(bindparam("limit"))
FEED_AFTER: Final = FEED_FIRST.where(feed.c.id > bindparam("boundary"))
FEED_BEFORE: Final = (
    _FEED.where(feed.c.id < bindparam("boundary"))
    .order_by(feed.c.id.desc())
    .limit(bindparam("limit"))
)


def _cas_update(keys: tuple[str, ...]) -> Any:
    """``UPDATE books SET <keys>, version = version + 1, updated_at = :now
    WHERE id = :pk AND version = :expected RETURNING ...``: the optimistic lock in one
    statement."""
    values: dict[Any, Any] = {books.c[key]: bindparam(f"new_{key}") for key in keys}
    values[books.c.version] = books.c.version + 1
    values[books.c.updated_at] = bindparam("now")
    return (
        update(books)
        .where(books.c.id == bindparam("pk"), books.c.version == bindparam("expected"))
        .values(values)
        .returning(*BOOK_OUT)
    )


# One statement per subset of editable fields (8 of them), all built here, none per request.
UPDATES: Final = {
    keys: _cas_update(keys)
    for size in range(len(EDITABLE) + 1)
    for keys in itertools.combinations(EDITABLE, size)
}
