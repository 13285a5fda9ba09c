"""The PATCH body schema derived from the create model's equals the update model's own JSON
Schema (issue #12: deriving it saves generating 200 schemas at start-up; R17.3 still holds)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import importlib
import uuid
from typing import Optional

import pytest

from lightapi import Field, RestEndpoint
from lightapi._runtime.models import build_models, models_for
from lightapi.openapi.schemas import _model_schema, partial_schema
from lightapi.spec.model import ColumnType, FieldSpec


class EveryKindEndpoint(RestEndpoint):
    """Each column type, required, defaulted, nullable, constrained and described."""

    title: str = Field(min_length=1, max_length=80, description="Shown first")
    code: str = Field(pattern=r"^[A-Z]{3}$", examples=["ABC"], title="Code")
    note: Optional[str] = None
    summary: Optional[str] = Field(default="n/a", max_length=200)
    views: int = Field(default=0, ge=0, le=10**6)
    rank: Optional[int] = Field(default=None, gt=0, multiple_of=5)
    ratio: float = Field(default=0.5, ge=0, lt=1)
    score: Optional[float] = None
    price: decimal.Decimal = Field(max_digits=8, decimal_places=2)
    discount: Optional[decimal.Decimal] = Field(default=None, decimal_places=1)
    active: bool = True
    flagged: Optional[bool] = None
    due: datetime.date = Field(default_factory=datetime.date.today)
    published_at: Optional[datetime.datetime] = None
    edited_at: datetime.datetime = Field(default_factory=lambda: datetime.datetime(2024, 1, 1))
    ref: uuid.UUID = Field(default_factory=uuid.uuid4)
    alt: Optional[uuid.UUID] = None


def endpoints_of(module_name: str) -> list[type]:
    module = importlib.import_module(module_name)
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, RestEndpoint)
        and value.__lightapi_spec__ is not None
        and not any(item.is_error for item in value.__lightapi_diagnostics__)
        and not any("json_schema_extra" in f.schema_options for f in value.__lightapi_spec__.fields)
    ]


CORPUS = [
    EveryKindEndpoint,
    *endpoints_of("tests.http.querying_models"),
    *endpoints_of("examples.books"),
    *endpoints_of("examples.hooks"),
]


def reflected_only_spec():
    """TIME and JSON columns exist only on reflected tables (R2.5): a spec with both kinds,
    required, defaulted and nullable, as reflection compiles them."""
    spec = EveryKindEndpoint.__lightapi_spec__
    defaults = {ColumnType.TIME: datetime.time(9, 0), ColumnType.JSON: {"a": 1}}
    extra = []
    for kind in (ColumnType.TIME, ColumnType.JSON):
        name = kind.value.lower()
        extra += [
            FieldSpec(name=f"{name}_required", column_type=kind, python_type="Any",
                      nullable=False, required_on_create=True),
            FieldSpec(name=f"{name}_defaulted", column_type=kind, python_type="Any",
                      nullable=False, required_on_create=False, default=defaults[kind]),
            FieldSpec(name=f"{name}_nullable", column_type=kind, python_type="Any",
                      nullable=True, required_on_create=False, default=None),
        ]
    return dataclasses.replace(spec, name="Reflected", fields=(*spec.fields, *extra))


def assert_derived_equals_own(create, update, name):
    derived = partial_schema(_model_schema(create, "validation"), name)
    own = _model_schema(update, "validation")
    assert derived == own
    assert list(derived) == list(own)  # key order too
    for key, field in derived["properties"].items():
        assert list(field) == list(own["properties"][key])


@pytest.mark.parametrize("endpoint", CORPUS, ids=lambda cls: cls.__name__)
def test_the_derived_update_schema_is_the_update_model_s_own(endpoint):
    models = models_for(endpoint)
    assert_derived_equals_own(models.create, models.update, f"{endpoint.__name__}Update")


def test_reflected_only_column_types_too():
    models = build_models(reflected_only_spec())
    assert_derived_equals_own(models.create, models.update, "ReflectedUpdate")


def test_the_corpus_covers_every_column_type():
    declared = {field.column_type for cls in CORPUS for field in cls.__lightapi_spec__.fields}
    reflected = {field.column_type for field in reflected_only_spec().fields}
    assert declared == set(ColumnType) - {ColumnType.TIME, ColumnType.JSON}
    assert reflected == set(ColumnType)
