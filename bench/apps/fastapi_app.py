"""The FastAPI peer: the LightAPI app's API by hand with FastAPI and SQLModel.

It is written the way FastAPI's and SQLModel's tutorials teach, neither slowed down nor tuned, so
that the benchmark compares LightAPI with what a FastAPI user would actually deploy:

- SQLModel table models mapped onto the tables the harness creates (``__tablename__``), and
  separate create, update and public models (``BookCreate``, ``BookUpdate``, ``BookPublic``)
  used as request bodies and ``response_model``s;
- sync ``def`` path operations (FastAPI runs them in its threadpool) on a sync engine from
  ``BENCH_DB_URL``, with a ``Session`` per request from a ``yield`` dependency;
- ``HTTPException`` for 404/409/401/400 with LightAPI's ``detail`` texts; validation errors are
  FastAPI's own 422s;
- ``commit()`` then ``refresh()`` after writes, as the SQLModel tutorial does;
- PATCH as a compare-and-swap: SQLModel's tutorial reads, changes and commits the row, which
  loses concurrent updates, so the optimistic lock is SQLAlchemy's ORM ``UPDATE ... WHERE id AND
  version RETURNING``, then a ``get`` to tell 404 from 409;
- the JWT check as a dependency on ``HTTPBearer`` and PyJWT, as in FastAPI's security tutorial;
- ``/articles`` parameters declared with ``Query`` (bounds, the ordering whitelist as a
  ``pattern``), and ``/feed`` keyset pages whose cursor is base64 of the last id, signed with an
  HMAC keyed by the JWT secret (LightAPI's tokens are signed the same way).
"""

import base64
import datetime
import hashlib
import hmac
import math
import os
from collections.abc import Iterator
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ConfigDict, StrictInt
from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, create_engine, func, select

from bench.apps import JWT_SECRET_ENV, database_url

JWT_SECRET = os.environ[JWT_SECRET_ENV]
PAGE_SIZE = 20
FEED_PAGE_SIZE = 20
ORDERING_PATTERN = r"^-?(views|title)(,-?(views|title))*$"


