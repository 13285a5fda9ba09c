"""The Litestar peer: the LightAPI app's API by hand with Litestar, SQLAlchemy 2.0 and msgspec.

It is written the way Litestar's documentation teaches, neither slowed down nor tuned, so that
the benchmark compares LightAPI with what a Litestar user would actually deploy:

- SQLAlchemy 2.0 declarative models (``Mapped``/``mapped_column``, the automatic columns in a
  mixin) mapped onto the tables the harness creates, on a sync engine from ``BENCH_DB_URL``;
- sync handlers with ``sync_to_thread=True`` (Litestar runs them in its threadpool) and a
  ``Session`` per request from an async generator dependency; no ``advanced-alchemy`` plugin,
  which would be one more package for four tables;
- msgspec Structs for bodies (``Meta(min_length=1)``, ``forbid_unknown_fields``, ``UNSET`` for
  the fields a PATCH leaves out) and for responses, converted from the ORM rows with
  ``msgspec.convert(..., from_attributes=True)``;
- PATCH as one compare-and-swap ``UPDATE ... WHERE id AND version RETURNING``, then a ``get`` to
  tell 404 from 409, as LightAPI does;
- the JWT check as a guard on ``/notes`` with PyJWT (Litestar's ``JWTAuth`` needs ``exp`` and
  ``sub`` claims and a user lookup, which LightAPI does not);
- ``/articles`` parameters declared with ``Parameter`` (bounds, the ordering whitelist as a
  ``pattern``), and ``/feed`` keyset pages whose cursor is base64 of the last id, signed with an
  HMAC keyed by the JWT secret (LightAPI's tokens are signed the same way);
- two exception handlers, so that errors have LightAPI's status codes and ``{"detail": ...}``
  bodies: Litestar answers ``{"status_code", "detail"}`` and validation errors with 400.

On SQLite, which hands timestamps back naive, they are answered without LightAPI's ``Z``.
"""

import base64
import datetime
import hashlib
import hmac
import math
import os
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

import jwt
import msgspec
from litestar import Litestar, Request, Response, get, patch, post
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.handlers import BaseRouteHandler
from litestar.params import Parameter
from sqlalchemy import DateTime, create_engine, func, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bench.apps import JWT_SECRET_ENV, database_url

JWT_SECRET = os.environ[JWT_SECRET_ENV]
PAGE_SIZE = 20
FEED_PAGE_SIZE = 20
ORDERING_PATTERN = r"^-?(views|title)(,-?(views|title))*$"


class Base(DeclarativeBase):
    pass


