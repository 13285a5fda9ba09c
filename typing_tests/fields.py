"""R18.3 without the plugin: fields and automatic columns are typed on instances, and
``Field()`` is typed as the value of its annotation."""

import datetime
import uuid
from decimal import Decimal

from typing_extensions import assert_type

from lightapi import Field, HttpMethod, RestEndpoint


class BookEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
    title: str = Field(min_length=1)
    code: str = Field(..., max_length=8)
    year: int | None = Field(default=None, ge=0)
    price: Decimal = Field(default=Decimal("0.00"), decimal_places=2)
    rating: float = Field(default=0, le=5)
    slug: str = Field(default_factory=str)
    key: uuid.UUID = Field(default_factory=uuid.uuid4, unique=True)
    # pyright cannot infer a bare generic class as a factory (list[Unknown]); naming the item
    # type, as in `tags`, satisfies both checkers.
    scratch: list[str] = Field(default_factory=list, exclude=True)  # pyright: ignore[reportUnknownVariableType]
    tags: list[str] = Field(default_factory=list[str], exclude=True)
    pages: int = 0
    published: datetime.date | None = None


def read(book: BookEndpoint) -> None:
    # The automatic columns (R2.12) and every field, as annotated.
    assert_type(book.id, int)
    assert_type(book.created_at, datetime.datetime)
    assert_type(book.updated_at, datetime.datetime)
    assert_type(book.version, int)
    assert_type(book.title, str)
    assert_type(book.year, int | None)
    assert_type(book.price, Decimal)
    assert_type(book.key, uuid.UUID)
    assert_type(book.scratch, list[str])
    assert_type(book.tags, list[str])
    assert_type(book.published, datetime.date | None)
    # The request the app sets on the instance a hook runs on (R2.21).
    assert_type(book.request.method, str)


def write(book: BookEndpoint) -> None:
    book.title = "Dune"
    book.year = None
    book.title = None  # E: Incompatible types in assignment (expression has type "None", variable has type "str")  [assignment]
    book.version = "2"  # E: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]
    book.created_at = datetime.date(2024, 1, 1)  # E: Incompatible types in assignment (expression has type "date", variable has type "datetime")  [assignment]


class WrongDefaultEndpoint(RestEndpoint):
    # A default or a factory must produce the annotated type; the plugin adds LA009 where the
    # default is a literal (R18.2).
    count: int = Field(default="a")  # E: Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment] # E: default 'a' of 'count' is not a valid int  [lightapi] # N: fix the default or the annotation  [lightapi]
    label: str = Field(0, max_length=3)  # E: Incompatible types in assignment (expression has type "int", variable has type "str")  [assignment] # E: default 0 of 'label' is not a valid str  [lightapi] # N: fix the default or the annotation  [lightapi]
    when: datetime.datetime = Field(default=datetime.date(2024, 1, 1))  # E: Incompatible types in assignment (expression has type "date", variable has type "datetime")  [assignment] # E: of 'when' is not a valid datetime  [lightapi] # N: fix the default or the annotation  [lightapi]
    name: str = Field(default_factory=int)  # E: Incompatible types in assignment (expression has type "int", variable has type "str")  [assignment]
