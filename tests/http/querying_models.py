"""Endpoints for the querying suites (§7-§9)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Optional

from sqlalchemy import select

from lightapi import Field, Filtering, Pagination, RestEndpoint
from lightapi.filters import BaseFilter, FieldFilter, OrderingFilter


class ArticleEndpoint(RestEndpoint):
    title: str
    views: int = 0
    rating: float = 0.0
    price: decimal.Decimal = Field(default=decimal.Decimal(0), max_digits=8, decimal_places=2)
    featured: bool = False
    published_on: Optional[datetime.date] = None
    edited_at: Optional[datetime.datetime] = None
    ref: Optional[uuid.UUID] = None
    status: str = "draft"

    class Meta:
        filtering = Filtering(
            fields=["title", "views", "rating", "price", "featured", "published_on", "edited_at",
                    "ref", "status"],
            search=["title", "status"],
            ordering=["views", "title", "rating", "published_on"],
        )


class PagedEndpoint(RestEndpoint):
    title: str
    views: int = 0

    class Meta:
        filtering = Filtering(fields=["views"], ordering=["views", "title"])
        pagination = Pagination(page_size=3, max_page_size=5)


class CursorEndpoint(RestEndpoint):
    title: str
    views: int = 0

    class Meta:
        filtering = Filtering(fields=["views"], ordering=["views", "title"])
        pagination = Pagination(style="cursor", page_size=3)


class OwnerScopedEndpoint(RestEndpoint):
    """Rows belong to the user named in the X-User header."""

    title: str
    owner: str

    def queryset(self, request):
        cls = type(self)
        return select(cls).where(cls.owner == request.headers.get("x-user", "")).order_by(
            cls.title.desc()
        )


class AsyncScopedEndpoint(RestEndpoint):
    title: str
    owner: str

    class Meta:
        pagination = Pagination(page_size=2)

    async def queryset(self, request):
        cls = type(self)
        return select(cls).where(cls.owner == request.headers.get("x-user", ""))


class EvenViews(BaseFilter):
    """A custom backend: keeps rows with an even view count."""

    def filter_queryset(self, request, queryset, view):
        table = type(view).__table__
        return queryset.where(table.c.views % 2 == 0)


class AsyncTitled(BaseFilter):
    async def filter_queryset(self, request, queryset, view):
        wanted = request.query_params.get("starts")
        if not wanted:
            return queryset
        table = type(view).__table__
        return queryset.where(table.c.title.startswith(wanted, autoescape=True))


class CustomFilteredEndpoint(RestEndpoint):
    title: str
    views: int = 0

    class Meta:
        filtering = Filtering(
            backends=[FieldFilter, EvenViews, AsyncTitled, OrderingFilter],
            fields=["views"],
            ordering=["views"],
        )
