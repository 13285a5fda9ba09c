"""Concurrent writers racing on the same rows through a real uvicorn server (issue #11; SPEC
R5.16-R5.20, R6.1, R6.3, R20.2, R20.3).

Each case starts its own server process (``tests/reliability/apps/concurrency_app.py``) on
127.0.0.1 over its database and drives it from ``WRITERS`` client threads, each with its own
keep-alive connection. Every write sends the version its writer read, in the body (``version``,
``?version=``) or as ``If-Match: "<id>-<version>"``; PUT and PATCH alternate.

1. **Bursts**: all writers read the same row, meet at a barrier, then write: exactly one write
   succeeds per round, the others get 409 (body) or 412 (If-Match) (R5.19, R6.3).
2. **Retries**: every writer makes a fixed number of increments of a row's ``count`` by
   read-modify-write, re-reading after each 409/412.
3. **Deletes**: all writers race to DELETE each row of a set, most with its current version
   and a few with a stale one (R5.20): exactly one 204 per row; the other current holders get
   404 (the row is gone), the stale ones 409/412 or 404, never a 204.
4. **Mixed**: PUT, PATCH and DELETE race on one version of a row: exactly one wins. If a DELETE
   won, every other writer gets 404; if a PUT or PATCH won, every other gets 409/412.

Afterwards every surviving row's ``version`` is 1 (the version a row is created with, R2.12)
plus the number of 2xx writes the clients recorded for it; the versions those writes returned
are exactly 2, 3, ... (none granted twice); ``count`` equals that number (each write
incremented the count it read, so a lost update would leave it lower); ``token`` is the one of
the write that returned the highest version. No answer is a 5xx, every refusal is the
documented JSON ``{"detail": ...}``, and the server logs no error. The barrier only lines the
writers up; no assertion depends on timing.

The cases: sync SQLite (LightAPI serialises its writes in-process), aiosqlite (nothing
serialises its writes but SQLite itself), PostgreSQL with psycopg and with asyncpg, and two
uvicorn worker processes on SQLite and on PostgreSQL, where only the database arbitrates.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import ROOT, free_port, running
from tests.services import pg_schema, pg_url

WRITERS = 16
ROWS = 2  # rows the bursts and the retries work on
ROUNDS = 8  # burst rounds, alternating over the ROWS rows
SUCCESSES = {1: 10, 2: 3}  # increments per writer in the retry phase, by server worker count
MAX_ATTEMPTS = 500  # per increment: a writer that never gets through fails the test
DELETE_ROWS = 4
STALE_DELETERS = 3  # of the deleters of a row, these hold the version before the current one
MIXED_ROWS = 4
BARRIER_TIMEOUT = 30.0
PATH = "/counters"
DETAIL = {409: "version conflict", 412: "precondition failed", 404: "not found"}
CASES = [
    pytest.param("sqlite", 1, id="sqlite"),
    pytest.param("aiosqlite", 1, id="aiosqlite"),
    pytest.param("postgres", 1, id="postgres"),
    pytest.param("asyncpg", 1, id="asyncpg"),
    pytest.param("sqlite", 2, id="sqlite-2-workers"),
    pytest.param("postgres", 2, id="postgres-2-workers"),
]


@contextlib.contextmanager
def _server(kind: str, workers: int, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The concurrency app under uvicorn over the database of ``kind``; yields its base URL
    and its log file."""
    env = {"PYTHONPATH": str(ROOT)}
    with contextlib.ExitStack() as stack:
        if kind in ("sqlite", "aiosqlite"):
            scheme = "sqlite" if kind == "sqlite" else "sqlite+aiosqlite"
            env["CONCURRENCY_APP_URL"] = f"{scheme}:///{tmp_path}/concurrency.db"
        else:
            env["CONCURRENCY_APP_SCHEMA"] = stack.enter_context(pg_schema())
            env["CONCURRENCY_APP_URL"] = pg_url("psycopg" if kind == "postgres" else "asyncpg")
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.reliability.apps.concurrency_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        base = stack.enter_context(running(command, tmp_path, port, env=env))
        yield base, tmp_path / "server.log"


