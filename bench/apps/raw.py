"""The baseline: the same API by hand with Starlette, SQLAlchemy Core and msgspec.

It is meant to be what a competent engineer writes without a framework, doing the same work per
request as LightAPI with the same I/O model, so that the ratio measures framework overhead only:

- the engine from ``BENCH_DB_URL``, created like the LightAPI app's: a sync driver's work in one
  ``run_in_threadpool`` hop per request (``raw_sync``), an async driver's awaited on the event
  loop with ``create_async_engine`` (``raw_async``); the handlers below are the same for both;
- every statement whose shape is fixed built once at import (``raw_sql``), only parameters
  bound per request;
- bodies validated from bytes by pydantic with the same constraints, ``extra="forbid"``; rows
  encoded straight to JSON by msgspec (``raw_shapes``);
- the same shapes, status codes and headers (``ETag: "<id>-<version>"``, ``Location``,
  ``If-None-Match`` -> 304, 404 ``not found``);
- PATCH as one compare-and-swap ``UPDATE ... RETURNING`` plus an existence check for 404 vs 409;
- ``GET /articles``: ``status``, ``views__gte``, ``ordering``, ``page`` and ``page_size`` parsed
  and validated (422 like LightAPI's), the page and its ``count(*)`` built per request and read
  on one connection, the same ``count/pages/next/previous/results`` envelope and links;
- ``GET /feed``: keyset pages of 20 by id, ``size + 1`` rows read to know whether more exist,
  HMAC-signed cursor tokens (``raw_params.Cursors``), 400 ``Invalid cursor``;
- ``GET /notes/{id}``: a bearer JWT verified per request with PyJWT, HS256 pinned, 401 first;
- ``GET /cached_books/{id}``: ``GET /books/{id}`` on a second table with the same rows, with no
  cache (LightAPI serves it from Redis), so that ``get_cached`` shows what caching buys.
"""

from __future__ import annotations

import datetime
import os
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import Executable
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.apps import JWT_SECRET_ENV, database_url, is_async
from bench.apps.raw_async import AsyncStore
from bench.apps.raw_params import (
    INVALID_CURSOR,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    BearerAuth,
    Cursors,
    InvalidCursor,
    QueryError,
    article_order,
    bounded,
    query_int,
)
from bench.apps.raw_shapes import (
    CONFLICT,
    ID,
    NOT_FOUND,
    VERSION,
    Article,
    ArticlePage,
    Book,
    BookIn,
    BookList,
    BookPatch,
    CursorPage,
    Note,
    encode,
    etag,
    etag_hit,
    invalid,
    json_response,
)
from bench.apps.raw_sql import (
    COUNT_ARTICLES,
    FEED_AFTER,
    FEED_BEFORE,
    FEED_FIRST,
    SELECT_ARTICLES,
    SELECT_BOOK,
    SELECT_BOOKS,
    SELECT_CACHED_BOOK,
    SELECT_NOTE,
)
from bench.apps.raw_sync import SyncStore
from bench.schema import UTC, articles

INT_MAX: Final = 2**31 - 1
NOTE_ID, NOTE_VERSION = 2, 5  # positions in raw_sql.NOTE_COLUMNS

url = database_url()
store = AsyncStore(url) if is_async(url) else SyncStore(url)
secret = os.environ[JWT_SECRET_ENV]
auth = BearerAuth(secret)
cursors = Cursors(secret.encode())


async def _one(
    request: Request, statement: Executable, struct: Any, at: tuple[int, int]
) -> Response:
    """GET of one row by id: 404, 304 on a matching ``If-None-Match``, else the row and its
    ETag."""
    pk: int = request.path_params["id"]
    if pk > INT_MAX:
        return json_response(NOT_FOUND, 404)
    row = await store.first(statement, {"pk": pk})
    if row is None:
        return json_response(NOT_FOUND, 404)
    tag = etag(row, *at)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag_hit(if_none_match, tag):
        return Response(status_code=304, headers={"ETag": tag})
    return json_response(encode(struct(*row)), headers={"ETag": tag})


async def get_book(request: Request) -> Response:
    return await _one(request, SELECT_BOOK, Book, (ID, VERSION))


async def get_cached_book(request: Request) -> Response:
    return await _one(request, SELECT_CACHED_BOOK, Book, (ID, VERSION))


