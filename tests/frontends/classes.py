"""The endpoints of tests/frontends/library.yaml, written as classes."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Optional

from lightapi import (
    AllowAny,
    Authentication,
    Cache,
    Field,
    Filtering,
    HttpMethod,
    IsAdminUser,
    JWTAuthentication,
    Pagination,
    RestEndpoint,
    Serializer,
)
from tests.frontends.hooks import Stamp, check_password


class AuthorsEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH):
    name: str = Field(min_length=1, max_length=40, unique=True)
    born: Optional[datetime.date] = None

    class Meta:
        serializer = Serializer(write=["name", "id", "version"])
        cache = Cache(ttl=60)
        pagination = Pagination(page_size=2)
        table = "authors"


class BooksEndpoint(RestEndpoint):
    """The catalogue"""

    title: str = Field(min_length=1)
    pages: int = Field(default=100, ge=1)
    price: decimal.Decimal = Field(default=decimal.Decimal(0), decimal_places=2, max_digits=8)
    rating: Optional[float] = None
    published: Optional[datetime.datetime] = None
    ref: Optional[uuid.UUID] = None
    available: bool = True
    author_id: Optional[int] = Field(default=None, foreign_key="authors.id")

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication,
            permission={"GET": AllowAny, "DELETE": IsAdminUser},
            jwt_extra_claims=["sub", "is_admin"],
        )
        filtering = Filtering(fields=["pages", "available"], search=["title"],
                              ordering=["pages", "title"])
        pagination = Pagination(style="cursor", page_size=2)
        tags = ["catalogue"]
        table = "books"


class LegacyNotesEndpoint(RestEndpoint):
    class Meta:
        reflect = True
        pagination = Pagination(page_size=5)
        table = "legacy_notes"


ENDPOINTS = {"/authors": AuthorsEndpoint, "/books": BooksEndpoint,
             "/legacy-notes": LegacyNotesEndpoint}
SETTINGS = {
    "cors_origins": ["https://app.example"],
    "cors_max_age": 60,
    "middlewares": [Stamp],
    "auth_path": "/auth",
    "login_validator": check_password,
    "jwt_expiration": 600,
    "rate_limiter": {"requests_per_minute": 50},
    "max_body_size": 4096,
    "title": "Library",
}
