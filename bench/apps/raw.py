"""The baseline: the same API by hand with Starlette, SQLAlchemy Core and msgspec.

It is meant to be what a competent engineer writes without a framework, doing the same work per
request as LightAPI with the same I/O model, so that the ratio measures framework overhead only:

- a sync engine on a SQLite file, created exactly like the LightAPI app's engine;
- all database work of a request in ONE ``run_in_threadpool`` hop; ``engine.connect()`` for reads,
  ``engine.begin()`` for writes, writes serialised by one lock (SQLite has a single writer and
  queueing in-process beats its busy-wait; LightAPI does the same);
- every statement built once at import, only parameters bound per request;
- bodies validated from bytes by pydantic (``model_validate_json``), same constraints,
  ``extra="forbid"``;
- rows encoded straight to JSON bytes by msgspec; timestamps timezone-aware UTC, sent with ``Z``;
- the same response shapes, status codes and headers (``ETag: "<id>-<version>"``, ``Location``,
  ``If-None-Match`` -> 304);
- PATCH as one compare-and-swap ``UPDATE ... RETURNING`` plus an existence check for 404 vs 409;
- ``GET /cached_books/{id}``: exactly ``GET /books/{id}`` on a second table with the same rows,
  with no cache (LightAPI serves it from Redis), so that ``get_cached`` shows what caching buys;
- ``GET /articles``: the query parameters the benchmark uses (``status``, ``views__gte``,
  ``ordering``, ``page``, ``page_size``) parsed and validated (422 like LightAPI's), the page and
  its ``count(*)`` built per request with Core (the statement's shape depends on the parameters)
  and read on one connection in one hop, and the same ``count/pages/next/previous/results``
  envelope with the same links.
"""

from __future__ import annotations

import datetime
import itertools
import os
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeAlias

import msgspec
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.apps import DB_PATH_ENV

UTC: Final = datetime.timezone.utc
JSON: Final = "application/json"
INT_MAX: Final = 2**31 - 1
EDITABLE: Final = ("title", "author", "year")


class UTCDateTime(TypeDecorator[datetime.datetime]):
    """SQLite drops the zone: store UTC wall time, hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()


def _books_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
        Column("version", Integer, nullable=False),
        Column("title", String, nullable=False),
        Column("author", String, nullable=False),
        Column("year", Integer, nullable=True),
    )


books = _books_table("books")
cached_books = _books_table("cached_books")  # same rows; LightAPI caches it, we do not

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", String, nullable=False),
    Column("views", Integer, nullable=False),
    Column("status", String, nullable=False),
)

engine = create_engine(f"sqlite:///{os.environ[DB_PATH_ENV]}")
metadata.create_all(engine)
WRITE_LOCK: Final = threading.Lock()

# Output order of the JSON object; statements return exactly these columns, in this order.
OUT = (
    books.c.title,
    books.c.author,
    books.c.year,
    books.c.id,
    books.c.created_at,
    books.c.updated_at,
    books.c.version,
)
ID, VERSION = 3, 6  # positions in OUT
SELECT_ONE: Final = select(*OUT).where(books.c.id == bindparam("pk"))
SELECT_CACHED_ONE: Final = select(*(cached_books.c[column.name] for column in OUT)).where(
    cached_books.c.id == bindparam("pk")
)
SELECT_ALL: Final = select(*OUT).order_by(books.c.id)
EXISTS: Final = select(books.c.id).where(books.c.id == bindparam("pk"))
INSERT: Final = insert(books).returning(*OUT)

ARTICLE_OUT = (
    articles.c.title,
    articles.c.views,
    articles.c.status,
    articles.c.id,
    articles.c.created_at,
    articles.c.updated_at,
    articles.c.version,
)
SELECT_ARTICLES: Final = select(*ARTICLE_OUT)
COUNT_ARTICLES: Final = select(func.count()).select_from(articles)
ARTICLE_ORDERING: Final = {"views": articles.c.views, "title": articles.c.title}
ARTICLE_ID_ORDER: Final = (articles.c.id.asc(),)
PAGE_SIZE: Final = 20
MAX_PAGE_SIZE: Final = 100
MAX_PAGE: Final = 10**9


def _cas_update(keys: tuple[str, ...]) -> Any:
    """``UPDATE ... SET <keys>, version = version + 1, updated_at = :now
    WHERE id = :pk AND version = :expected RETURNING ...``."""
    values: dict[Any, Any] = {books.c[key]: bindparam(f"new_{key}") for key in keys}
    values[books.c.version] = books.c.version + 1
    values[books.c.updated_at] = bindparam("now")
    return (
        update(books)
        .where(books.c.id == bindparam("pk"), books.c.version == bindparam("expected"))
        .values(values)
        .returning(*OUT)
    )


# One statement per subset of editable fields (8 of them), all built here, none per request.
UPDATES: Final = {
    keys: _cas_update(keys)
    for size in range(len(EDITABLE) + 1)
    for keys in itertools.combinations(EDITABLE, size)
}


class Book(msgspec.Struct):
    title: str
    author: str
    year: int | None
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class BookList(msgspec.Struct):
    results: list[Book]


class Article(msgspec.Struct):
    title: str
    views: int
    status: str
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class ArticlePage(msgspec.Struct):
    count: int
    pages: int
    next: str | None
    previous: str | None
    results: list[Article]


BookRow: TypeAlias = Sequence[Any]  # a Row of OUT
to_book: Callable[..., Book] = Book  # to_book(*row): positional, in OUT order


encode = msgspec.json.Encoder().encode


class BookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    author: str = Field(min_length=1)
    year: int | None = None


class BookPatch(BaseModel):
    """Partial update: the same constraints; ``version`` must be a JSON integer."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(None, min_length=1)  # type: ignore[assignment]  # unset != null
    author: str = Field(None, min_length=1)  # type: ignore[assignment]
    year: int | None = None
    version: StrictInt


