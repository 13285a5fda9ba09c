"""The LightAPI side: the endpoint declarations from the benchmark briefs, unchanged.

Deliberately no ``from __future__ import annotations`` and the original ``Optional`` spelling,
so that this is exactly what a user would write. The engine comes from ``BENCH_DB_URL``:
``create_engine`` for a sync driver, ``create_async_engine`` for an async one, nothing else
changes.

- ``/books``: CRUD with optimistic locking (GET one, GET list of 50, POST, PATCH, 404).
- ``/articles``: filters, search, ordering and page-number pages of 20.
- ``/feed``: the same articles (own table) in cursor pages of 20.
- ``/notes``: GET behind JWT (``IsAuthenticated`` on every verb).
- ``/cached_books``: ``BookEndpoint`` with ``Meta.cache`` (answers kept in Redis) on its own
  table; registered only when the harness sets ``BENCH_CACHE_PREFIX`` (the ``get_cached``
  scenario, Redis reachable).
"""

import os
from typing import Optional

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine

from bench.apps import CACHE_PREFIX_ENV, JWT_SECRET_ENV, REDIS_URL, database_url, is_async
from lightapi import (
    Authentication,
    Cache,
    Field,
    Filtering,
    JWTAuthentication,
    LightApi,
    Pagination,
    RestEndpoint,
)


class BookEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    author: str = Field(min_length=1)
    year: Optional[int] = None


class CachedBookEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    author: str = Field(min_length=1)
    year: Optional[int] = None

    class Meta:
        cache = Cache(ttl=300)
        table = "cached_books"


class ArticleEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    views: int = 0
    status: str = "draft"

    class Meta:
        filtering = Filtering(
            fields=["views", "status"], search=["title"], ordering=["views", "title"]
        )
        pagination = Pagination(page_size=20)


class FeedEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    views: int = 0
    status: str = "draft"

    class Meta:
        table = "feed"
        pagination = Pagination(style="cursor", page_size=20)


class NoteEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    text: str = ""

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)


url = database_url()
engine = create_async_engine(url) if is_async(url) else create_engine(url)
routes = {
    "/books": BookEndpoint,
    "/articles": ArticleEndpoint,
    "/feed": FeedEndpoint,
    "/notes": NoteEndpoint,
}
cache_prefix = os.environ.get(CACHE_PREFIX_ENV)
options = {"jwt_secret": os.environ[JWT_SECRET_ENV]}
if cache_prefix:
    options.update(redis_url=REDIS_URL, cache_prefix=cache_prefix)
    routes["/cached_books"] = CachedBookEndpoint
app = LightApi(engine=engine, **options)
app.register(routes)
asgi = app.build_app()