class Automatic:
    """The automatic columns every LightAPI table has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int]


class BookColumns(Automatic):
    title: Mapped[str]
    author: Mapped[str]
    year: Mapped[int | None]


class Book(BookColumns, Base):
    __tablename__ = "books"


class CachedBook(BookColumns, Base):
    __tablename__ = "cached_books"


class ArticleColumns(Automatic):
    title: Mapped[str]
    views: Mapped[int]
    status: Mapped[str]


class Article(ArticleColumns, Base):
    __tablename__ = "articles"


class Feed(ArticleColumns, Base):
    __tablename__ = "feed"


class Note(Automatic, Base):
    __tablename__ = "notes"

    title: Mapped[str]
    text: Mapped[str]


NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class BookIn(msgspec.Struct, forbid_unknown_fields=True):
    title: NonEmpty
    author: NonEmpty
    year: int | None = None


class BookPatch(msgspec.Struct, forbid_unknown_fields=True):
    version: int
    title: NonEmpty | msgspec.UnsetType = msgspec.UNSET
    author: NonEmpty | msgspec.UnsetType = msgspec.UNSET
    year: int | msgspec.UnsetType | None = msgspec.UNSET


class BookOut(msgspec.Struct):
    title: str
    author: str
    year: int | None
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class BookList(msgspec.Struct):
    results: list[BookOut]


class ArticleOut(msgspec.Struct):
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
    results: list[ArticleOut]


class FeedPage(msgspec.Struct):
    next: str | None
    previous: str | None
    results: list[ArticleOut]


class NoteOut(msgspec.Struct):
    title: str
    text: str
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


engine = create_engine(database_url())


async def provide_session() -> AsyncIterator[Session]:
    """An async generator, so that Litestar closes the session on the event loop: a sync one
    is closed in the threadpool, and under 32 concurrent requests every worker thread can be
    waiting for a pooled connection that only such a close would return (a deadlock)."""
    with Session(engine) as session:
        yield session


def requires_token(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthorizedException(
            "Authentication required", headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        raise NotAuthorizedException(
            "Authentication required", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        ) from None


@get("/books", sync_to_thread=True)
def read_books(session: Session) -> BookList:
    books = session.scalars(select(Book).order_by(Book.id)).all()
    return BookList(msgspec.convert(books, list[BookOut], from_attributes=True))


@post("/books", sync_to_thread=True)
def create_book(data: BookIn, session: Session) -> BookOut:
    now = datetime.datetime.now(datetime.timezone.utc)
    book = Book(**msgspec.structs.asdict(data), created_at=now, updated_at=now, version=1)
    session.add(book)
    session.commit()
    return msgspec.convert(book, BookOut, from_attributes=True)


@get("/books/{book_id:int}", sync_to_thread=True)
def read_book(book_id: int, session: Session) -> BookOut:
    book = session.get(Book, book_id)
    if book is None:
        raise NotFoundException("not found")
    return msgspec.convert(book, BookOut, from_attributes=True)


@patch("/books/{book_id:int}", sync_to_thread=True)
def update_book(book_id: int, data: BookPatch, session: Session) -> BookOut:
    changes = {
        key: value
        for key, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET and key != "version"
    }
    statement = (
        update(Book)
        .where(Book.id == book_id, Book.version == data.version)
        .values(
            **changes,
            version=Book.version + 1,
            updated_at=datetime.datetime.now(datetime.timezone.utc),
        )
        .returning(Book)
    )
    book = session.scalars(statement).first()
    if book is None:
        if session.get(Book, book_id) is None:
            raise NotFoundException("not found")
        raise ClientException("version conflict", status_code=409)
    answer = msgspec.convert(book, BookOut, from_attributes=True)
    session.commit()
    return answer


@get("/cached_books/{book_id:int}", sync_to_thread=True)
def read_cached_book(book_id: int, session: Session) -> BookOut:
    book = session.get(CachedBook, book_id)
    if book is None:
        raise NotFoundException("not found")
    return msgspec.convert(book, BookOut, from_attributes=True)


@get("/articles", sync_to_thread=True)
def read_articles(
    request: Request,
    session: Session,
    page: Annotated[int, Parameter(ge=1, le=10**9)] = 1,
    page_size: Annotated[int, Parameter(ge=1, le=100)] = PAGE_SIZE,
    views: int | None = None,
    views__gte: int | None = None,
    status: str | None = None,
    ordering: Annotated[str | None, Parameter(pattern=ORDERING_PATTERN)] = None,
) -> ArticlePage:
    filters = []
    if views is not None:
        filters.append(Article.views == views)
    if views__gte is not None:
        filters.append(Article.views >= views__gte)
    if status is not None:
        filters.append(Article.status == status)
    order_by = []
    for name in ordering.split(",") if ordering else []:
        column = getattr(Article, name.removeprefix("-"))
        order_by.append(column.desc() if name.startswith("-") else column.asc())
    statement = (
        select(Article)
        .where(*filters)
        .order_by(*order_by, Article.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    count = session.scalar(select(func.count()).select_from(Article).where(*filters)) or 0
    pages = math.ceil(count / page_size)
    previous = min(page - 1, pages)

    def link(number: int) -> str:
        params = [
            (k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k != "page"
        ]
        return str(request.url.with_replacements(query=urlencode([*params, ("page", number)])))

    return ArticlePage(
        count=count,
        pages=pages,
        next=link(page + 1) if page < pages else None,
        previous=link(previous) if previous else None,
        results=msgspec.convert(
            session.scalars(statement).all(), list[ArticleOut], from_attributes=True
        ),
    )


def sign(payload: bytes) -> bytes:
    return hmac.new(JWT_SECRET.encode(), payload, hashlib.sha256).digest()


def encode_cursor(direction: str, key: int) -> str:
    """``n`` (rows after ``key``) or ``p`` (rows before it), then the id, behind its HMAC."""
    payload = f"{direction}{key}".encode()
    return base64.urlsafe_b64encode(sign(payload) + payload).decode()


def decode_cursor(token: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(token)
    except ValueError:
        raw = b""
    mac, payload = raw[:32], raw[32:]
    if (
        len(token) > 1024
        or not hmac.compare_digest(mac, sign(payload))
        or payload[:1] not in (b"n", b"p")
        or not payload[1:].isdigit()
    ):
        raise ClientException("Invalid cursor")
    return payload[:1].decode(), int(payload[1:])


@get("/feed", sync_to_thread=True)
def read_feed(session: Session, cursor: str | None = None) -> FeedPage:
    direction, key = decode_cursor(cursor) if cursor is not None else ("n", 0)
    if direction == "n":
        statement = select(Feed).where(Feed.id > key).order_by(Feed.id)
    else:
        statement = select(Feed).where(Feed.id < key).order_by(Feed.id.desc())
    rows = list(session.scalars(statement.limit(FEED_PAGE_SIZE + 1)).all())
    more = len(rows) > FEED_PAGE_SIZE
    rows = rows[:FEED_PAGE_SIZE]
    if direction == "p":
        rows.reverse()
    has_next = more if direction == "n" else True
    has_previous = more if direction == "p" else cursor is not None
    return FeedPage(
        next=encode_cursor("n", rows[-1].id) if rows and has_next else None,
        previous=encode_cursor("p", rows[0].id) if rows and has_previous else None,
        results=msgspec.convert(rows, list[ArticleOut], from_attributes=True),
    )


@get("/notes/{note_id:int}", guards=[requires_token], sync_to_thread=True)
def read_note(note_id: int, session: Session) -> NoteOut:
    note = session.get(Note, note_id)
    if note is None:
        raise NotFoundException("not found")
    return msgspec.convert(note, NoteOut, from_attributes=True)


def http_error(_: Request, exc: HTTPException) -> Response[Any]:
    return Response({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


def validation_error(_: Request, exc: ValidationException) -> Response[Any]:
    return Response({"detail": exc.extra}, status_code=422)


app = Litestar(
    route_handlers=[
        read_books,
        create_book,
        read_book,
        update_book,
        read_cached_book,
        read_articles,
        read_feed,
        read_note,
    ],
    dependencies={"session": Provide(provide_session)},
    exception_handlers={HTTPException: http_error, ValidationException: validation_error},
)
