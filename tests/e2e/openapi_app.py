"""An app using every feature LightAPI has, for the schemathesis run of
tests/e2e/test_schemathesis.py (issue #9 acceptance 2).

Configured by the environment the test sets:

- ``OPENAPI_APP_DB``: the SQLite file (``OPENAPI_APP_DATABASE_URL`` may name another database
  instead, to run the same app by hand on PostgreSQL);
- ``LIGHTAPI_JWT_SECRET``: the JWT secret (read by LightApi itself, R10.8);
- ``OPENAPI_APP_REDIS`` and ``OPENAPI_APP_PREFIX``: the Redis of the response cache and a key
  prefix of its own, so runs never share entries.

| endpoint            | covers                                                                    |
|---------------------|---------------------------------------------------------------------------|
| /authors            | GET/POST/PATCH only; str min/max/pattern + unique; Optional date;         |
|                     | page-number pages; write projection; Redis cache varying on a header;     |
|                     | JWT verb map (AllowAny, IsAuthenticated, IsAdminUser); a queryset scope   |
| /books              | every column type, defaults, default_factory, Decimal digits, float       |
|                     | bounds, UUID, datetime, date, a foreign key; field filters with every     |
|                     | operator, search, ordering; cursor pages; read/write projections; cache;  |
|                     | JWT (GET AllowAny, DELETE IsAdminUser, others signed in)                  |
| /vault              | Basic authentication, counted by the rate limiter; a Decimal without      |
|                     | max_digits; a sync verb override calling the built-in, a background task  |
| /products           | partially reflected table with a version column (locking), read-only,     |
|                     | filters                                                                   |
| /legacy-notes       | reflected table without version (no locking), public, page-number pages   |

App-wide: CORS, a middleware (both phases), login routes with a validator, a body size limit,
a rate limiter, title/version/description of the document.
"""

from __future__ import annotations

import datetime
import decimal
import os
import time
import uuid
from typing import Any, Optional

from sqlalchemy import create_engine, make_url, select, text

from lightapi import (
    AllowAny,
    Authentication,
    BasicAuthentication,
    Cache,
    Field,
    Filtering,
    HttpMethod,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
    LightApi,
    Middleware,
    Pagination,
    RateLimiter,
    RestEndpoint,
    Serializer,
)
from lightapi.authentication import constant_time_equals

ACCOUNTS = {"ann": ("ann-pw", False), "root": ("root-pw", True)}


def check_password(username: str, password: str) -> dict[str, Any] | None:
    stored, is_admin = ACCOUNTS.get(username, ("", False))
    if not stored or not constant_time_equals(stored, password):
        return None
    return {"sub": username, "is_admin": is_admin}


AUDIT: list[tuple[str, str]] = []


def _audit(kind: str, location: str) -> None:
    AUDIT.append((kind, location))


class Timing(Middleware):
    """Both middleware phases on every endpoint answer (§12)."""

    def process(self, request: Any, response: Any) -> Any:
        if response is None:
            request.state.started = time.perf_counter()
            return None
        elapsed = (time.perf_counter() - request.state.started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        return None


class AuthorEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH):
    """Authors; names are unique."""

    name: str = Field(min_length=2, max_length=40, pattern=r"^[A-Z][A-Za-z .'-]*$", unique=True)
    born: Optional[datetime.date] = None

    def queryset(self, request: Any) -> Any:
        """A scope (§9): authors whose name starts with "Anon" are nobody's to see."""
        return select(AuthorEndpoint).where(AuthorEndpoint.name.not_like("Anon%"))

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication,
            permission={"GET": AllowAny, "POST": IsAuthenticated, "PATCH": IsAdminUser},
        )
        serializer = Serializer(write=["name", "id", "version"])
        pagination = Pagination(page_size=5, max_page_size=50)
        cache = Cache(ttl=30, vary_on=["Accept-Language"])
        table = "authors"


class BookEndpoint(RestEndpoint):
    """The catalogue"""

    title: str = Field(min_length=1, max_length=200)
    isbn: Optional[str] = Field(default=None, pattern=r"^\d{13}$", unique=True)
    pages: int = Field(default=100, ge=1, le=10_000)
    price: decimal.Decimal = Field(default=decimal.Decimal(0), max_digits=8, decimal_places=2)
    rating: Optional[float] = Field(default=None, ge=0, le=5)
    weight: float = 1.0
    published: Optional[datetime.datetime] = None
    released: Optional[datetime.date] = None
    ref: uuid.UUID = Field(default_factory=uuid.uuid4)
    available: bool = True
    author_id: Optional[int] = Field(default=None, foreign_key="authors.id")

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication,
            permission={"GET": AllowAny, "DELETE": IsAdminUser},  # other verbs: signed-in users
            jwt_extra_claims=["sub", "is_admin"],
        )
        filtering = Filtering(
            fields=[
                "title",
                "pages",
                "price",
                "rating",
                "weight",
                "published",
                "released",
                "ref",
                "available",
                "author_id",
            ],
            search=["title", "isbn"],
            ordering=["pages", "title", "price", "weight", "created_at"],
        )
        pagination = Pagination(style="cursor", page_size=3, max_page_size=20)
        serializer = Serializer(
            read=["title", "isbn", "pages", "price", "rating", "available", "id", "version"],
            write=["title", "id", "version", "updated_at"],
        )
        cache = Cache(ttl=30)
        tags = ["catalogue"]
        table = "books"


