"""The database operations, written once over a Core ``Connection`` (bridged by ``db``).

Each function is one unit of work run inside one transaction: a failed compare-and-swap looks
the row up in the same transaction to tell a missing row from a stale version (R5.19). Every
detail operation takes the queryset's scope, so a row outside it is as missing (R9.2).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

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


def fetch_rows(connection: Connection, statement: Select[Any]) -> Sequence[Row[Any]]:
    return connection.execute(statement).all()


def fetch_page(
    connection: Connection, rows: Select[Any], count: Select[Any]
) -> tuple[Sequence[Row[Any]], int]:
    """A page and the total it belongs to, read in one transaction so they agree."""
    total = connection.execute(count).scalar_one()
    return connection.execute(rows).all(), int(total)


def insert_row(
    connection: Connection, statements: Statements, values: Mapping[str, Any]
) -> Row[Any]:
    return connection.execute(statements.insert, values).one()


def _missing_or_conflict(
    connection: Connection, statements: Statements, pk: int, scope: Scope
) -> Outcome:
    found = connection.execute(statements.exists(scope), {PK: pk}).first()
    return Outcome.MISSING if found is None else Outcome.CONFLICT


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
    parameters: dict[str, Any] = {PK: pk}
    if check is not VersionCheck.NONE:
        parameters[EXPECTED] = expected
    if connection.execute(statements.delete(check, scope), parameters).rowcount:
        return Outcome.DELETED
    return _missing_or_conflict(connection, statements, pk, scope)
