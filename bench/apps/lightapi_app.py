"""The LightAPI side: the endpoint declarations from the benchmark briefs, unchanged.

Deliberately no ``from __future__ import annotations`` and the original ``Optional`` spelling,
so that this is exactly what a user would write.
"""

import os
from typing import Optional

from sqlalchemy import create_engine

from bench.apps import DB_PATH_ENV
from lightapi import Field, Filtering, LightApi, Pagination, RestEndpoint


class BookEndpoint(RestEndpoint):
    title: str = Field(min_length=1)
    author: str = Field(min_length=1)
    year: Optional[int] = None


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
app = LightApi(engine=create_engine(f"sqlite:///{path}"))
app.register({"/books": BookEndpoint, "/articles": ArticleEndpoint})
asgi = app.build_app()
