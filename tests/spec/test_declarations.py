"""What a valid declaration compiles to: table names (R2.14), requiredness and defaults (R2.10,
R2.11), fields over the MRO (R2.2, R2.3), ``from __future__ import annotations``, plain
``pydantic.Field`` (R2.8), and frozen specs that compare with ``==`` (R3.3)."""

import dataclasses
import datetime
import decimal
import uuid
import warnings
from typing import ClassVar, Optional, Union

import pydantic
import pytest
from sqlalchemy import create_engine

import lightapi
from lightapi import Field, LightApi, RestEndpoint
from lightapi.spec import (
    MISSING,
    ColumnType,
    Constraints,
    EndpointSpec,
    FieldOrigin,
    FieldSpec,
    ForeignKeySpec,
)
from tests.spec import future_endpoints
from tests.spec.support import at


def here(marker: str) -> lightapi.spec.SourceLocation:
    return at(__file__, marker)


def declared(name: str, marker: str, column_type: ColumnType, **values: object) -> FieldSpec:
    """A declared field as the compiler should resolve it; unset attributes keep their defaults
    except ``python_type``, spelled like the annotation."""
    values.setdefault("python_type", column_type.value)
    values.setdefault("nullable", False)
    values.setdefault("required_on_create", True)
    return FieldSpec(name=name, column_type=column_type, location=here(marker), **values)


# -- table names (R2.14) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("class_name", "table"),
    [
        ("BookEndpoint", "books"),
        ("BlogPostEndpoint", "blog_posts"),
        ("APIKeyEndpoint", "api_keys"),
        ("Category", "categorys"),
        ("_AsyncItem", "async_items"),
        ("Endpoint", "endpoints"),
        ("HTTPRequestLog2Endpoint", "http_request_log2s"),
        ("Version2Item", "version2_items"),
    ],
)
def test_table_name_is_derived_from_the_class_name(class_name: str, table: str) -> None:
    endpoint = type(class_name, (RestEndpoint,), {"__annotations__": {"title": str}})
    assert lightapi.inspect(endpoint).table == table


def test_meta_table_and_table_name_are_aliases() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

        class Meta:
            table = "legacy_books"

    class NoteEndpoint(RestEndpoint):
        title: str

        class Meta:
            table_name = "legacy_notes"

    class ArticleEndpoint(RestEndpoint):
        title: str

        class Meta:
            table = "legacy_articles"
            table_name = "legacy_articles"

    assert lightapi.inspect(BookEndpoint).table == "legacy_books"
    assert lightapi.inspect(NoteEndpoint).table == "legacy_notes"
    assert lightapi.inspect(ArticleEndpoint).table == "legacy_articles"
    assert lightapi.diagnose(ArticleEndpoint) == ()


def test_a_subclass_of_an_endpoint_is_an_independent_endpoint() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

    class EBookEndpoint(BookEndpoint):
        url: str

    assert lightapi.inspect(EBookEndpoint).table == "e_books"
    assert lightapi.inspect(EBookEndpoint).field_names[:2] == ("title", "url")
    assert lightapi.inspect(BookEndpoint).field_names[:2] == ("title", "id")


# -- requiredness and defaults (R2.10, R2.11) ----------------------------------------------------


def make_tags() -> str:
    return "new"


class LibraryEndpoint(RestEndpoint):
    title: str  # title
    subtitle: str = Field(min_length=1)  # subtitle
    count: int = 5  # count
    copies: int = Field(default=5)  # copies
    year: Optional[int] = None  # noqa: UP045  # year
    edition: Optional[int] = Field(default=None)  # noqa: UP045  # edition
    note: Optional[str]  # noqa: UP045  # note
    tags: str = Field(default_factory=make_tags)  # tags


LIBRARY_FIELDS = (
    declared("title", "title", ColumnType.STRING),
    declared("subtitle", "subtitle", ColumnType.STRING, constraints=Constraints(min_length=1)),
    declared("count", "count", ColumnType.INTEGER, required_on_create=False, default=5),
    declared("copies", "copies", ColumnType.INTEGER, required_on_create=False, default=5),
    declared("year", "year", ColumnType.INTEGER, python_type="Optional[int]", nullable=True,
             required_on_create=False, default=None),
    declared("edition", "edition", ColumnType.INTEGER, python_type="Optional[int]",
             nullable=True, required_on_create=False, default=None),
    declared("note", "note", ColumnType.STRING, python_type="Optional[str]", nullable=True),
    declared("tags", "tags", ColumnType.STRING, required_on_create=False,
             default_factory=make_tags),
)


def test_each_declaration_form_of_the_r2_10_table() -> None:
    spec = lightapi.inspect(LibraryEndpoint)
    assert spec.fields[: len(LIBRARY_FIELDS)] == LIBRARY_FIELDS
    assert spec.field("note").default is MISSING
    assert spec.field("tags").default is MISSING
    assert not spec.field("tags").required_on_create
    assert spec.field("count").has_default and not spec.field("title").has_default


