"""The database operations, written once over a Core ``Connection`` (bridged by ``db``).

Each function is one unit of work run inside one transaction: a failed compare-and-swap looks
the row up in the same transaction to tell a missing row from a stale version (R5.19).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection, Row

from lightapi._runtime.queries import Statements, VersionCheck


class Outcome(enum.Enum):
    MISSING = "missing"
    CONFLICT = "conflict"
    DELETED = "deleted"


def fetch_one(connection: Connection, statements: Statements, pk: int) -> Row[Any] | None:
    return connection.execute(statements.select_one, {"pk": pk}).first()


def fetch_all(connection: Connection, statements: Statements) -> Sequence[Row[Any]]:
    return connection.execute(statements.select_all).all()


def insert_row(
    connection: Connection, statements: Statements, values: Mapping[str, Any]
) -> Row[Any]:
    return connection.execute(statements.insert, values).one()


def _missing_or_conflict(connection: Connection, statements: Statements, pk: int) -> Outcome:
    found = connection.execute(statements.exists, {"pk": pk}).first()
    return Outcome.MISSING if found is None else Outcome.CONFLICT


def update_row(
    connection: Connection,
    statements: Statements,
    pk: int,
    values: Mapping[str, Any],
    check: VersionCheck,
    expected: Any,
    now: Any,
) -> Row[Any] | Outcome:
    """Compare-and-swap the row; the updated row, or why nothing changed."""
    statement = statements.update(tuple(values), check)
    parameters = {f"new_{key}": value for key, value in values.items()}
    parameters.update(pk=pk, now=now)
    if check is not VersionCheck.NONE:
        parameters["expected"] = expected
    row = connection.execute(statement, parameters).first()
    return row if row is not None else _missing_or_conflict(connection, statements, pk)


def delete_row(
    connection: Connection, statements: Statements, pk: int, check: VersionCheck, expected: Any
) -> Outcome:
    parameters: dict[str, Any] = {"pk": pk}
    if check is not VersionCheck.NONE:
        parameters["expected"] = expected
    if connection.execute(statements.delete(check), parameters).rowcount:
        return Outcome.DELETED
    return _missing_or_conflict(connection, statements, pk)
