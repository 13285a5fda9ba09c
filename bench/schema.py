"""The benchmark's tables, declared once for the seed and for the hand-written baselines.

They reproduce the DDL LightAPI generates for the endpoints of ``apps/lightapi_app.py`` on
every dialect (automatic columns first; ``DateTime(timezone=True)``: ``DATETIME`` on SQLite,
``TIMESTAMP WITH TIME ZONE`` on PostgreSQL; ``VARCHAR`` without a length; no indexes), so that
LightAPI finds its tables already there and both apps read the same rows from the same shapes.
"""

from __future__ import annotations

import datetime
from typing import Final

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

UTC: Final = datetime.timezone.utc


class UTCDateTime(TypeDecorator[datetime.datetime]):
    """Aware UTC datetimes in and out; SQLite drops the zone, so it stores UTC wall time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()


def _automatic() -> tuple[Column[object], ...]:
    return (
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
        Column("version", Integer, nullable=False),
    )


def _books(name: str) -> Table:
    return Table(
        name,
        metadata,
        *_automatic(),
        Column("title", String, nullable=False),
        Column("author", String, nullable=False),
        Column("year", Integer, nullable=True),
    )


def _articles(name: str) -> Table:
    return Table(
        name,
        metadata,
        *_automatic(),
        Column("title", String, nullable=False),
        Column("views", Integer, nullable=False),
        Column("status", String, nullable=False),
    )


books: Final = _books("books")
cached_books: Final = _books("cached_books")  # the same rows; LightAPI caches them
articles: Final = _articles("articles")
feed: Final = _articles("feed")  # the same rows as articles, served in cursor pages
notes: Final = Table(
    "notes",
    metadata,
    *_automatic(),
    Column("title", String, nullable=False),
    Column("text", String, nullable=False),
)