async def get_note(request: Request) -> Response:
    rejection = auth.rejection(request.headers.get("authorization"))
    if rejection is not None:
        return rejection
    return await _one(request, SELECT_NOTE, Note, (NOTE_ID, NOTE_VERSION))


async def list_books(request: Request) -> Response:
    rows = await store.all(SELECT_BOOKS, {})
    return json_response(encode(BookList([Book(*row) for row in rows])))


async def list_articles(request: Request) -> Response:
    params = request.query_params
    try:
        size = bounded(params, "page_size", 1, MAX_PAGE_SIZE, PAGE_SIZE)
        page = bounded(params, "page", 1, MAX_PAGE, 1)
        where = []
        status = params.get("status")
        if status is not None:
            where.append(articles.c.status == status)
        views_gte = params.get("views__gte")
        if views_gte is not None:
            where.append(articles.c.views >= query_int(views_gte, "views__gte"))
        order = article_order(params.get("ordering"))
    except QueryError as error:
        return error.response()
    rows_statement = (
        SELECT_ARTICLES.where(*where).order_by(*order).limit(size).offset((page - 1) * size)
    )
    rows, count = await store.page(rows_statement, COUNT_ARTICLES.where(*where))
    pages = -(-count // size)
    previous = min(page - 1, pages)
    link = request.url
    body = ArticlePage(
        count=count,
        pages=pages,
        next=str(link.include_query_params(page=page + 1)) if page < pages else None,
        previous=str(link.include_query_params(page=previous)) if previous > 0 else None,
        results=[Article(*row) for row in rows],
    )
    return json_response(encode(body))


async def list_feed(request: Request) -> Response:
    params = request.query_params
    try:
        size = bounded(params, "page_size", 1, MAX_PAGE_SIZE, PAGE_SIZE)
    except QueryError as error:
        return error.response()
    token = params.get("cursor")
    forward = True
    if token is None:
        rows = await store.all(FEED_FIRST, {"limit": size + 1})
    else:
        try:
            boundary, forward = cursors.decode(token)
        except InvalidCursor:
            return json_response(INVALID_CURSOR, 400)
        statement = FEED_AFTER if forward else FEED_BEFORE
        rows = await store.all(statement, {"boundary": boundary, "limit": size + 1})
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    has_next, has_previous = (more, token is not None) if forward else (True, more)
    body = CursorPage(
        next=cursors.encode(rows[-1][ID], True) if has_next and rows else None,
        previous=cursors.encode(rows[0][ID], False) if has_previous and rows else None,
        results=[Article(*row) for row in rows],
    )
    return json_response(encode(body))


async def create_book(request: Request) -> Response:
    try:
        book = BookIn.model_validate_json(await request.body() or b"{}")
    except ValidationError as error:
        return invalid(error)
    now = datetime.datetime.now(UTC)
    values = book.model_dump()
    values.update(created_at=now, updated_at=now, version=1)
    row = await store.insert(values)
    headers = {"ETag": etag(row, ID, VERSION), "Location": f"/books/{row[ID]}"}
    return json_response(encode(Book(*row)), 201, headers)


async def patch_book(request: Request) -> Response:
    pk: int = request.path_params["id"]
    try:
        patch = BookPatch.model_validate_json(await request.body() or b"{}")
    except ValidationError as error:
        return invalid(error)
    if pk > INT_MAX:
        return json_response(NOT_FOUND, 404)
    fields = patch.model_dump(exclude_unset=True)
    expected = fields.pop("version")
    params = {f"new_{key}": value for key, value in fields.items()}
    params.update(pk=pk, expected=expected, now=datetime.datetime.now(UTC))
    row, exists = await store.update(tuple(fields), params)
    if row is None:
        return json_response(CONFLICT, 409) if exists else json_response(NOT_FOUND, 404)
    return json_response(encode(Book(*row)), headers={"ETag": etag(row, ID, VERSION)})


app = Starlette(
    routes=[
        Route("/books", list_books, methods=["GET"]),
        Route("/books", create_book, methods=["POST"]),
        Route("/books/{id:int}", get_book, methods=["GET"]),
        Route("/books/{id:int}", patch_book, methods=["PATCH"]),
        Route("/articles", list_articles, methods=["GET"]),
        Route("/feed", list_feed, methods=["GET"]),
        Route("/notes/{id:int}", get_note, methods=["GET"]),
        Route("/cached_books/{id:int}", get_cached_book, methods=["GET"]),  # last: others unslowed
    ]
)
asgi = app
