"""Pure statement builders: filters, search, ordering, pages, keysets, version-checked writes.

The statements of unscoped operations are built once (R21.1) and take their values as bound
parameters (named with ``__``, which field names cannot hold, so a column named ``pk`` or ``now``
never collides with them): building a statement per request
would cost more than running it. A queryset scope (§9) or list parameters (§7, §8) make a
request-specific statement, built here from the parsed, validated ``ListQuery``.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Sequence
from typing import Any, Final, cast

from sqlalchemy import (
    BigInteger,
    Column,
    Delete,
    Insert,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from lightapi._runtime.listing import FilterTerm, OrderItem
from lightapi._runtime.scope import UNSCOPED, Scope

MAX_CACHED_UPDATES: Final = 256
PK: Final = "lightapi__pk"
EXPECTED: Final = "lightapi__expected"
NOW: Final = "lightapi__now"
NEW: Final = "lightapi__new__"


class VersionCheck(enum.Enum):
    """How a write is made conditional on the row's version (R5.19, R6.3)."""

    NONE = "none"  # unconditional
    EQUALS = "equals"  # body version or ?version=
    ANY_OF = "any_of"  # the versions of If-Match's tags


def primary_key(table: Table) -> Column[Any]:
    """The single integer primary key: ``id``, or a reflected table's own (R15.3)."""
    [column] = table.primary_key.columns
    return column


class Layout:
    """Columns selected for one projection: the projected ones, then the primary key and
    ``version`` if absent.

    Encoders read the first ``width`` columns; ETags read the key and ``version`` by index.
    """

    def __init__(self, table: Table, names: Sequence[str], locking: bool) -> None:
        self.names = tuple(names)
        key = str(primary_key(table).name)
        extras = [key, "version"] if locking else [key]
        columns = [*self.names, *(name for name in extras if name not in self.names)]
        self.columns: tuple[Column[Any], ...] = tuple(table.c[name] for name in columns)
        self.id_index = columns.index(key)
        self.version_index = columns.index("version") if locking else -1


def _scoped(statement: Any, scope: Scope) -> Any:
    return statement if scope.where is None else statement.where(scope.where)


class Statements:
    """The statements of one endpoint over its table."""

    def __init__(self, table: Table, read: Layout, write: Layout, *, locking: bool) -> None:
        self.table = table
        self.read = read
        self.write = write
        self.locking = locking
        self.pk = pk = primary_key(table)
        # Timestamps LightAPI sets: always present, except on reflected tables without them.
        self.timestamps = tuple(name for name in ("created_at", "updated_at") if name in table.c)
        self.pk_max = 2**63 - 1 if isinstance(pk.type, BigInteger) else 2**31 - 1
        self._select_one: Select[Any] = select(*read.columns).where(pk == bindparam(PK))
        self.select_all: Select[Any] = select(*read.columns).order_by(pk)
        self._exists: Select[Any] = select(pk).where(pk == bindparam(PK))
        self.insert: Insert = insert(table).returning(*write.columns)
        self._updates: dict[tuple[tuple[str, ...], VersionCheck], Update] = {}
        checks = list(VersionCheck) if locking else [VersionCheck.NONE]  # no version column
        self._deletes = {check: self._delete(check) for check in checks}

    def select_one(self, scope: Scope = UNSCOPED) -> Select[Any]:
        return _scoped(self._select_one, scope)  # type: ignore[no-any-return]

    def exists(self, scope: Scope = UNSCOPED) -> Select[Any]:
        return _scoped(self._exists, scope)  # type: ignore[no-any-return]

    def _condition(self, check: VersionCheck) -> Any:
        if check is VersionCheck.NONE:
            return None
        version = self.table.c.version
        if check is VersionCheck.EQUALS:
            return version == bindparam(EXPECTED)
        if check is VersionCheck.ANY_OF:
            return version.in_(bindparam(EXPECTED, expanding=True))
        return None

    def _delete(self, check: VersionCheck) -> Delete:
        statement = delete(self.table).where(self.pk == bindparam(PK))
        condition = self._condition(check)
        return statement if condition is None else statement.where(condition)

    def delete(self, check: VersionCheck, scope: Scope = UNSCOPED) -> Delete:
        return _scoped(self._deletes[check], scope)  # type: ignore[no-any-return]

    def update(self, keys: tuple[str, ...], check: VersionCheck, scope: Scope = UNSCOPED) -> Update:
        """The compare-and-swap UPDATE for this set of keys (R5.19), cached per key set."""
        statement = self._updates.get((keys, check))
        if statement is None:
            statement = self._update(keys, check)
            if len(self._updates) < MAX_CACHED_UPDATES:
                self._updates[(keys, check)] = statement
        return _scoped(statement, scope)  # type: ignore[no-any-return]

    def _update(self, keys: tuple[str, ...], check: VersionCheck) -> Update:
        table = self.table
        values: dict[Any, Any] = {table.c[key]: bindparam(NEW + key) for key in keys}
        if self.locking:
            values[table.c.version] = table.c.version + 1
        if "updated_at" in table.c:
            values[table.c.updated_at] = bindparam(NOW)
        if not values:
            # An empty PATCH of a table without version and updated_at (R15.4) changes nothing,
            # but still answers the row or 404: ``SET key = key`` keeps it one UPDATE.
            values[self.pk] = self.pk
        statement = update(table).where(self.pk == bindparam(PK)).values(values)
        condition = self._condition(check)
        if condition is not None:
            statement = statement.where(condition)
        return statement.returning(*self.write.columns)