def test_defaults_become_column_defaults() -> None:
    app = LightApi(engine=create_engine("sqlite://"))
    app.register({"/library": LibraryEndpoint})
    columns = app.metadata.tables["librarys"].c
    assert not columns.title.nullable and columns.title.default is None
    assert columns.count.default.arg == 5 and not columns.count.nullable
    assert columns.copies.default.arg == 5
    assert columns.year.nullable and columns.note.nullable
    assert columns.tags.default.is_callable and not columns.tags.nullable


def test_plain_class_defaults_are_moved_out_of_the_class() -> None:
    """R2.4: they would otherwise shadow the instrumented columns."""

    class ShelfEndpoint(RestEndpoint):
        rows: int = 4
        label: str = Field(default="A")

    assert "rows" not in vars(ShelfEndpoint)
    assert "label" not in vars(ShelfEndpoint)
    assert lightapi.inspect(ShelfEndpoint).field("rows").default == 4


def test_automatic_columns_follow_the_user_fields() -> None:
    spec = lightapi.inspect(LibraryEndpoint)
    automatic = spec.fields[len(LIBRARY_FIELDS):]
    assert [field.name for field in automatic] == ["id", "created_at", "updated_at", "version"]
    assert all(field.origin is FieldOrigin.AUTOMATIC and field.read_only for field in automatic)
    assert [field.column_type for field in automatic] == [
        ColumnType.INTEGER, ColumnType.DATETIME, ColumnType.DATETIME, ColumnType.INTEGER,
    ]
    assert spec.primary_key.name == "id"


@pytest.mark.parametrize(
    ("annotation", "column_type", "python_type", "nullable"),
    [
        (str, ColumnType.STRING, "str", False),
        (int, ColumnType.INTEGER, "int", False),
        (float, ColumnType.FLOAT, "float", False),
        (bool, ColumnType.BOOLEAN, "bool", False),
        (datetime.datetime, ColumnType.DATETIME, "datetime", False),
        (datetime.date, ColumnType.DATE, "date", False),
        (decimal.Decimal, ColumnType.DECIMAL, "Decimal", False),
        (uuid.UUID, ColumnType.UUID, "UUID", False),
        (Optional[int], ColumnType.INTEGER, "Optional[int]", True),  # noqa: UP045
        (Union[int, None], ColumnType.INTEGER, "Optional[int]", True),  # noqa: UP007
        (int | None, ColumnType.INTEGER, "Optional[int]", True),
        (None | datetime.date, ColumnType.DATE, "Optional[date]", True),
    ],
)
def test_type_table(annotation, column_type: ColumnType, python_type: str, nullable: bool) -> None:
    class ValueEndpoint(RestEndpoint):
        value: annotation

    field = lightapi.inspect(ValueEndpoint).field("value")
    assert (field.column_type, field.python_type, field.nullable) == (
        column_type, python_type, nullable,
    )


def test_from_future_import_annotations_works() -> None:
    spec = lightapi.inspect(future_endpoints.declare_resolvable())

    def there(marker: str) -> lightapi.spec.SourceLocation:
        return at(future_endpoints.__file__, marker)

    assert spec.fields[:4] == (
        FieldSpec(name="title", column_type=ColumnType.STRING, python_type="str",
                  nullable=False, required_on_create=True,
                  constraints=Constraints(min_length=1), location=there("future-title")),
        FieldSpec(name="amount", column_type=ColumnType.DECIMAL, python_type="Decimal",
                  nullable=False, required_on_create=True,
                  constraints=Constraints(max_digits=8, decimal_places=2),
                  location=there("future-amount")),
        FieldSpec(name="booked", column_type=ColumnType.DATE, python_type="Optional[date]",
                  nullable=True, required_on_create=False, default=None,
                  location=there("future-booked")),
        FieldSpec(name="note", column_type=ColumnType.STRING, python_type="Optional[str]",
                  nullable=True, required_on_create=True, location=there("future-note")),
    )


# -- fields over the MRO (R2.2, R2.3) ------------------------------------------------------------


class AuditedBase(RestEndpoint):
    _base_only = True

    title: str  # base-title
    note: Optional[str] = None  # noqa: UP045  # base-note
    _secret: str = "not a field"
    kind: ClassVar[str] = "not a field either"


class AuditedBookEndpoint(AuditedBase):
    pages: int = 0  # own-pages
    title: str = Field(min_length=1, max_length=80)  # redeclared-title


def test_fields_are_inherited_from_abstract_bases_and_redeclarations_replace_in_place() -> None:
    spec = lightapi.inspect(AuditedBookEndpoint)
    assert spec.field_names == (
        "title", "note", "pages", "id", "created_at", "updated_at", "version",
    )
    assert spec.fields[:3] == (
        declared("title", "redeclared-title", ColumnType.STRING,
                 constraints=Constraints(min_length=1, max_length=80)),
        declared("note", "base-note", ColumnType.STRING, python_type="Optional[str]",
                 nullable=True, required_on_create=False, default=None),
        declared("pages", "own-pages", ColumnType.INTEGER, required_on_create=False, default=0),
    )
    assert spec.table == "audited_books"