def _json(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, headers=headers, media_type=JSON)


NOT_FOUND: Final = b'{"detail":"not found"}'
CONFLICT: Final = b'{"detail":"version conflict"}'
BAD_JSON: Final = b'{"detail":"Invalid JSON body"}'


def _invalid(error: ValidationError) -> Response:
    if any(item["type"] == "json_invalid" for item in error.errors(include_url=False)):
        return _json(BAD_JSON, 400)
    return _json(b'{"detail":' + error.json(include_url=False).encode() + b"}", 422)


# --- query string of GET /articles ----------------------------------------------------------

INTEGER: Final = re.compile(r"[+-]?[0-9]{1,30}")  # int() alone takes " 1", "1_0", non-ASCII digits


class QueryError(Exception):
    """A bad query parameter: 422 with one pydantic-style error at ``["query", <param>]``."""

    def __init__(self, param: str, kind: str, message: str, raw: str, **ctx: Any) -> None:
        super().__init__(message)
        self.error: dict[str, Any] = {
            "type": kind,
            "loc": ["query", param],
            "msg": message,
            "input": raw,
        }
        if ctx:
            self.error["ctx"] = ctx

    def response(self) -> Response:
        return _json(encode({"detail": [self.error]}), 422)


def _query_int(raw: str, param: str) -> int:
    if INTEGER.fullmatch(raw) is None:
        raise QueryError(
            param,
            "int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
            raw,
        )
    return int(raw)


def _bounded(params: Any, param: str, low: int, high: int, default: int) -> int:
    raw = params.get(param)
    if raw is None:
        return default
    value = _query_int(raw, param)
    if value < low:
        raise QueryError(
            param,
            "greater_than_equal",
            f"Input should be greater than or equal to {low}",
            raw,
            ge=low,
        )
    if value > high:
        raise QueryError(
            param, "less_than_equal", f"Input should be less than or equal to {high}", raw, le=high
        )
    return value


def _article_order(raw: str | None) -> list[Any]:
    """``a,-b``: items trimmed, empty ones skipped, later duplicates ignored; then ``id``."""
    if raw is None:
        return list(ARTICLE_ID_ORDER)
    seen: set[str] = set()
    clauses = []
    for part in raw.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.removeprefix("-").strip()
        if not name or name in seen:
            continue
        column = ARTICLE_ORDERING.get(name)
        if column is None:
            raise QueryError(
                "ordering", "value_error", f"cannot order by '{name}'; allowed: views, title", raw
            )
        seen.add(name)
        clauses.append(column.desc() if descending else column.asc())
    clauses.extend(ARTICLE_ID_ORDER)
    return clauses


def _etag(row: BookRow) -> str:
    return f'"{row[ID]}-{row[VERSION]}"'


def _etag_hit(header: str, etag: str) -> bool:
    """If-None-Match uses weak comparison; ``*`` matches any current row."""
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


# --- database work: one function per request, run in one thread-pool hop ---------------------


def _fetch_one(pk: int) -> BookRow | None:
    with engine.connect() as connection:
        return connection.execute(SELECT_ONE, {"pk": pk}).first()


def _fetch_cached_one(pk: int) -> BookRow | None:
    with engine.connect() as connection:
        return connection.execute(SELECT_CACHED_ONE, {"pk": pk}).first()


def _fetch_all() -> list[BookRow]:
    with engine.connect() as connection:
        return list(connection.execute(SELECT_ALL).all())


def _fetch_page(rows: Any, count: Any) -> tuple[list[Sequence[Any]], int]:
    """The page and the count it belongs to, on one connection."""
    with engine.connect() as connection:
        total = connection.execute(count).scalar_one()
        return list(connection.execute(rows).all()), int(total)