# -- lists (§7, §8) ----------------------------------------------------------------------------


_COMPARISONS: Final = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def filter_condition(
    column: Column[Any], term: FilterTerm, name: str | None = None
) -> ColumnElement[bool]:
    """One FieldFilter term (R7.3, R7.4); ``ne`` also matches NULL rows. With ``name`` the
    value is left to a bind parameter of that name, so the condition can be reused."""
    if term.operator == "isnull":
        return column.is_(None) if term.value else column.is_not(None)
    value: Any = term.value if name is None else bindparam(name, expanding=term.operator == "in")
    condition: Any
    if term.operator in _COMPARISONS:
        condition = _COMPARISONS[term.operator](column, value)
    elif term.operator == "ne":
        condition = or_(column != value, column.is_(None))
    elif term.operator == "in":
        condition = column.in_(value)
    else:
        raise ValueError(f"unknown operator {term.operator!r}")
    return cast("ColumnElement[bool]", condition)


def escape_like(term: str) -> str:
    """R7.7: ``\\``, ``%`` and ``_`` match themselves."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_pattern(term: str) -> str:
    return f"%{escape_like(term)}%"


def search_condition(
    columns: Sequence[Column[Any]], term: str, name: str | None = None
) -> ColumnElement[bool]:
    """Any search column contains ``term``, case-insensitively (ILIKE or lower() LIKE); with
    ``name`` the pattern is left to a bind parameter of that name."""
    pattern: Any = search_pattern(term) if name is None else bindparam(name)
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def ordering_items(
    requested: Sequence[OrderItem] | None, table: Table
) -> tuple[tuple[Column[Any], bool], ...]:
    """The ordering columns and directions, with the key appended unless present (R7.10)."""
    key = primary_key(table)
    items = [(table.c[item.field], item.descending) for item in requested or ()]
    if not any(column is key for column, _ in items):
        items.append((key, False))
    return tuple(items)


def order_clauses(items: Sequence[tuple[Column[Any], bool]]) -> list[Any]:
    return [column.desc() if descending else column.asc() for column, descending in items]


def count_statement(filtered: Select[Any], table: Table, *, single_table: bool) -> Select[Any]:
    """``count`` of a page-number envelope: the filtered rows, without order or limit.

    A select over the table alone is counted with its own WHERE clause; one a custom backend
    may have joined is counted as a subquery, so a join keeps its meaning. (Asking SQLAlchemy
    for a select's FROM list compiles it: too slow to do per request.)"""
    if single_table:
        counting = select(func.count()).select_from(table)
        where = filtered.whereclause
        return counting if where is None else counting.where(where)
    return select(func.count()).select_from(filtered.order_by(None).subquery())


def keyset_condition(
    items: Sequence[tuple[Column[Any], bool]], values: Sequence[Any], *, forward: bool
) -> ColumnElement[bool]:
    """Rows after (``forward``) or before the boundary row in the full keyset order (R8.6).

    For keys k1..kn with per-key directions: (k1 beyond v1) OR (k1 = v1 AND k2 beyond v2) ...
    where "beyond" is ``>`` for an ascending key read forward, ``<`` otherwise.
    """
    disjuncts = []
    for position, (column, descending) in enumerate(items):
        beyond = column > values[position] if descending != forward else column < values[position]
        equal = [items[index][0] == values[index] for index in range(position)]
        disjuncts.append(and_(*equal, beyond))
    return or_(*disjuncts)
