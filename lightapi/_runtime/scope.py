"""A user queryset turned into a scope for this app's table (§9).

``queryset()`` returns a ``Select`` over the endpoint, usually ``select(Endpoint).where(...)``.
Only its filtering (and, for lists, its ORDER BY) is kept (R9.1): a select over the endpoint's
table alone contributes its WHERE clause directly; a select with joins contributes
``id IN (SELECT id ...)`` so the joins keep their meaning. Columns are matched to this app's
table by name, because the class may be mapped to another app's table of the same name (R2.25).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Column, Select, Table
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ClauseElement, ColumnElement
from sqlalchemy.sql.util import find_tables


class ScopeError(TypeError):
    """The queryset is not a Select over the endpoint's table (R9.3: a logged 500)."""


@dataclass(frozen=True, slots=True)
class Scope:
    where: ColumnElement[bool] | None = None
    order_by: tuple[Any, ...] = ()
    orders_by_id: bool = False  # the queryset's ORDER BY already names ``id`` (R7.10)


UNSCOPED = Scope()


def onto_table(table: Table, element: Any) -> Any:
    """``element`` with every column of a same-named table replaced by ``table``'s column."""

    def replace(element: Any, **kw: Any) -> Any:
        if (
            isinstance(element, Column)
            and isinstance(element.table, Table)
            and element.table.name == table.name
            and element.table is not table
            and element.name in table.c
        ):
            return table.c[element.name]
        return None

    return visitors.replacement_traverse(cast("ClauseElement", element), {}, replace)


def _only_columns_of(table: Table, clause: Any) -> bool:
    """An ORDER BY item usable on the endpoint's own rows: every column is ``table``'s."""
    columns = [node for node in visitors.iterate(clause) if isinstance(node, Column)]
    return all(column.table is table for column in columns)


def scope_of(table: Table, selected: object) -> Scope:
    if not isinstance(selected, Select):
        raise ScopeError(f"queryset() returned {type(selected).__name__}, not a Select")
    froms = selected.get_final_froms()
    tables = [table for item in froms for table in find_tables(item) if isinstance(table, Table)]
    if not any(item.name == table.name for item in tables):
        raise ScopeError(f"queryset() does not select from table {table.name!r}")
    [key] = table.primary_key.columns
    order_by = tuple(
        clause
        for clause in (onto_table(table, item) for item in selected._order_by_clauses)
        if _only_columns_of(table, clause)
    )
    by_id = any(column is key for clause in order_by for column in visitors.iterate(clause))
    if len(froms) == 1 and froms[0] is tables[0] and len(tables) == 1:
        where = selected.whereclause
        where = None if where is None else onto_table(table, where)
        return Scope(where=where, order_by=order_by, orders_by_id=by_id)
    own = next(item for item in tables if item.name == table.name)
    ids = (
        selected.with_only_columns(own.c[key.name], maintain_column_froms=True)
        .order_by(None)
        .limit(None)
        .offset(None)
        .correlate(None)
    )
    return Scope(where=key.in_(onto_table(table, ids)), order_by=order_by, orders_by_id=by_id)