def _insert(values: dict[str, Any]) -> BookRow:
    with WRITE_LOCK, engine.begin() as connection:
        return connection.execute(INSERT, values).one()


def _update(keys: tuple[str, ...], params: dict[str, Any]) -> tuple[BookRow | None, bool]:
    """The updated row, or None and whether the row exists (404 vs 409), in one transaction."""
    with WRITE_LOCK, engine.begin() as connection:
        row = connection.execute(UPDATES[keys], params).first()
        if row is not None:
            return row, True
        return None, connection.execute(EXISTS, {"pk": params["pk"]}).first() is not None


# --- handlers -------------------------------------------------------------------------------


async def list_books(request: Request) -> Response:
    rows = await run_in_threadpool(_fetch_all)
    return _json(encode(BookList([to_book(*row) for row in rows])))


async def list_articles(request: Request) -> Response:
    params = request.query_params
    try:
        size = _bounded(params, "page_size", 1, MAX_PAGE_SIZE, PAGE_SIZE)
        page = _bounded(params, "page", 1, MAX_PAGE, 1)
        where = []
        status = params.get("status")
        if status is not None:
            where.append(articles.c.status == status)
        views_gte = params.get("views__gte")
        if views_gte is not None:
            where.append(articles.c.views >= _query_int(views_gte, "views__gte"))
        order = _article_order(params.get("ordering"))
    except QueryError as error:
        return error.response()
    rows_statement = (
        SELECT_ARTICLES.where(*where).order_by(*order).limit(size).offset((page - 1) * size)
    )
    rows, count = await run_in_threadpool(_fetch_page, rows_statement, COUNT_ARTICLES.where(*where))
    pages = -(-count // size)
    previous = min(page - 1, pages)
    url = request.url
    body = ArticlePage(
        count=count,
        pages=pages,
        next=str(url.include_query_params(page=page + 1)) if page < pages else None,
        previous=str(url.include_query_params(page=previous)) if previous > 0 else None,
        results=[Article(*row) for row in rows],
    )
    return _json(encode(body))


async def get_book(request: Request) -> Response:
    pk: int = request.path_params["id"]
    if pk > INT_MAX:
        return _json(NOT_FOUND, 404)
    row = await run_in_threadpool(_fetch_one, pk)
    if row is None:
        return _json(NOT_FOUND, 404)
    etag = _etag(row)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _etag_hit(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return _json(encode(to_book(*row)), headers={"ETag": etag})


async def get_cached_book(request: Request) -> Response:
    """``get_book`` line for line, on ``cached_books``."""
    pk: int = request.path_params["id"]
    if pk > INT_MAX:
        return _json(NOT_FOUND, 404)
    row = await run_in_threadpool(_fetch_cached_one, pk)
    if row is None:
        return _json(NOT_FOUND, 404)
    etag = _etag(row)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _etag_hit(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return _json(encode(to_book(*row)), headers={"ETag": etag})


async def create_book(request: Request) -> Response:
    try:
        book = BookIn.model_validate_json(await request.body() or b"{}")
    except ValidationError as error:
        return _invalid(error)
    now = datetime.datetime.now(UTC)
    values = book.model_dump()
    values.update(created_at=now, updated_at=now, version=1)
    row = await run_in_threadpool(_insert, values)
    headers = {"ETag": _etag(row), "Location": f"/books/{row[ID]}"}
    return _json(encode(to_book(*row)), 201, headers)


async def patch_book(request: Request) -> Response:
    pk: int = request.path_params["id"]
    try:
        patch = BookPatch.model_validate_json(await request.body() or b"{}")
    except ValidationError as error:
        return _invalid(error)
    if pk > INT_MAX:
        return _json(NOT_FOUND, 404)
    fields = patch.model_dump(exclude_unset=True)
    expected = fields.pop("version")
    params = {f"new_{key}": value for key, value in fields.items()}
    params.update(pk=pk, expected=expected, now=datetime.datetime.now(UTC))
    row, exists = await run_in_threadpool(_update, tuple(fields), params)
    if row is None:
        return _json(CONFLICT, 409) if exists else _json(NOT_FOUND, 404)
    return _json(encode(to_book(*row)), headers={"ETag": _etag(row)})


app = Starlette(
    routes=[
        Route("/books", list_books, methods=["GET"]),
        Route("/books", create_book, methods=["POST"]),
        Route("/books/{id:int}", get_book, methods=["GET"]),
        Route("/books/{id:int}", patch_book, methods=["PATCH"]),
        Route("/articles", list_articles, methods=["GET"]),
        Route("/cached_books/{id:int}", get_cached_book, methods=["GET"]),  # last: others unslowed
    ]
)
asgi = app
