"""Specs -> SQLAlchemy ``Table``s in an app's own MetaData, and the imperative class mapping."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Time,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry as orm_registry
from sqlalchemy.types import JSON, TypeDecorator, TypeEngine
from typing_extensions import assert_never

from lightapi.spec.model import MISSING, ColumnType, EndpointSpec, FieldOrigin, FieldSpec

UTC = datetime.timezone.utc


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime.datetime]):
    """Timestamps stored and read as UTC (R2.6): naive input is UTC, aware input is converted,
    and values read from databases that drop the zone (SQLite) are marked UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ScaledNumeric(TypeDecorator[decimal.Decimal]):
    """Decimals kept at the column's scale on every dialect (R2.6: ``"1.50"``).

    SQLAlchemy writes a scale into the DDL only together with a precision, so without
    ``max_digits`` PostgreSQL would keep whatever scale a value arrived with while SQLite
    answers at the declared one; quantizing on the way in and out makes both say the same.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int | None, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.quantum = decimal.Decimal(1).scaleb(-scale)

    def _quantized(self, value: Any) -> decimal.Decimal | None:
        if value is None:
            return None
        return decimal.Decimal(value).quantize(self.quantum)

    def process_bind_param(self, value: Any, dialect: Dialect) -> decimal.Decimal | None:
        return self._quantized(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> decimal.Decimal | None:
        return self._quantized(value)


class FloatColumn(TypeDecorator[float]):
    """Floats read back as floats: SQLite's RETURNING echoes an int that was bound as one."""

    impl = Float
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> float | None:
        return None if value is None else float(value)


def column_type(spec: FieldSpec) -> TypeEngine[Any]:
    kind = spec.column_type
    constraints = spec.constraints
    match kind:
        case ColumnType.STRING:
            return String(constraints.max_length)
        case ColumnType.INTEGER:
            return Integer()
        case ColumnType.FLOAT:
            return FloatColumn()
        case ColumnType.BOOLEAN:
            return Boolean()
        case ColumnType.DATETIME:
            return UTCDateTime()
        case ColumnType.DATE:
            return Date()
        case ColumnType.DECIMAL:
            places = constraints.decimal_places
            return ScaledNumeric(constraints.max_digits, places if places is not None else 10)
        case ColumnType.UUID:
            return Uuid()
        case ColumnType.TIME:
            return Time()
        case ColumnType.JSON:
            return JSON()
        case _:
            assert_never(kind)


def _python_default(spec: FieldSpec) -> Any:
    if spec.default_factory is not None:
        factory: Callable[[], Any] = spec.default_factory
        # A wrapper, because SQLAlchemy would pass a context to a one-argument factory.
        return lambda: factory()  # noqa: PLW0108
    if spec.default is not MISSING:
        return spec.default
    return None


def _column(spec: FieldSpec) -> Column[Any]:
    arguments: list[Any] = [spec.name, column_type(spec)]
    if spec.foreign_key is not None:
        arguments.append(ForeignKey(str(spec.foreign_key)))
    if spec.origin is FieldOrigin.AUTOMATIC:
        if spec.primary_key:
            return Column(*arguments, primary_key=True, autoincrement=True)
        if spec.name == "version":
            return Column(*arguments, nullable=False, default=1)
        # Defaults for rows written outside the API (ORM sessions, Core inserts); the API
        # itself sets both timestamps explicitly (R2.12).
        onupdate = utc_now if spec.name == "updated_at" else None
        return Column(*arguments, nullable=False, default=utc_now, onupdate=onupdate)
    return Column(
        *arguments,
        nullable=spec.nullable,
        unique=spec.unique or None,
        index=spec.index or None,
        default=_python_default(spec),
    )


def build_table(spec: EndpointSpec, metadata: MetaData) -> Table:
    """The endpoint's table: automatic columns first, then the user fields (R2.12)."""
    automatic = [field for field in spec.fields if field.origin is FieldOrigin.AUTOMATIC]
    declared = [field for field in spec.fields if field.origin is not FieldOrigin.AUTOMATIC]
    return Table(spec.table, metadata, *(_column(field) for field in (*automatic, *declared)))


def map_class(cls: type, table: Table) -> None:
    """Map ``cls`` to ``table`` (R2.25), replacing the mapping of an app that registered it before.

    Each mapping gets its own registry so that one class can be re-mapped without touching the
    mappings of other classes.
    """
    previous: orm_registry | None = cls.__dict__.get("_lightapi_registry")
    if previous is not None:
        previous.dispose()
    mapping = orm_registry(metadata=table.metadata)
    mapping.map_imperatively(cls, table)
    cls._lightapi_registry = mapping  # type: ignore[attr-defined]
    cls._model_class = cls  # type: ignore[attr-defined]