def test_an_abstract_base_is_not_compiled_and_its_subclasses_are_concrete() -> None:
    assert AuditedBase.__lightapi_spec__ is None
    with pytest.raises(TypeError):
        lightapi.inspect(AuditedBase)
    assert "_base_only" not in vars(AuditedBookEndpoint)
    assert isinstance(lightapi.inspect(AuditedBookEndpoint), EndpointSpec)


def test_plain_mixins_contribute_fields_in_mro_order() -> None:
    class Named:
        name: str

    class PersonEndpoint(RestEndpoint, Named):
        age: int

    assert lightapi.inspect(PersonEndpoint).field_names[:2] == ("name", "age")


# -- plain pydantic.Field (R2.8) -----------------------------------------------------------------


def test_a_plain_pydantic_field_behaves_like_lightapi_field() -> None:
    with warnings.catch_warnings():
        # pydantic deprecates extra keywords (our column options) but still records them.
        warnings.simplefilter("ignore", DeprecationWarning)

        class PydanticEndpoint(RestEndpoint):
            title: str = pydantic.Field(min_length=1, max_length=20, description="Title")
            count: int = pydantic.Field(default=5, ge=0, examples=[1])
            ref: int = pydantic.Field(foreign_key="pydantics.id", unique=True, index=True)
            price: decimal.Decimal = pydantic.Field(max_digits=6, decimal_places=2)
            scratch: str = pydantic.Field(default="", exclude=True)

    class LightEndpoint(RestEndpoint):
        title: str = Field(min_length=1, max_length=20, description="Title")
        count: int = Field(default=5, ge=0, examples=[1])
        ref: int = Field(foreign_key="pydantics.id", unique=True, index=True)
        price: decimal.Decimal = Field(max_digits=6, decimal_places=2)
        scratch: str = Field(default="", exclude=True)

    plain, light = lightapi.inspect(PydanticEndpoint), lightapi.inspect(LightEndpoint)
    assert plain.excluded == light.excluded == ("scratch",)
    assert _without_locations(plain.fields) == _without_locations(light.fields)
    assert light.field("ref").foreign_key == ForeignKeySpec(table="pydantics", column="id")
    assert light.field("ref").unique and light.field("ref").index


def test_plain_pydantic_field_problems_are_the_same_diagnostics() -> None:
    def declare() -> None:
        class AliasEndpoint(RestEndpoint):
            title: str = pydantic.Field(alias="name")  # pydantic-alias
            hits: int = pydantic.Field(max_length=3)  # pydantic-max-length

    with lightapi.collect_diagnostics() as found:
        declare()
    assert [(item.code, item.subject, item.location) for item in found] == [
        ("LA014", "AliasEndpoint.title", here("pydantic-alias")),
        ("LA005", "AliasEndpoint.hits", here("pydantic-max-length")),
    ]


def _without_locations(fields: tuple[FieldSpec, ...]) -> tuple[FieldSpec, ...]:
    return tuple(dataclasses.replace(field, location=here("title")) for field in fields)


# -- frozen specs compared with == (R3.3) --------------------------------------------------------


def declare_shelf() -> type[RestEndpoint]:
    """Called by several tests: each call is a new class with the very same declaration."""

    class ShelfEndpoint(RestEndpoint):
        label: str = Field(min_length=1, max_length=40)  # shelf-label
        rows: int = 4  # shelf-rows

    return ShelfEndpoint


SHELF_FIELDS = (
    declared("label", "shelf-label", ColumnType.STRING,
             constraints=Constraints(min_length=1, max_length=40)),
    declared("rows", "shelf-rows", ColumnType.INTEGER, required_on_create=False, default=4),
)


def test_identical_declarations_compile_to_equal_fields() -> None:
    assert lightapi.inspect(declare_shelf()).fields[:2] == SHELF_FIELDS


def test_identical_declarations_compile_to_equal_fields_in_another_test() -> None:
    first, second = declare_shelf(), declare_shelf()
    assert first is not second
    assert lightapi.inspect(first) == lightapi.inspect(second)
    assert lightapi.inspect(second).fields[:2] == SHELF_FIELDS


def test_the_same_declaration_elsewhere_differs_only_by_location() -> None:
    class ShelfEndpoint(RestEndpoint):
        label: str = Field(min_length=1, max_length=40)
        rows: int = 4

    fields = lightapi.inspect(ShelfEndpoint).fields[:2]
    assert fields != SHELF_FIELDS
    assert _without_locations(fields) == _without_locations(SHELF_FIELDS)


def test_specs_are_frozen() -> None:
    spec = lightapi.inspect(declare_shelf())
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.table = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.fields[0].nullable = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.serializer.read = ()  # type: ignore[misc]
    assert isinstance(spec.fields, tuple)
    assert isinstance(spec.methods, frozenset)
    assert isinstance(spec.serializer.read, tuple)
    with pytest.raises(TypeError):
        spec.fields[0].schema_options["title"] = "x"  # type: ignore[index]


def test_quoted_annotations_under_future_import_resolve() -> None:
    spec = lightapi.inspect(future_endpoints.declare_quoted())
    assert [(field.name, field.python_type) for field in spec.fields[:2]] == [
        ("title", "str"),
        ("year", "Optional[int]"),
    ]
