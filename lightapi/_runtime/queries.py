"""Pure statement builders: every statement an endpoint runs, built once (R21.1).

Statements take their values as bound parameters (``pk``, ``expected``, ``now``, ``new_<field>``)
so a request only binds; building a statement per request would cost more than running it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import (
    Column,
    Delete,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    delete,
    insert,
    select,
    update,
)

MAX_CACHED_UPDATES: Final = 256


class VersionCheck(enum.Enum):
    """How a write is made conditional on the row's version (R5.19, R6.3)."""

    NONE = "none"  # unconditional
    EQUALS = "equals"  # body version or ?version=
    ANY_OF = "any_of"  # the versions of If-Match's tags


class Layout:
    """Columns selected for one projection: the projected ones, then ``id``/``version`` if absent.

    Encoders read the first ``width`` columns; ETags read ``id`` and ``version`` by index.
    """

    def __init__(self, table: Table, names: Sequence[str], locking: bool) -> None:
        self.names = tuple(names)
        extras = [name for name in ("id", "version") if locking or name == "id"]
        columns = [*self.names, *(name for name in extras if name not in self.names)]
        self.columns: tuple[Column[Any], ...] = tuple(table.c[name] for name in columns)
        self.id_index = columns.index("id")
        self.version_index = columns.index("version") if locking else -1


class Statements:
    """The statements of one endpoint over its table."""

    def __init__(self, table: Table, read: Layout, write: Layout, *, locking: bool) -> None:
        self.table = table
        self.read = read
        self.write = write
        self.locking = locking
        pk = table.c.id
        self.select_one: Select[Any] = select(*read.columns).where(pk == bindparam("pk"))
        self.select_all: Select[Any] = select(*read.columns).order_by(pk)
        self.exists: Select[Any] = select(pk).where(pk == bindparam("pk"))
        self.insert: Insert = insert(table).returning(*write.columns)
        self._updates: dict[tuple[tuple[str, ...], VersionCheck], Update] = {}
        self._deletes = {check: self._delete(check) for check in VersionCheck}

    def _condition(self, check: VersionCheck) -> Any:
        version = self.table.c.version
        if check is VersionCheck.EQUALS:
            return version == bindparam("expected")
        if check is VersionCheck.ANY_OF:
            return version.in_(bindparam("expected", expanding=True))
        return None

    def _delete(self, check: VersionCheck) -> Delete:
        statement = delete(self.table).where(self.table.c.id == bindparam("pk"))
        condition = self._condition(check)
        return statement if condition is None else statement.where(condition)

    def delete(self, check: VersionCheck) -> Delete:
        return self._deletes[check]

    def update(self, keys: tuple[str, ...], check: VersionCheck) -> Update:
        """The compare-and-swap UPDATE for this set of keys (R5.19), cached per key set."""
        cached = self._updates.get((keys, check))
        if cached is not None:
            return cached
        table = self.table
        values: dict[Any, Any] = {table.c[key]: bindparam(f"new_{key}") for key in keys}
        if self.locking:
            values[table.c.version] = table.c.version + 1
        values[table.c.updated_at] = bindparam("now")
        statement = update(table).where(table.c.id == bindparam("pk")).values(values)
        condition = self._condition(check)
        if condition is not None:
            statement = statement.where(condition)
        statement = statement.returning(*self.write.columns)
        if len(self._updates) < MAX_CACHED_UPDATES:
            self._updates[(keys, check)] = statement
        return statement
