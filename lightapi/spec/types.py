"""The annotation -> column type table (R2.6), shared by every front end.

Front ends describe an annotation as a ``TypeRef``: the runtime front end from Python objects
(``describe_annotation``), the mypy plugin from fully qualified names (``column_type_of``).
"""

from __future__ import annotations

import datetime
import decimal
import types
import typing
import uuid
from dataclasses import dataclass
from typing import Any, Final

from lightapi.spec.model import ColumnType

TYPE_TABLE: Final[dict[str, ColumnType]] = {
    "builtins.str": ColumnType.STRING,
    "builtins.int": ColumnType.INTEGER,
    "builtins.float": ColumnType.FLOAT,
    "builtins.bool": ColumnType.BOOLEAN,
    "datetime.datetime": ColumnType.DATETIME,
    "datetime.date": ColumnType.DATE,
    "decimal.Decimal": ColumnType.DECIMAL,
    "uuid.UUID": ColumnType.UUID,
}

PYTHON_TYPES: Final[dict[ColumnType, type]] = {
    ColumnType.STRING: str,
    ColumnType.INTEGER: int,
    ColumnType.FLOAT: float,
    ColumnType.BOOLEAN: bool,
    ColumnType.DATETIME: datetime.datetime,
    ColumnType.DATE: datetime.date,
    ColumnType.DECIMAL: decimal.Decimal,
    ColumnType.UUID: uuid.UUID,
    ColumnType.TIME: datetime.time,
    ColumnType.JSON: object,
}

STRING_CONSTRAINTS: Final = frozenset({"min_length", "max_length", "pattern"})
ORDER_CONSTRAINTS: Final = frozenset({"gt", "ge", "lt", "le", "multiple_of"})
DECIMAL_CONSTRAINTS: Final = frozenset({"max_digits", "decimal_places"})
UNORDERED_TYPES: Final = frozenset({ColumnType.STRING, ColumnType.BOOLEAN, ColumnType.UUID})


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRef:
    """A declared annotation: its column type (None when outside the table) and nullability."""

    column_type: ColumnType | None
    nullable: bool
    display: str


def column_type_of(fullname: str) -> ColumnType | None:
    return TYPE_TABLE.get(fullname)


def type_display(column_type: ColumnType, nullable: bool) -> str:
    return f"Optional[{column_type.value}]" if nullable else column_type.value


def _fullname(annotation: Any) -> str:
    module = getattr(annotation, "__module__", "")
    name = getattr(annotation, "__qualname__", "")
    return f"{module}.{name}"


def _display(annotation: Any) -> str:
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return repr(annotation).replace("typing.", "")


def describe_annotation(annotation: Any) -> TypeRef:
    """Classify a resolved annotation.

    ``Optional[T]``, ``Union[T, None]`` and ``T | None`` are nullable."""
    origin = typing.get_origin(annotation)
    nullable = False
    inner = annotation
    if origin is typing.Union or origin is types.UnionType:
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) == 1 and len(typing.get_args(annotation)) == 2:
            nullable, inner = True, members[0]
    column_type = (
        TYPE_TABLE.get(_fullname(inner))
        if isinstance(inner, type) and typing.get_origin(inner) is None
        else None
    )
    if column_type is None:
        return TypeRef(column_type=None, nullable=nullable, display=_display(annotation))
    return TypeRef(
        column_type=column_type, nullable=nullable, display=type_display(column_type, nullable)
    )
