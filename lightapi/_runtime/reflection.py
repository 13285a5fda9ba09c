"""Reading an existing table (§15): its columns as ``ColumnDecl``s for the compiler, and the
table itself, adopted into the app's MetaData with LightAPI's value handling (UTC timestamps,
decimals at their scale). Reflected tables are never created or altered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Time,
    Uuid,
    inspect,
)
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from lightapi._runtime.tables import FloatColumn, ScaledNumeric, UTCDateTime
from lightapi.spec.model import ColumnType, ForeignKeySpec
from lightapi.spec.reflection import ColumnDecl

# Checked in order: Float before Numeric (a Float is a Numeric), Boolean before Integer.
_TYPES: tuple[tuple[type[TypeEngine[Any]], ColumnType], ...] = (
    (Boolean, ColumnType.BOOLEAN),
    (Float, ColumnType.FLOAT),
    (Numeric, ColumnType.DECIMAL),
    (Integer, ColumnType.INTEGER),
    (String, ColumnType.STRING),
    (DateTime, ColumnType.DATETIME),
    (Date, ColumnType.DATE),
    (Time, ColumnType.TIME),
    (Uuid, ColumnType.UUID),
    (JSON, ColumnType.JSON),
)


def _column_type(kind: TypeEngine[Any]) -> ColumnType | None:
    return next((column_type for base, column_type in _TYPES if isinstance(kind, base)), None)


def _autoincrement(column: Any, dialect: str) -> bool:
    """A key the database numbers itself: a serial or identity, or SQLite's INTEGER PRIMARY KEY."""
    if not column.primary_key:
        return False
    if column.server_default is not None or column.identity is not None:
        return True
    return dialect == "sqlite" and isinstance(column.type, Integer)


def _type_name(kind: TypeEngine[Any]) -> str:
    try:
        return str(kind)
    except Exception:  # a dialect-specific type without a generic rendering
        return type(kind).__name__.upper()


def _declaration(column: Any, dialect: str) -> ColumnDecl:
    kind = column.type
    column_type = _column_type(kind)
    foreign = next(iter(column.foreign_keys), None)
    return ColumnDecl(
        name=str(column.name),
        type_name=_type_name(kind),
        column_type=column_type,
        nullable=bool(column.nullable),
        has_default=column.server_default is not None,
        primary_key=bool(column.primary_key),
        autoincrement=_autoincrement(column, dialect),
        max_length=getattr(kind, "length", None) if column_type is ColumnType.STRING else None,
        max_digits=getattr(kind, "precision", None) if column_type is ColumnType.DECIMAL else None,
        decimal_places=getattr(kind, "scale", None) if column_type is ColumnType.DECIMAL else None,
        foreign_key=ForeignKeySpec(table=foreign.column.table.name, column=foreign.column.name)
        if foreign is not None
        else None,
    )


def read_table(connection: Connection, name: str) -> Table | None:
    """The table as the database has it, or None when it does not exist (LA601)."""
    if not inspect(connection).has_table(name):
        return None
    return Table(name, MetaData(), autoload_with=connection)


def describe(table: Table, dialect: str) -> tuple[ColumnDecl, ...]:
    return tuple(_declaration(column, dialect) for column in table.columns)


def adopt(table: Table, metadata: MetaData) -> Table:
    """A copy of ``table`` in the app's MetaData, with LightAPI's value types."""
    own = table.to_metadata(metadata)
    for column in own.columns:
        kind = column.type
        if isinstance(kind, DateTime):
            column.type = UTCDateTime()
        elif isinstance(kind, Float):
            column.type = FloatColumn()
        elif isinstance(kind, Numeric) and kind.scale is not None:
            column.type = ScaledNumeric(kind.precision, kind.scale)
    return own
