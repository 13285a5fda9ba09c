"""Reflected tables -> fields (LA601-LA608, SPEC §15).

Reflection itself is I/O and lives in the runtime; it describes each column as a ``ColumnDecl``
and the rules here turn them into FieldSpecs, so that ``lightapi check`` and the runtime judge
a reflected table with the same code.

| column                             | field                                                |
|------------------------------------|------------------------------------------------------|
| created_at, updated_at, version    | automatic, managed by LightAPI (R15.4)               |
| the primary key (one integer)      | the {id} path parameter; read-only if autoincrement  |
| a type of the table (R15.1)        | served; optional on create if nullable or defaulted  |
| another type                       | not served: LA606, or LA607 when it is required      |
| declared too (reflect="partial")   | the declared field: the column must exist (LA604)    |
|                                    | with the declared type (LA605)                       |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lightapi.spec.findings import Findings
from lightapi.spec.model import (
    ColumnType,
    Constraints,
    FieldOrigin,
    FieldSpec,
    ForeignKeySpec,
    LockingSpec,
    SourceLocation,
)
from lightapi.spec.types import type_display

MANAGED: Final = ("created_at", "updated_at", "version")


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnDecl:
    """One column of a reflected table, as the database describes it."""

    name: str
    type_name: str
    column_type: ColumnType | None  # None: outside the table of R15.1
    nullable: bool
    has_default: bool
    primary_key: bool = False
    autoincrement: bool = False
    max_length: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    foreign_key: ForeignKeySpec | None = None


def _field(column: ColumnDecl, origin: FieldOrigin) -> FieldSpec:
    assert column.column_type is not None
    nullable = column.nullable and not column.primary_key
    return FieldSpec(
        name=column.name,
        column_type=column.column_type,
        python_type=type_display(column.column_type, nullable),
        nullable=nullable,
        required_on_create=not (nullable or column.has_default or column.autoincrement),
        constraints=Constraints(
            max_length=column.max_length,
            max_digits=column.max_digits,
            decimal_places=column.decimal_places,
        ),
        primary_key=column.primary_key,
        foreign_key=column.foreign_key,
        origin=origin,
        read_only=origin is FieldOrigin.AUTOMATIC or (column.primary_key and column.autoincrement),
    )


def reflected_fields(
    endpoint: str,
    table: str,
    columns: tuple[ColumnDecl, ...],
    declared: tuple[FieldSpec, ...],
    partial: bool,
    location: SourceLocation,
    found: Findings,
) -> tuple[tuple[FieldSpec, ...], LockingSpec]:
    """The fields of a reflected endpoint and whether it locks; no columns: no table."""
    subject = f"{endpoint}.Meta.reflect"
    if not columns:
        found.add("LA601", subject, location, table=table)
        return (), LockingSpec(enabled=False, column=None)
    keys = [column for column in columns if column.primary_key]
    if len(keys) != 1 or keys[0].column_type is not ColumnType.INTEGER:
        found.add("LA602", subject, location, table=table)
    by_name = {column.name: column for column in columns}
    chosen: dict[str, FieldSpec] = {}
    if partial:
        for field in declared:
            column = by_name.get(field.name)
            if column is None:
                found.add(
                    "LA604",
                    f"{endpoint}.{field.name}",
                    field.location,
                    field=field.name,
                    table=table,
                )
            elif column.column_type is not field.column_type:
                found.add(
                    "LA605",
                    f"{endpoint}.{field.name}",
                    field.location,
                    field=field.name,
                    declared=field.python_type,
                    column=column.type_name,
                )
            else:
                chosen[field.name] = field
    body: list[FieldSpec] = []
    tail: list[FieldSpec] = []
    for column in columns:
        if column.name in chosen:
            body.append(chosen[column.name])
        elif column.column_type is None:
            code = "LA606" if column.nullable or column.has_default else "LA607"
            found.add(code, subject, location, column=column.name, type=column.type_name)
        elif column.name in MANAGED:
            continue
        elif column.primary_key:
            tail.insert(0, _field(column, FieldOrigin.REFLECTED))
        else:
            body.append(_field(column, FieldOrigin.REFLECTED))
    managed = [by_name[name] for name in MANAGED if name in by_name]
    tail += [
        _field(column, FieldOrigin.AUTOMATIC)
        for column in managed
        if column.column_type is not None
    ]
    locking = "version" in by_name
    if not locking:
        found.add("LA603", subject, location, table=table)
    return (*body, *tail), LockingSpec(enabled=locking, column="version" if locking else None)