class Automatic(SQLModel):
    """The automatic columns every LightAPI table has, as they are stored."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int = 1


class BookBase(SQLModel):
    title: str = Field(min_length=1)
    author: str = Field(min_length=1)
    year: int | None = None


class Book(BookBase, Automatic, table=True):
    __tablename__ = "books"


class CachedBook(BookBase, Automatic, table=True):
    __tablename__ = "cached_books"


class BookCreate(BookBase):
    model_config = ConfigDict(extra="forbid")


class BookUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    # Left out: not in model_dump(exclude_unset=True); but null is a 422, as for NOT NULL columns.
    title: str = Field(default=None, min_length=1)
    author: str = Field(default=None, min_length=1)
    year: int | None = None
    version: StrictInt


class BookPublic(BookBase):
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class BookList(SQLModel):
    results: list[BookPublic]


class ArticleBase(SQLModel):
    title: str = Field(min_length=1)
    views: int = 0
    status: str = "draft"


class Article(ArticleBase, Automatic, table=True):
    __tablename__ = "articles"


class Feed(ArticleBase, Automatic, table=True):
    __tablename__ = "feed"


class ArticlePublic(ArticleBase):
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


class ArticlePage(SQLModel):
    count: int
    pages: int
    next: str | None
    previous: str | None
    results: list[ArticlePublic]


class FeedPage(SQLModel):
    next: str | None
    previous: str | None
    results: list[ArticlePublic]


class NoteBase(SQLModel):
    title: str = Field(min_length=1)
    text: str = ""


class Note(NoteBase, Automatic, table=True):
    __tablename__ = "notes"


class NotePublic(NoteBase):
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


engine = create_engine(database_url())


def get_session() -> Iterator[Session]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
bearer = HTTPBearer(auto_error=False)


def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> dict[str, Any]:
    if credentials is None:
        raise HTTPException(
            status_code=401,
            detail="Authentication required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return jwt.decode(credentials.credentials, JWT_SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        raise HTTPException(
            status_code=401,
            detail="Authentication required",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None


def not_found() -> HTTPException:
    return HTTPException(status_code=404, detail="not found")


app = FastAPI()


@app.get("/books", response_model=BookList)
def read_books(session: SessionDep) -> Any:
    return {"results": session.exec(select(Book).order_by(Book.id)).all()}


@app.post("/books", response_model=BookPublic, status_code=201)
def create_book(book: BookCreate, session: SessionDep) -> Any:
    now = datetime.datetime.now(datetime.timezone.utc)
    db_book = Book.model_validate(book, update={"created_at": now, "updated_at": now})
    session.add(db_book)
    session.commit()
    session.refresh(db_book)
    return db_book


@app.get("/books/{book_id}", response_model=BookPublic)
def read_book(book_id: int, session: SessionDep) -> Any:
    book = session.get(Book, book_id)
    if book is None:
        raise not_found()
    return book


@app.patch("/books/{book_id}", response_model=BookPublic)
def update_book(book_id: int, book: BookUpdate, session: SessionDep) -> Any:
    changes = book.model_dump(exclude_unset=True)
    version = changes.pop("version")
    statement = (
        update(Book)
        .where(Book.id == book_id, Book.version == version)
        .values(
            **changes,
            version=Book.version + 1,
            updated_at=datetime.datetime.now(datetime.timezone.utc),
        )
        .returning(Book)
    )
    db_book = session.scalars(statement).first()
    if db_book is None:
        if session.get(Book, book_id) is None:
            raise not_found()
        raise HTTPException(status_code=409, detail="version conflict")
    session.commit()
    session.refresh(db_book)
    return db_book


@app.get("/cached_books/{book_id}", response_model=BookPublic)
def read_cached_book(book_id: int, session: SessionDep) -> Any:
    book = session.get(CachedBook, book_id)
    if book is None:
        raise not_found()
    return book


@app.get("/articles", response_model=ArticlePage)
def read_articles(
    request: Request,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=10**9)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = PAGE_SIZE,
    views: int | None = None,
    views__gte: int | None = None,
    status: str | None = None,
    ordering: Annotated[str | None, Query(pattern=ORDERING_PATTERN)] = None,
) -> Any:
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
    count = session.exec(select(func.count()).select_from(Article).where(*filters)).one()
    pages = math.ceil(count / page_size)
    previous = min(page - 1, pages)
    return {
        "count": count,
        "pages": pages,
        "next": str(request.url.include_query_params(page=page + 1)) if page < pages else None,
        "previous": str(request.url.include_query_params(page=previous)) if previous else None,
        "results": session.exec(statement).all(),
    }


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
        raise HTTPException(status_code=400, detail="Invalid cursor")
    return payload[:1].decode(), int(payload[1:])


@app.get("/feed", response_model=FeedPage)
def read_feed(session: SessionDep, cursor: str | None = None) -> Any:
    direction, key = decode_cursor(cursor) if cursor is not None else ("n", 0)
    if direction == "n":
        statement = select(Feed).where(Feed.id > key).order_by(Feed.id)
    else:
        statement = select(Feed).where(Feed.id < key).order_by(Feed.id.desc())
    rows = list(session.exec(statement.limit(FEED_PAGE_SIZE + 1)).all())
    more = len(rows) > FEED_PAGE_SIZE
    rows = rows[:FEED_PAGE_SIZE]
    if direction == "p":
        rows.reverse()
    has_next = more if direction == "n" else True
    has_previous = more if direction == "p" else cursor is not None
    return {
        "next": encode_cursor("n", rows[-1].id) if rows and has_next else None,
        "previous": encode_cursor("p", rows[0].id) if rows and has_previous else None,
        "results": rows,
    }


@app.get("/notes/{note_id}", response_model=NotePublic, dependencies=[Depends(current_user)])
def read_note(note_id: int, session: SessionDep) -> Any:
    note = session.get(Note, note_id)
    if note is None:
        raise not_found()
    return note
