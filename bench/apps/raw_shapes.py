"""What the baseline reads and writes on the wire: msgspec structs out, pydantic models in.

Rows are encoded straight to JSON bytes by msgspec (aware UTC datetimes come out with ``Z``);
bodies are validated from bytes by pydantic (``model_validate_json``) with the constraints of
the LightAPI declarations and ``extra="forbid"``.
"""

from __future__ import annotations

import datetime
from typing import Any, Final

import msgspec
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError
from starlette.responses import Response

JSON: Final = "application/json"
NOT_FOUND: Final = b'{"detail":"not found"}'
CONFLICT: Final = b'{"detail":"version conflict"}'
BAD_JSON: Final = b'{"detail":"Invalid JSON body"}'
ID, VERSION = 3, 6  # positions of id and version in a book row (raw_sql.BOOK_COLUMNS)

encode = msgspec.json.Encoder().encode


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


class CursorPage(msgspec.Struct):
    next: str | None
    previous: str | None
    results: list[Article]


class Note(msgspec.Struct):
    title: str
    text: str
    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int


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


def json_response(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(body, status_code=status, headers=headers, media_type=JSON)


def invalid(error: ValidationError) -> Response:
    """400 for bytes that are not JSON, 422 with pydantic's errors otherwise."""
    if any(item["type"] == "json_invalid" for item in error.errors(include_url=False)):
        return json_response(BAD_JSON, 400)
    return json_response(b'{"detail":' + error.json(include_url=False).encode() + b"}", 422)


def etag(row: Any, id_at: int, version_at: int) -> str:
    return f'"{row[id_at]}-{row[version_at]}"'


def etag_hit(header: str, tag: str) -> bool:
    """If-None-Match uses weak comparison; ``*`` matches any current row."""
    if header.strip() == "*":
        return True
    return any(item.strip().removeprefix("W/") == tag for item in header.split(","))