@dataclasses.dataclass(frozen=True)
class Write:
    """One PUT, PATCH or DELETE as its client saw it."""

    row: int
    method: str
    via: str  # "body", "query" (?version=) or "if-match"
    read_version: int
    status: int
    version: int | None = None  # the row's version in a 200 answer
    token: str | None = None


@dataclasses.dataclass
class Tally:
    """What the clients saw, for the assertions and for the figures in docs/reliability.md."""

    writes: list[Write] = dataclasses.field(default_factory=list)
    reads: int = 0
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def add(self, write: Write) -> Write:
        with self.lock:
            self.writes.append(write)
        return write

    def read(self) -> None:
        with self.lock:
            self.reads += 1


def _refusal(response: httpx.Response, allowed: set[int], context: str) -> None:
    """A refusal is one of ``allowed`` with its documented JSON detail (R5.5, R5.6)."""
    assert response.status_code in allowed, f"{context}: {response.status_code} {response.text}"
    assert response.headers["content-type"] == "application/json", context
    assert response.json() == {"detail": DETAIL[response.status_code]}, context


def _conflict(via: str) -> int:
    return 412 if via == "if-match" else 409


def _read(http: httpx.Client, pk: int, tally: Tally) -> dict[str, Any]:
    response = http.get(f"{PATH}/{pk}")
    tally.read()
    assert response.status_code == 200, response.text
    row: dict[str, Any] = response.json()
    assert response.headers["etag"] == f'"{pk}-{row["version"]}"'  # R6.1
    return row


def _update(
    http: httpx.Client,
    tally: Tally,
    row: dict[str, Any],
    style: tuple[str, str],
    token: str,
    refusals: set[int] | None = None,
) -> Write:
    """Increment ``count`` of ``row`` as read, by PUT or PATCH, on the version read."""
    method, via = style
    pk, version = row["id"], row["version"]
    body: dict[str, Any] = {"count": row["count"] + 1, "token": token}
    if method == "PUT":
        body["name"] = row["name"]  # PUT replaces: required fields are required (R5.16)
    headers = {}
    if via == "body":
        body["version"] = version
    elif version % 2:  # a list holding a weak tag, which never matches (R6.3)
        headers["If-Match"] = f'W/"{pk}-{version}", "{pk}-{version}"'
    else:
        headers["If-Match"] = f'"{pk}-{version}"'
    response = http.request(method, f"{PATH}/{pk}", json=body, headers=headers)
    context = f"{method} {pk} via {via} at version {version}"
    if response.status_code != 200:
        _refusal(response, refusals or {_conflict(via)}, context)
        return tally.add(Write(pk, method, via, version, response.status_code))
    answer = response.json()
    assert answer["version"] == version + 1, context  # exactly one higher (R5.19)
    assert answer["count"] == row["count"] + 1 and answer["token"] == token, context
    assert response.headers["etag"] == f'"{pk}-{version + 1}"', context
    return tally.add(Write(pk, method, via, version, 200, answer["version"], token))


def _delete(http: httpx.Client, tally: Tally, pk: int, version: int, via: str) -> Write:
    """DELETE on ``version`` by ``?version=`` or If-Match; a refusal must be 404 or the
    conflict of its style, checked by the caller."""
    if via == "query":
        response = http.delete(f"{PATH}/{pk}", params={"version": version})
    else:
        response = http.delete(f"{PATH}/{pk}", headers={"If-Match": f'"{pk}-{version}"'})
    context = f"DELETE {pk} via {via} at version {version}"
    if response.status_code == 204:
        assert response.content == b"" and "content-type" not in response.headers, context
    else:
        _refusal(response, {404, _conflict(via)}, context)
    return tally.add(Write(pk, "DELETE", via, version, response.status_code))


