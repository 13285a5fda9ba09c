"""Lost writes: every write the server acknowledged, compared with the database at the end.

Read once the server has stopped (uvicorn's graceful shutdown lets requests in flight finish),
straight from the database with SQLAlchemy, not through the app: the question is what was
committed, not what the app says.

- A row created (201) or patched (200) must be there with exactly the acknowledged version and
  field values; a row deleted (204) must be gone. Otherwise the write was lost.
- A row at a *higher* version than acknowledged, or a row nobody was told about, was written
  without an answer; that is only correct for a write that got no answer (a transport error,
  itself counted as an error), so such rows beyond those writes are reported as phantom.
- The shared row that clients race for must be at version 1 + the number of 200s it gave
  (R5.19: exactly one writer wins per version), holding the value of the highest acknowledged
  version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, text

from bench.soak import TABLES
from bench.soak.load import Ledger

Rows = dict[
    str, dict[int, tuple[int, dict[str, Any]]]
]  # short table name -> id -> (version, values)


@dataclass
class Check:
    checked: int = 0  # acknowledged rows and deletions compared
    lost: list[str] = field(default_factory=list)
    phantom: list[str] = field(default_factory=list)
    uncertain: int = 0  # rows whose last write got no answer: either outcome is correct

    @property
    def lost_writes(self) -> int:
        return len(self.lost)


def compare(ledger: Ledger, actual: Rows) -> Check:
    check = Check()
    for (table, row_id), state in ledger.rows.items():
        if state.uncertain:
            check.uncertain += 1
            continue
        if (table, row_id) == ("items", ledger.hot_id):
            continue
        check.checked += 1
        found = actual[table].get(row_id)
        name = f"{table} {row_id}"
        if state.deleted:
            if found is not None:
                check.lost.append(
                    f"{name}: deleted at v{state.version} (204) but still at v{found[0]}"
                )
            continue
        if found is None:
            check.lost.append(f"{name}: v{state.version} acknowledged, row missing")
            continue
        version, values = found
        if version < state.version:
            check.lost.append(f"{name}: v{state.version} acknowledged, database at v{version}")
        elif version > state.version:
            check.phantom.append(f"{name}: v{state.version} acknowledged, database at v{version}")
        elif values != state.values:
            check.lost.append(f"{name} v{version}: acknowledged {state.values}, stored {values}")
    _compare_hot(ledger, actual, check)
    known = {row_id for (table, row_id) in ledger.rows if table == "items"}
    strangers = sorted(set(actual["items"]) - known)
    if len(strangers) > ledger.unanswered_creates:
        check.phantom.append(
            f"{len(strangers)} items nobody was told about (ids {strangers[:10]}...), but only"
            f" {ledger.unanswered_creates} creates went unanswered"
        )
    return check


def _compare_hot(ledger: Ledger, actual: Rows, check: Check) -> None:
    check.checked += 1
    found = actual["items"].get(ledger.hot_id)
    name = f"shared item {ledger.hot_id}"
    if found is None:
        check.lost.append(f"{name}: missing")
        return
    version, values = found
    low = 1 + ledger.hot_wins
    high = low + ledger.hot_unanswered
    if version < low:
        check.lost.append(f"{name}: {ledger.hot_wins} PATCHes won (200), database at v{version}")
    elif version > high:
        check.phantom.append(f"{name}: at most v{high} possible, database at v{version}")
    last_version, last_values = ledger.hot_last
    if version == last_version and values["qty"] != last_values["qty"]:
        check.lost.append(f"{name} v{version}: acknowledged {last_values}, stored {values}")


def read_rows(url: str, schema: str | None = None) -> Rows:
    """Every row of the soak's tables, by a sync SQLAlchemy engine on ``url``."""
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(url, connect_args=connect_args)
    rows: Rows = {}
    try:
        with engine.connect() as connection:
            for short, (table, keys) in TABLES.items():
                columns = ", ".join(("id", "version", *keys))
                result = connection.execute(text(f"SELECT {columns} FROM {table}"))
                rows[short] = {
                    row[0]: (row[1], dict(zip(keys, row[2:], strict=True))) for row in result
                }
    finally:
        engine.dispose()
    return rows
