"""Endpoint classes shared by the HTTP suites."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Optional

from lightapi import Field, HttpMethod, RestEndpoint, Serializer


class BookEndpoint(RestEndpoint):
    title: str = Field(min_length=1, max_length=200)
    author: str = Field(min_length=1)
    year: Optional[int] = None
    pages: int = Field(default=100, ge=1)


class KitchenSinkEndpoint(RestEndpoint):
    """One field of every type of R2.6."""

    label: str = Field(max_length=20)
    count: int = 0
    ratio: float = 1.5
    active: bool = True
    happened_at: Optional[datetime.datetime] = None
    day: Optional[datetime.date] = None
    price: decimal.Decimal = Field(default=decimal.Decimal("1.50"), max_digits=8, decimal_places=2)
    token: Optional[uuid.UUID] = None
    amount: decimal.Decimal = Field(default=decimal.Decimal(2), decimal_places=2)


class ReadOnlyEndpoint(RestEndpoint, HttpMethod.GET):
    name: str


class NoteEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH):
    body: str
    secret: str = Field(default="hidden")

    class Meta:
        serializer = Serializer(read=["body", "id", "version"], write=["id", "version"])


class AuthorEndpoint(RestEndpoint):
    name: str = Field(unique=True)


class ArticleEndpoint(RestEndpoint):
    title: str
    author_id: int = Field(foreign_key="authors.id")
