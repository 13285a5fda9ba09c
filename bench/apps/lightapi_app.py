"""The LightAPI side: the endpoint declarations from the benchmark briefs, unchanged.

Deliberately no ``from __future__ import annotations`` and the original ``Optional`` spelling,
so that this is exactly what a user would write.

``CachedBookEndpoint`` is ``BookEndpoint`` with ``Meta.cache`` (answers kept in Redis) on its own
table; it is registered only when the harness sets ``BENCH_CACHE_PREFIX`` (the ``get_cached``
scenario, Redis reachable), so the other scenarios run the same app as before.
"""

import os
from typing import Optional

from sqlalchemy import create_engine

from bench.apps import CACHE_PREFIX_ENV, DB_PATH_ENV, REDIS_URL
from lightapi import Cache, Field, Filtering, LightApi, Pagination, RestEndpoint


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


path = os.environ[DB_PATH_ENV]
routes = {"/books": BookEndpoint, "/articles": ArticleEndpoint}
cache_prefix = os.environ.get(CACHE_PREFIX_ENV)
if cache_prefix:
    app = LightApi(
        engine=create_engine(f"sqlite:///{path}"), redis_url=REDIS_URL, cache_prefix=cache_prefix
    )
    routes["/cached_books"] = CachedBookEndpoint
else:
    app = LightApi(engine=create_engine(f"sqlite:///{path}"))
app.register(routes)
asgi = app.build_app()