class VaultEndpoint(RestEndpoint):
    secret: str = Field(min_length=1, max_length=100)
    level: int = Field(default=1, ge=0, le=9)
    balance: decimal.Decimal = Field(default=decimal.Decimal(0), decimal_places=3)  # no max_digits

    def post(self, request: Any) -> Any:
        """A sync verb override around the built-in create, with a background task: the
        answers stay the built-in ones, so the document still describes them."""
        response = self.create(self.data)
        if response.status_code == 201:
            self.background(_audit, "vault", response.headers["location"])
        return response

    class Meta:
        authentication = Authentication(backend=BasicAuthentication, permission=IsAuthenticated)
        table = "vault"


class ProductEndpoint(RestEndpoint, HttpMethod.GET):
    name: str = Field(min_length=2, max_length=40)  # partial reflection: declared, validated

    class Meta:
        reflect = "partial"
        table = "products"
        filtering = Filtering(fields=["name", "price", "stocked"], ordering=["price"])


class LegacyNoteEndpoint(RestEndpoint):
    class Meta:
        reflect = True
        table = "legacy_notes"
        pagination = Pagination(page_size=10)
        filtering = Filtering(fields=["flag", "score", "noted_on"], search=["body"])


def _ddl(dialect: str) -> tuple[str, ...]:
    key, stamp = ("SERIAL", "TIMESTAMPTZ") if dialect == "postgresql" else ("INTEGER", "TIMESTAMP")
    return (
        f"CREATE TABLE IF NOT EXISTS products (sku {key} PRIMARY KEY, name VARCHAR(40) NOT NULL"
        " UNIQUE, price NUMERIC(8, 2) NOT NULL CHECK (price >= 0), notes TEXT, stocked BOOLEAN,"
        f" created_at {stamp}, updated_at {stamp}, version INTEGER NOT NULL DEFAULT 1)",
        f"CREATE TABLE IF NOT EXISTS legacy_notes (id {key} PRIMARY KEY,"
        " body VARCHAR(500) NOT NULL, flag BOOLEAN DEFAULT false, score NUMERIC(6, 2),"
        " noted_on DATE)",
    )


SEED = (
    "INSERT INTO products (name, price, notes, stocked, created_at, updated_at, version)"
    " VALUES ('Lamp', 12.50, 'bright', true, '2024-01-02 03:04:05', '2024-01-02 03:04:05', 1),"
    " ('Rug', 80, NULL, false, '2024-02-03 04:05:06', '2024-02-03 04:05:06', 3)",
    "INSERT INTO legacy_notes (body, flag, score, noted_on)"
    " VALUES ('first', true, 1.5, '2024-03-04'), ('second', false, NULL, NULL)",
)


def _database_url() -> str:
    return os.environ.get("OPENAPI_APP_DATABASE_URL") or f"sqlite:///{os.environ['OPENAPI_APP_DB']}"


def _create_legacy_tables(url: str) -> None:
    """The reflected tables exist before the app registers them, as in a real legacy database."""
    sync_driver = {"postgresql+asyncpg": "postgresql+psycopg", "sqlite+aiosqlite": "sqlite"}
    parsed = make_url(url)
    engine = create_engine(
        parsed.set(drivername=sync_driver.get(parsed.drivername, parsed.drivername))
    )
    try:
        with engine.begin() as connection:
            for statement in _ddl(engine.dialect.name):
                connection.execute(text(statement))
            if connection.execute(text("SELECT count(*) FROM products")).scalar_one() == 0:
                for statement in SEED:
                    connection.execute(text(statement))
    finally:
        engine.dispose()


DATABASE_URL = _database_url()
_create_legacy_tables(DATABASE_URL)

app = LightApi(
    database_url=DATABASE_URL,
    login_validator=check_password,
    cors_origins=["https://app.example"],
    middlewares=[Timing],
    # Generous limits: the run checks that 429 is documented, not that fuzzing gets locked out.
    rate_limiter=RateLimiter(requests_per_minute=100_000, requests_per_hour=1_000_000),
    redis_url=os.environ.get("OPENAPI_APP_REDIS", "redis://127.0.0.1:6379/0"),
    cache_prefix=os.environ.get("OPENAPI_APP_PREFIX", "openapi-app"),
    max_body_size=64 * 1024,
    title="Every feature",
    version="2.0.0",
    description="The schemathesis target of the LightAPI test suite",
    silence=("LA603",),  # legacy_notes has no version column on purpose
)
app.register(
    {
        "/authors": AuthorEndpoint,
        "/books": BookEndpoint,
        "/vault": VaultEndpoint,
        "/products": ProductEndpoint,
        "/legacy-notes": LegacyNoteEndpoint,
    }
)
