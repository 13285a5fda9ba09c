"""Specs -> pydantic models, built once per endpoint (R21.1).

Create, Replace and Update share every constraint (R5.18); Update makes each field optional
without allowing ``null`` where the column is NOT NULL. The automatic keys are accepted and
ignored (R5.14) by declaring them as excluded fields hidden from the JSON schema.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField
from pydantic.json_schema import SkipJsonSchema
from typing_extensions import assert_never

from lightapi.exceptions import SpecError
from lightapi.spec.model import (
    AUTOMATIC_COLUMNS,
    MISSING,
    ColumnType,
    EndpointSpec,
    FieldOrigin,
    FieldSpec,
)

UTC = datetime.timezone.utc
_FORBID = ConfigDict(extra="forbid")


OUT_OF_RANGE_IN_UTC = "datetime out of range in UTC"


def to_utc(value: datetime.datetime) -> datetime.datetime:
    """Naive datetimes are taken as UTC; aware ones are converted (R2.6). An offset that moves
    the value past year 1 or 9999 (``9999-12-31T23:59:59-01:00``) is a validation error."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(OUT_OF_RANGE_IN_UTC) from None


def python_type(spec: FieldSpec) -> Any:
    return column_python_type(spec.column_type, nullable=spec.nullable)


def column_python_type(kind: ColumnType, *, nullable: bool) -> Any:
    base: Any
    match kind:
        case ColumnType.STRING:
            base = str
        case ColumnType.INTEGER:
            base = int
        case ColumnType.FLOAT:
            base = float
        case ColumnType.BOOLEAN:
            base = bool
        case ColumnType.DATETIME:
            base = Annotated[datetime.datetime, AfterValidator(to_utc)]
        case ColumnType.DATE:
            base = datetime.date
        case ColumnType.DECIMAL:
            base = decimal.Decimal
        case ColumnType.UUID:
            base = uuid.UUID
        case ColumnType.TIME:
            base = datetime.time
        case ColumnType.JSON:
            base = Any
        case _:
            assert_never(kind)
    return Optional[base] if nullable else base  # noqa: UP045 (a runtime type object)


def _field_options(spec: FieldSpec) -> dict[str, Any]:
    options: dict[str, Any] = dict(spec.constraints.items())
    if spec.column_type is ColumnType.FLOAT:
        options["allow_inf_nan"] = False
    if spec.description is not None:
        options["description"] = spec.description
    options.update(spec.schema_options)
    return options


def _definition(spec: FieldSpec, *, partial: bool) -> tuple[Any, Any]:
    options = _field_options(spec)
    if partial:
        return python_type(spec), PydanticField(None, **options)
    if spec.default_factory is not None:
        return python_type(spec), PydanticField(default_factory=spec.default_factory, **options)
    if spec.default is not MISSING:
        return python_type(spec), PydanticField(spec.default, **options)
    if not spec.required_on_create:  # a reflected column the database fills in (R15.3)
        return python_type(spec), PydanticField(None, **options)
    return python_type(spec), PydanticField(**options)


# mypy sees SkipJsonSchema as a type alias, pydantic makes it subscriptable at runtime.
_IGNORED_KEY = (SkipJsonSchema[Any], PydanticField(None, exclude=True))  # type: ignore[misc]


def _input_model(spec: EndpointSpec, suffix: str, *, partial: bool) -> type[BaseModel]:
    definitions: dict[str, Any] = {
        field.name: _definition(field, partial=partial)
        for field in spec.fields
        if field.origin is not FieldOrigin.AUTOMATIC and not field.read_only
    }
    ignored = [name for name in AUTOMATIC_COLUMNS if name not in definitions]
    definitions.update(dict.fromkeys(ignored, _IGNORED_KEY))
    return create_model(f"{spec.name}{suffix}", __config__=_FORBID, **definitions)


def read_model(spec: EndpointSpec) -> type[BaseModel]:
    """Every column as responses carry it: only for 0.x code reading ``__schema_read__``
    (``SchemaFactory``, R1.1); the runtime encodes rows with msgspec and never builds it."""
    definitions = {field.name: (python_type(field), ...) for field in spec.fields}
    return create_model(f"{spec.name}Read", **definitions)  # type: ignore[call-overload, no-any-return]


@dataclass(frozen=True, slots=True)
class EndpointModels:
    """The body validators of one endpoint. PUT validates exactly like POST (R5.18; ``version``
    is read apart, R5.17), so ``replace`` is the create model itself: one model less to build
    per endpoint (R21.1). Responses need no model: msgspec encodes rows (R21.2)."""

    create: type[BaseModel]
    update: type[BaseModel]

    @property
    def replace(self) -> type[BaseModel]:
        return self.create


def build_models(spec: EndpointSpec) -> EndpointModels:
    return EndpointModels(
        create=_input_model(spec, "Create", partial=False),
        update=_input_model(spec, "Update", partial=True),
    )


def models_for(cls: type) -> EndpointModels:
    """The models of an endpoint class, built on first use and kept on the class."""
    cached: EndpointModels | None = cls.__dict__.get("_lightapi_models")
    if cached is not None:
        return cached
    spec = cls.__lightapi_spec__  # type: ignore[attr-defined]
    errors = tuple(item for item in cls.__lightapi_diagnostics__ if item.is_error)  # type: ignore[attr-defined]
    if spec is None or errors:
        raise SpecError(errors) if errors else TypeError(f"{cls!r} is not a concrete endpoint")
    models = build_models(spec)
    cls._lightapi_models = models  # type: ignore[attr-defined]
    return models
