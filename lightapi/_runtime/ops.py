"""The database operations, written once over a Core ``Connection`` (bridged by ``db``).

Each function is one unit of work run inside one transaction: a failed compare-and-swap looks
the row up in the same transaction to tell a missing row from a stale version (R5.19). Every
detail operation takes the queryset's scope, so a row outside it is as missing (R9.2).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Final

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Row

from lightapi._runtime.queries import EXPECTED, NEW, NOW, PK, Statements, VersionCheck
from lightapi._runtime.scope import Scope


class Outcome(enum.Enum):
    MISSING = "missing"
    CONFLICT = "conflict"
    DELETED = "deleted"


def fetch_one(
    connection: Connection, statements: Statements, pk: int, scope: Scope
) -> Row[Any] | None:
    return connection.execute(statements.select_one(scope), {PK: pk}).first()


def fetch_rows(
    connection: Connection, statement: Select[Any], values: Mapping[str, Any] | None = None
) -> Sequence[Row[Any]]:
    return connection.execute(statement, values).all()


def fetch_page(
    connection: Connection, rows: Select[Any], count: Select[Any], values: Mapping[str, Any]
) -> tuple[Sequence[Row[Any]], int]:
    """A page and the total it belongs to, read in one transaction so they agree; ``values``
    binds both (the page's limit and offset are ignored by the count)."""
    total = connection.execute(count, values).scalar_one()
    return connection.execute(rows, values).all(), int(total)


def insert_row(
    connection: Connection, statements: Statements, values: Mapping[str, Any]
) -> Row[Any]:
    return connection.execute(statements.insert, values).one()


def _missing_or_conflict(
    connection: Connection, statements: Statements, pk: int, scope: Scope
) -> Outcome:
    found = connection.execute(statements.exists(scope), {PK: pk}).first()
    return Outcome.MISSING if found is None else Outcome.CONFLICT


# Versions live in INTEGER columns; SQLite cannot even bind an int past 64 bits (OverflowError,
# a 422 "value rejected by the database"), while PostgreSQL compares it and finds no row.
_STORABLE: Final = range(-(2**63), 2**63)


def _matchable(check: VersionCheck, expected: Any) -> tuple[bool, Any]:
    """Whether the version check can match a row, and the expected value(s) to bind. A version
    no column can hold matches no row: the write is refused like any stale version (R5.17,
    R6.3), the same way on every engine, without running the statement."""
    if check is VersionCheck.EQUALS:
        return expected in _STORABLE, expected
    if check is VersionCheck.ANY_OF:
        kept = [version for version in expected if version in _STORABLE]
        return bool(kept), kept
    return True, expected


def update_row(
    connection: Connection,
    statements: Statements,
    pk: int,
    values: Mapping[str, Any],
    check: VersionCheck,
    expected: Any,
    now: Any,
    scope: Scope,
) -> Row[Any] | Outcome:
    """Compare-and-swap the row; the updated row, or why nothing changed."""
    matchable, expected = _matchable(check, expected)
    if not matchable:
        return _missing_or_conflict(connection, statements, pk, scope)
    statement = statements.update(tuple(values), check, scope)
    parameters = {NEW + key: value for key, value in values.items()}
    parameters.update({PK: pk, NOW: now})
    if check is not VersionCheck.NONE:
        parameters[EXPECTED] = expected
    row = connection.execute(statement, parameters).first()
    return row if row is not None else _missing_or_conflict(connection, statements, pk, scope)


def delete_row(
    connection: Connection,
    statements: Statements,
    pk: int,
    check: VersionCheck,
    expected: Any,
    scope: Scope,
) -> Outcome:
    matchable, expected = _matchable(check, expected)
    if not matchable:
        return _missing_or_conflict(connection, statements, pk, scope)
    parameters: dict[str, Any] = {PK: pk}
    if check is not VersionCheck.NONE:
        parameters[EXPECTED] = expected
    if connection.execute(statements.delete(check, scope), parameters).rowcount:
        return Outcome.DELETED
    return _missing_or_conflict(connection, statements, pk, scope)