def _style(writer: int, step: int) -> tuple[str, str]:
    """PATCH or PUT, body version or If-Match: every writer uses all four combinations."""
    return ("PATCH", "PUT")[step % 2], ("body", "if-match")[(writer + step // 2) % 2]


def _run(tasks: list[Callable[[], Any]]) -> list[Any]:
    """Run each task on a thread of its own; the first failure is raised."""
    with ThreadPoolExecutor(len(tasks)) as pool:
        futures = [pool.submit(task) for task in tasks]
        errors = [future.exception() for future in futures]
    failures = [error for error in errors if error is not None]
    if failures:
        # A failure before a barrier breaks it for the others: report the cause.
        causes = [e for e in failures if not isinstance(e, threading.BrokenBarrierError)]
        raise (causes or failures)[0]
    return [future.result() for future in futures]


def _race(work: Callable[[int, threading.Barrier], Write]) -> list[Write]:
    """``work(writer, barrier)`` on every writer at once: each prepares, waits at the barrier,
    then writes."""
    barrier = threading.Barrier(WRITERS, timeout=BARRIER_TIMEOUT)

    def run(writer: int) -> Write:
        try:
            return work(writer, barrier)
        except BaseException:
            barrier.abort()  # the others stop waiting at once
            raise

    return _run([lambda w=w: run(w) for w in range(WRITERS)])


def _bursts(clients: list[httpx.Client], tally: Tally, pks: list[int]) -> None:
    for number in range(ROUNDS):
        pk = pks[number % len(pks)]

        def contend(writer: int, barrier: threading.Barrier) -> Write:
            row = _read(clients[writer], pk, tally)
            barrier.wait()  # every writer holds the same version before anyone writes
            token = f"burst{number}-w{writer}"
            return _update(clients[writer], tally, row, _style(writer, number), token)

        writes = _race(contend)
        assert len({write.read_version for write in writes}) == 1
        assert [write.status for write in writes].count(200) == 1, writes  # R5.19


def _retries(clients: list[httpx.Client], tally: Tally, pks: list[int], successes: int) -> None:
    def increment(writer: int) -> None:
        for step in range(successes):
            pk, token = pks[(writer + step) % len(pks)], f"inc{step}-w{writer}"
            for _attempt in range(MAX_ATTEMPTS):
                row = _read(clients[writer], pk, tally)
                if _update(clients[writer], tally, row, _style(writer, step), token).status == 200:
                    break
            else:
                pytest.fail(f"writer {writer} got no write through in {MAX_ATTEMPTS} attempts")

    _run([lambda w=w: increment(w) for w in range(WRITERS)])


def _deletes(clients: list[httpx.Client], tally: Tally, pks: list[int]) -> None:
    for pk in pks:
        current = _read(clients[0], pk, tally)["version"]

        def delete(writer: int, barrier: threading.Barrier) -> Write:
            version = current - 1 if writer < STALE_DELETERS else current
            barrier.wait()
            return _delete(clients[writer], tally, pk, version, ("query", "if-match")[writer % 2])

        deletes = _race(delete)
        assert [write.status for write in deletes].count(204) == 1, deletes  # R5.20
        for write in deletes:
            if write.status != 204 and write.read_version == current:
                assert write.status == 404, write  # the row is gone, not changed
            if write.read_version != current:
                assert write.status in (404, _conflict(write.via)), write
        assert clients[0].get(f"{PATH}/{pk}").status_code == 404
        assert clients[0].delete(f"{PATH}/{pk}").status_code == 404


def _mixed(clients: list[httpx.Client], tally: Tally, pks: list[int]) -> list[int]:
    """PUT, PATCH and DELETE on one version of each row; the rows that survive."""
    survivors = []
    for pk in pks:
        row = _read(clients[0], pk, tally)

        def write(writer: int, barrier: threading.Barrier) -> Write:
            barrier.wait()
            if writer % 3 == 0:
                via = ("query", "if-match")[writer % 2]
                return _delete(clients[writer], tally, pk, row["version"], via)
            style, token = _style(writer, writer // 3), f"mixed-w{writer}"
            refusals = {404, _conflict(style[1])}
            return _update(clients[writer], tally, row, style, token, refusals)

        writes = _race(write)
        [winner] = [write for write in writes if write.status in (200, 204)]  # R5.19, R5.20
        losers = [write.status for write in writes if write is not winner]
        if winner.method == "DELETE":
            assert set(losers) == {404}, writes
            assert clients[0].get(f"{PATH}/{pk}").status_code == 404
        else:
            assert losers == [_conflict(write.via) for write in writes if write is not winner]
            survivors.append(pk)
    return survivors


def _check_rows(http: httpx.Client, tally: Tally, pks: list[int]) -> None:
    """Every successful write is accounted for in each row's final state."""
    for pk in pks:
        won = sorted(
            (write for write in tally.writes if write.row == pk and write.status == 200),
            key=lambda write: write.version or 0,
        )
        final = http.get(f"{PATH}/{pk}").json()
        # One version per successful write, none granted twice (R5.19, R20.3).
        assert [write.version for write in won] == list(range(2, len(won) + 2)), pk
        assert final["version"] == 1 + len(won), (final, len(won))
        # Each write incremented the count it read: a lost update would leave it lower.
        assert final["count"] == len(won), (final, len(won))
        assert final["token"] == (won[-1].token if won else ""), final


def _figures(case: str, tally: Tally, seconds: float) -> str:
    updates = Counter(write.status for write in tally.writes if write.method != "DELETE")
    deletes = Counter(write.status for write in tally.writes if write.method == "DELETE")
    return (
        f"{case}: {WRITERS} writers, {updates.total()} PUT/PATCH: {updates[200]} x 200, "
        f"{updates[409]} x 409, {updates[412]} x 412, {updates[404]} x 404; "
        f"{deletes.total()} DELETE: {deletes[204]} x 204, {deletes[404]} x 404, "
        f"{deletes[409]} x 409, {deletes[412]} x 412; {tally.reads} GET; lost writes 0; "
        f"{seconds:.1f} s"
    )


@pytest.mark.parametrize(("kind", "workers"), CASES)
def test_concurrent_writers_lose_nothing(kind: str, workers: int, tmp_path: Path) -> None:
    with _server(kind, workers, tmp_path) as (base, log):
        clients = [httpx.Client(base_url=base, timeout=30) for _ in range(WRITERS)]
        try:
            started, tally = time.monotonic(), Tally()
            created = [
                clients[0].post(PATH, json={"name": f"row{number}"})
                for number in range(ROWS + DELETE_ROWS + MIXED_ROWS)
            ]
            assert [response.status_code for response in created] == [201] * len(created)
            pks = [response.json()["id"] for response in created]
            counters, doomed, mixed = pks[:ROWS], pks[ROWS:-MIXED_ROWS], pks[-MIXED_ROWS:]

            _bursts(clients, tally, counters)
            _retries(clients, tally, counters, SUCCESSES[workers])
            # A few versions first, so that stale deleters exist and versions are not all 1.
            _retries(clients, tally, doomed + mixed, 1)
            _check_rows(clients[0], tally, doomed + mixed)
            _deletes(clients, tally, doomed)
            survivors = _mixed(clients, tally, mixed)
            seconds = time.monotonic() - started

            _check_rows(clients[0], tally, counters + survivors)
            planned = ROUNDS + WRITERS * SUCCESSES[workers]
            assert sum(w.status == 200 and w.row in counters for w in tally.writes) == planned
            listed = clients[0].get(PATH).json()["results"]
            assert sorted(row["id"] for row in listed) == sorted(counters + survivors)
        finally:
            for client in clients:
                client.close()
        print(_figures(f"{kind} x{workers}", tally, seconds))
    text = log.read_text()
    assert "ERROR" not in text and "Traceback" not in text, text
