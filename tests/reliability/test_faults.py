"""The fault suite (issue #11): a real uvicorn server on 127.0.0.1 whose database or cache fails
under traffic, whose clients vanish mid-request or trickle their requests in.

Each scenario fails if the app answers a 5xx other than the documented 503, loses a write it
acknowledged, leaves a partial row, or needs a restart to recover (SPEC §20, R14.6, R10.17).
PostgreSQL is a cluster the module owns on a free port (``pg_cluster``), Redis a server the test
owns on another free port: the machine's shared services are never stopped.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import struct
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import ROOT, free_port, serving
from tests.reliability.pg_cluster import PgCluster, own_cluster

APP = "tests.reliability.apps.fault_app:app"
UNAVAILABLE = {"detail": "database unavailable"}
POLL = 0.02  # seconds between two looks at a condition awaited with a deadline


# -- shared machinery --------------------------------------------------------------------------


@dataclass
class Server:
    base: str
    port: int
    process: Any
    log: Path


@contextlib.contextmanager
def fault_server(folder: Path, **env: str) -> Iterator[Server]:
    """The fault app under one uvicorn process; its output goes to ``folder/server.log``."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", APP, "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning",
    ]  # fmt: skip
    with serving(command, folder, port, env={"PYTHONPATH": str(ROOT), **env}) as (base, process):
        yield Server(base, port, process, folder / "server.log")


def wait_for(
    condition: Callable[[], bool],
    seconds: float,
    what: str,
    problems: Callable[[], list[str]] = list,
) -> float:
    """Poll ``condition`` until it holds; the seconds it took. Fails past the deadline, or as
    soon as the clients report ``problems``."""
    started = time.monotonic()
    while not condition():
        if problems():
            raise AssertionError(f"while waiting for {what}: {problems()[:10]}")
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(POLL)
    return time.monotonic() - started


def problem_with_503(response: httpx.Response) -> str | None:
    """What is wrong with a 503, if anything: R20.1 fixes its body and Retry-After."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if body != UNAVAILABLE:
        return f"503 body {body!r}"
    if response.headers.get("retry-after") != "1":
        return f"503 Retry-After {response.headers.get('retry-after')!r}"
    if response.headers.get("content-type") != "application/json":
        return f"503 content type {response.headers.get('content-type')!r}"
    return None


def log_problems(log: Path, expected: tuple[str, ...] = ()) -> list[str]:
    """Lines of the server log that are not expected. The app logs WARNING and above (with
    tracebacks); uvicorn runs at --log-level warning. A 503 is an answer, not an incident, so
    a database outage logs nothing; only the listed warnings (a cache outage) may appear."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return [line for line in lines if not any(marker in line for marker in expected)]


# -- 1. PostgreSQL stopped and started again mid-traffic (R20.1, R20.2, R20.3) ------------------


@pytest.fixture(scope="module")
def pg() -> Iterator[PgCluster]:
    with own_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_database(pg: PgCluster) -> str:
    if not pg.running:  # a failed test may have left it stopped
        pg.start()
    name = f"faults_{uuid.uuid4().hex[:12]}"
    pg.create_database(name)
    return name


@dataclass
class Row:
    version: int
    certain: bool  # False after a 503 or a lost answer: the write may or may not have committed


@dataclass
class Writer:
    """One client thread: it alone writes its rows, so it knows what each row must hold."""

    owner: str
    base: str
    acked: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (version, token)
    # id -> {version: tokens}: PATCHes answered 503, which may have committed that version
    maybe: dict[int, dict[int, set[str]]] = field(default_factory=dict)
    maybe_created: set[str] = field(default_factory=set)  # tokens of POSTs answered 503
    rows: dict[int, Row] = field(default_factory=dict)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    successes: int = 0  # 2xx answers
    unavailable: int = 0  # 503 answers
    slowest_503: float = 0.0  # seconds
    first_success_after: dict[str, float] = field(default_factory=dict)
    tokens: Iterator[int] = field(default_factory=itertools.count)
    mark: str = ""  # the phase the main thread is in, to time the first success after it

    def token(self) -> str:
        return f"{self.owner}-{next(self.tokens)}"

    def answered(self, method: str, response: httpx.Response) -> int:
        status = response.status_code
        self.statuses[(method, status)] += 1
        if 200 <= status < 300:
            self.successes += 1
            self.first_success_after.setdefault(self.mark, time.monotonic())
        elif status == 503:
            self.unavailable += 1
            self.slowest_503 = max(self.slowest_503, response.elapsed.total_seconds())
            problem = problem_with_503(response)
            if problem:
                self.problems.append(f"{method}: {problem}")
        return status

    def unexpected(self, method: str, response: httpx.Response) -> None:
        self.problems.append(f"{method} answered {response.status_code}: {response.text[:300]}")

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(base_url=self.base, timeout=15) as client:
            for step in itertools.count():
                if stop.is_set():
                    return
                try:
                    self.step(client, step)
                except httpx.TransportError as error:  # the server must always answer
                    self.problems.append(f"no answer: {error!r}")

    def step(self, client: httpx.Client, step: int) -> None:
        kind = step % 4
        if kind == 0 and len(self.rows) < 4:
            self.create(client)
        elif self.rows and kind in (1, 2):
            self.update(client, list(self.rows)[step % len(self.rows)])
        elif self.rows:
            self.check(client, list(self.rows)[step % len(self.rows)])
        else:
            self.create(client)

    def create(self, client: httpx.Client) -> None:
        token = self.token()
        self.maybe_created.add(token)
        body = {"owner": self.owner, "title": token, "echo": token}
        response = client.post("/items", json=body)
        status = self.answered("POST", response)
        if status == 201:
            row = response.json()
            if (row["title"], row["echo"], row["version"]) != (token, token, 1):
                self.problems.append(f"POST answered {row}")
            self.maybe_created.discard(token)
            self.acked[row["id"]] = (1, token)
            self.rows[row["id"]] = Row(1, True)
        elif status != 503:
            self.unexpected("POST", response)

    def update(self, client: httpx.Client, pk: int) -> None:
        row = self.rows[pk]
        token = self.token()
        attempts = self.maybe.setdefault(pk, {}).setdefault(row.version + 1, set())
        attempts.add(token)
        body = {"title": token, "echo": token, "version": row.version}
        try:
            response = client.patch(f"/items/{pk}", json=body)
        except httpx.TransportError:
            row.certain = False
            raise
        status = self.answered("PATCH", response)
        if status == 200:
            answer = response.json()
            if (answer["title"], answer["version"]) != (token, row.version + 1):
                self.problems.append(f"PATCH answered {answer}")
            attempts.discard(token)
            row.version, row.certain = row.version + 1, True
            self.acked[pk] = (row.version, token)
        elif status == 503:
            row.certain = False
        elif status == 409 and not row.certain:
            pass  # the write answered 503 had committed after all: check() will learn it
        else:
            self.unexpected("PATCH", response)

    def check(self, client: httpx.Client, pk: int) -> None:
        row = self.rows[pk]
        response = client.get(f"/items/{pk}")
        status = self.answered("GET", response)
        if status == 503:
            return
        if status != 200:
            self.unexpected("GET", response)
            return
        found = response.json()
        if found["title"] != found["echo"]:
            self.problems.append(f"partial row {found}")
        version, token = self.acked[pk]
        if found["version"] < version or (found["version"] == version and found["title"] != token):
            self.problems.append(f"acknowledged write ({version}, {token}) lost: {found}")
        if row.certain and found["version"] != row.version:
            self.problems.append(f"row {pk} at version {found['version']}, expected {row.version}")
        row.version, row.certain = found["version"], True


def _pg_rows(pg: PgCluster, database: str) -> dict[int, tuple[str, str, str, int]]:
    with pg.connect(database) as connection:
        rows = connection.execute("SELECT id, owner, title, echo, version FROM items").fetchall()
    return {pk: (owner, title, echo, version) for pk, owner, title, echo, version in rows}


@pytest.mark.parametrize(
    ("driver", "stop_mode"),
    [("psycopg", "fast"), ("psycopg", "immediate"), ("asyncpg", "fast"), ("asyncpg", "immediate")],
)
def test_postgres_stopped_and_started_mid_traffic(pg, pg_database, tmp_path, driver, stop_mode):
    env = {"FAULT_DATABASE_URL": pg.url(driver, pg_database)}
    with fault_server(tmp_path, **env) as server:
        writers = [Writer(f"w{number}", server.base) for number in range(4)]
        stop = threading.Event()
        threads = [threading.Thread(target=writer.run, args=(stop,)) for writer in writers]
        for thread in threads:
            thread.start()

        def problems() -> list[str]:
            return [f"{w.owner}: {p}" for w in writers for p in w.problems]

        try:
            wait_for(
                lambda: all(w.successes >= 5 for w in writers), 20, "traffic before stop", problems
            )
            pg.stop(stop_mode)
            successes_at_stop = sum(w.successes for w in writers)
            unavailable_before = sum(w.unavailable for w in writers)
            wait_for(
                lambda: sum(w.unavailable for w in writers) >= unavailable_before + 20,
                15,
                "503 answers while PostgreSQL is down",
                problems,
            )
            successes_down = sum(w.successes for w in writers) - successes_at_stop
            ready = httpx.get(f"{server.base}/readyz", timeout=15)  # R19.8
            assert (ready.status_code, problem_with_503(ready)) == (503, None)
            for writer in writers:
                writer.mark = "restart"
            restarted = time.monotonic()
            pg.start()
            wait_for(
                lambda: all("restart" in w.first_success_after for w in writers),
                20,
                "success after PostgreSQL is back, without restarting the app",
                problems,
            )
            successes_at_recovery = sum(w.successes for w in writers)
            wait_for(
                lambda: sum(w.successes for w in writers) >= successes_at_recovery + 20,
                20,
                "traffic after recovery",
                problems,
            )
            assert httpx.get(f"{server.base}/readyz", timeout=15).json() == {"status": "ok"}
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)
        assert server.process.poll() is None, "the server died"
    recovery = max(w.first_success_after["restart"] for w in writers) - restarted

    assert problems() == []
    statuses = sum((w.statuses for w in writers), Counter())
    assert {status for _, status in statuses} <= {200, 201, 409, 503}, statuses

    stored = _pg_rows(pg, pg_database)
    lost, committed_after_503 = [], 0
    for writer in writers:
        for pk, (version, token) in writer.acked.items():
            owner, title, echo, found = stored.get(pk, (None, None, None, 0))
            if owner != writer.owner or found < version or (found == version and title != token):
                lost.append((writer.owner, pk, version, token, stored.get(pk)))
            elif found > version:  # only a write answered 503 may have committed unseen
                assert title in writer.maybe[pk].get(found, ()), (pk, stored[pk], writer.maybe[pk])
                committed_after_503 += 1
    assert lost == []
    assert all(title == echo for _, title, echo, _ in stored.values()), "partial rows"
    acked_ids = {pk for w in writers for pk in w.acked}
    maybe_created = {token for w in writers for token in w.maybe_created}
    strays = [row for pk, row in stored.items() if pk not in acked_ids]
    # A row nobody was told about can only be a POST answered 503 that committed after all.
    assert all(row[1] in maybe_created and row[3] == 1 for row in strays), strays
    assert log_problems(server.log) == []
    by_status: Counter[int] = Counter()
    for (_, status), count in statuses.items():
        by_status[status] += count
    print(
        f"\n[faults] postgres {driver} stop={stop_mode}: {sum(statuses.values())} requests, "
        f"statuses {dict(sorted(by_status.items()))}, "
        f"by method {dict(sorted(statuses.items()))}, 2xx while down {successes_down}, "
        f"acknowledged rows {len(acked_ids)}, lost writes {len(lost)}, "
        f"503 that had committed {committed_after_503} + {len(strays)} rows, "
        f"slowest 503 {max(w.slowest_503 for w in writers) * 1000:.0f} ms, "
        f"recovery {recovery:.2f} s after pg_ctl start returned"
    )


# -- 2. Redis killed and started again mid-traffic (R14.4, R14.6, R10.17, R20.3) -----------------

LOGIN_LIMIT = 5
CACHE_WARNINGS = (
    "WARNING lightapi: cache unavailable, serving uncached",
    "WARNING lightapi: cache available again",
    "WARNING lightapi: rate limit store unavailable, counting in memory",
)


@dataclass
class CacheReader:
    """A client that writes a row, then reads the list and the row: it must see its own write
    at once, cache or no cache (a stale entry would hide it), and only 2xx answers."""

    number: int
    base: str
    statuses: Counter[int] = field(default_factory=Counter)
    x_cache: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    created: dict[int, str] = field(default_factory=dict)

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(base_url=self.base, timeout=15) as client:
            for step in itertools.count():
                if stop.is_set():
                    return
                try:
                    self.step(client, step)
                except httpx.TransportError as error:
                    self.problems.append(f"no answer: {error!r}")

    def get(self, client: httpx.Client, path: str) -> Any:
        response = client.get(path)
        self.statuses[response.status_code] += 1
        if response.status_code != 200:
            self.problems.append(f"GET {path} answered {response.status_code}: {response.text}")
            return None
        self.x_cache[response.headers.get("x-cache", "none")] += 1
        return response.json()

    def step(self, client: httpx.Client, step: int) -> None:
        if step % 20 == 0:  # writes are rarer than reads, so that entries get hit
            title = f"r{self.number}-{step}"
            response = client.post("/cached", json={"title": title})
            self.statuses[response.status_code] += 1
            if response.status_code != 201:
                self.problems.append(f"POST answered {response.status_code}: {response.text}")
                return
            self.created[response.json()["id"]] = title
        listed = self.get(client, "/cached")
        if listed is not None:
            seen = {row["id"]: row["title"] for row in listed["results"]}
            missing = {pk: t for pk, t in self.created.items() if seen.get(pk) != t}
            if missing:
                self.problems.append(f"the list misses acknowledged rows {missing}")
        if self.created:
            pk = list(self.created)[step % len(self.created)]
            row = self.get(client, f"/cached/{pk}")
            if row is not None and row["title"] != self.created[pk]:
                self.problems.append(f"GET /cached/{pk} answered {row}")


def _login(base: str, client: str) -> int:
    response = httpx.post(
        f"{base}/auth/login",
        json={"username": "u", "password": "pw"},
        headers={"X-Forwarded-For": client},
        timeout=15,
    )
    assert response.status_code in (200, 429), (response.status_code, response.text)
    return response.status_code


def _logins(base: str, client: str, count: int) -> list[int]:
    return [_login(base, client) for _ in range(count)]


def test_redis_killed_and_started_mid_traffic(tmp_path):
    import redis

    from tests.http.test_cache import OwnRedis

    own_redis = OwnRedis()
    store = redis.Redis(port=own_redis.port)
    env = {
        "FAULT_DATABASE_URL": f"sqlite:///{tmp_path}/cache.db",
        "FAULT_REDIS_URL": f"redis://127.0.0.1:{own_redis.port}/0",
        "FAULT_PREFIX": "faults",
        "FAULT_LOGIN_LIMIT": str(LOGIN_LIMIT),
    }
    try:
        with (
            fault_server(tmp_path, **env) as server,
            httpx.Client(base_url=server.base, timeout=15) as client,
        ):
            assert client.post("/cached", json={"title": "first"}).status_code == 201
            assert [client.get("/cached").headers["x-cache"] for _ in range(2)] == ["MISS", "HIT"]
            # Before the outage: the limit is counted in Redis.
            assert _logins(server.base, "10.0.0.1", LOGIN_LIMIT + 1) == [200] * LOGIN_LIMIT + [429]
            assert store.keys("faults:ratelimit:*")

            readers = [CacheReader(number, server.base) for number in range(3)]
            stop = threading.Event()
            threads = [threading.Thread(target=r.run, args=(stop,)) for r in readers]
            for thread in threads:
                thread.start()

            def problems() -> list[str]:
                return [f"reader {r.number}: {p}" for r in readers for p in r.problems]

            try:
                wait_for(lambda: all(r.x_cache["HIT"] >= 3 for r in readers), 20, "hits", problems)
                own_redis.stop()
                killed = time.monotonic()
                # While Redis is down: every answer is a 200 MISS, served without waiting.
                answers = [client.get("/cached") for _ in range(5)]
                assert [(a.status_code, a.headers["x-cache"]) for a in answers] == [
                    (200, "MISS")
                ] * 5
                misses = sum(r.x_cache["MISS"] for r in readers)
                wait_for(
                    lambda: sum(r.x_cache["MISS"] for r in readers) >= misses + 30,
                    15,
                    "uncached service while Redis is down",
                    problems,
                )
                # R10.17: counting falls back to this process's memory; the limit still holds.
                assert _logins(server.base, "10.0.0.2", LOGIN_LIMIT + 1) == [200] * LOGIN_LIMIT + [
                    429
                ]
                outage = time.monotonic() - killed

                own_redis.start()  # empty: no persistence
                restarted = time.monotonic()
                hits = sum(r.x_cache["HIT"] for r in readers)
                wait_for(
                    lambda: sum(r.x_cache["HIT"] for r in readers) > hits,
                    40,  # the retry back-off doubles from 1 s up to 30 s (R14.6)
                    "caching resumes without restarting the app",
                    problems,
                )
                recovery = time.monotonic() - restarted
                wait_for(
                    lambda: sum(r.x_cache["HIT"] for r in readers) >= hits + 10,
                    20,
                    "caching stays on",
                    problems,
                )
            finally:
                stop.set()
                for thread in threads:
                    thread.join(30)
            # After the outage the counts made in memory still hold (a client cannot use an
            # outage to double its attempts in this process), and new counts are shared again.
            assert _login(server.base, "10.0.0.2") == 429
            assert _logins(server.base, "10.0.0.3", LOGIN_LIMIT + 1) == [200] * LOGIN_LIMIT + [429]
            assert any(b"10.0.0.3" in key for key in store.keys("faults:ratelimit:*"))
            assert server.process.poll() is None
    finally:
        own_redis.stop()
    assert problems() == []
    statuses = sum((r.statuses for r in readers), Counter())
    assert set(statuses) <= {200, 201}, statuses
    assert log_problems(server.log, CACHE_WARNINGS) == []
    x_cache = sum((r.x_cache for r in readers), Counter())
    print(
        f"\n[faults] redis: {sum(statuses.values())} requests, statuses {dict(statuses)}, "
        f"X-Cache {dict(x_cache)}, outage {outage:.2f} s, first HIT {recovery:.2f} s after "
        f"redis-server started, rows acknowledged {sum(len(r.created) for r in readers)}, "
        "stale or missing reads 0"
    )


# -- raw sockets ----------------------------------------------------------------------------------


def request_bytes(
    port: int, method: str, path: str, body: bytes = b"", length: int | None = None
) -> bytes:
    """An HTTP/1.1 request; ``length`` may claim more body than ``body`` holds."""
    declared = len(body) if length is None else length
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    )
    return head.encode() + body


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def vanish(sock: socket.socket, reset: bool) -> None:
    """Close without reading the answer: a FIN, or a RST (SO_LINGER 0) like a killed client."""
    if reset:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def read_status(sock: socket.socket) -> int:
    """The status of the answer on ``sock`` (one request per connection)."""
    received = b""
    while b"\r\n" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError(f"connection closed without an answer: {received!r}")
        received += chunk
    return int(received.split(b" ", 2)[1])


def item_body(title: str, owner: str = "raw") -> bytes:
    return json.dumps({"owner": owner, "title": title, "echo": title}).encode()


# -- 3. Clients disconnecting mid-request (R20.2, R20.3) ----------------------------------------


@pytest.mark.parametrize("driver", ["psycopg", "asyncpg"])
def test_clients_disconnecting_mid_request(pg, pg_database, tmp_path, driver):
    env = {"FAULT_DATABASE_URL": pg.url(driver, pg_database)}
    with (
        fault_server(tmp_path, **env) as server,
        httpx.Client(base_url=server.base, timeout=15) as client,
    ):
        port = server.port
        acked: dict[int, tuple[int, str]] = {}
        for number in range(10):
            row = client.post("/items", content=item_body(f"kept-{number}")).json()
            token = f"kept-{number}-2"
            patch = {"title": token, "echo": token, "version": 1}
            assert client.patch(f"/items/{row['id']}", json=patch).status_code == 200
            acked[row["id"]] = (2, token)
        attempted: dict[int, set[str]] = {pk: set() for pk in acked}

        # Bodies cut short: Content-Length promises more than is ever sent.
        cut = [connect(port) for _ in range(40)]
        for number, sock in enumerate(cut):
            body = item_body(f"cut-{number}")
            sock.sendall(request_bytes(port, "POST", "/items", body[: len(body) // 2], len(body)))
        for number, sock in enumerate(cut):
            vanish(sock, reset=number % 2 == 0)
        # Headers cut mid-line.
        for number in range(20):
            sock = connect(port)
            sock.sendall(request_bytes(port, "PATCH", f"/items/{next(iter(acked))}", b"{}")[:30])
            vanish(sock, reset=number % 2 == 0)
        # Whole requests whose client leaves before the answer: they may or may not commit,
        # but never in part, and never undoing what was acknowledged.
        gone = []
        for number in range(40):
            sock = connect(port)
            sock.sendall(request_bytes(port, "POST", "/items", item_body(f"gone-{number}")))
            gone.append(sock)
        for number, pk in enumerate(itertools.islice(itertools.cycle(acked), 20)):
            token = f"gone-patch-{number}"
            attempted[pk].add(token)
            body = json.dumps({"title": token, "echo": token, "version": 2}).encode()
            sock = connect(port)
            sock.sendall(request_bytes(port, "PATCH", f"/items/{pk}", body))
            gone.append(sock)
        for number in range(60):  # reads started and abandoned
            sock = connect(port)
            path = "/items" if number % 2 else f"/items/{next(iter(acked))}"
            sock.sendall(request_bytes(port, "GET", path))
            gone.append(sock)
        for number, sock in enumerate(gone):
            vanish(sock, reset=number % 3 == 0)

        # The server still answers, reads and writes.
        assert client.get("/healthz").status_code == 200
        assert client.post("/items", content=item_body("after")).status_code == 201
        assert client.get("/items").status_code == 200

        def check(stored: dict[int, tuple[str, str, str, int]]) -> None:
            assert not [row for row in stored.values() if row[1].startswith("cut-")]
            assert all(title == echo for _, title, echo, _ in stored.values()), "partial row"
            for pk, (version, token) in acked.items():
                _, title, _, found = stored[pk]
                assert (
                    found == version
                    and title == token
                    or (found == version + 1 and title in attempted[pk])
                ), (pk, stored[pk])

        during = _pg_rows(pg, pg_database)
        check(during)
        assert server.process.poll() is None
    after = _pg_rows(pg, pg_database)  # uvicorn's shutdown waited for what was running
    check(after)
    # Nothing seen committed was undone later.
    assert all(pk in after and after[pk][3] >= row[3] for pk, row in during.items())
    assert log_problems(server.log) == []
    committed = sum(row[1].startswith("gone-") for pk, row in after.items() if pk not in acked)
    patched = sum(after[pk][3] == 3 for pk in acked)
    print(
        f"\n[faults] disconnects {driver}: 40 cut bodies (0 rows), 20 cut headers, "
        f"40 POSTs left before the answer ({committed} committed whole), 20 PATCHes left "
        f"(two per row for version 2, so at most one per row: {patched} of 10 rows took one), "
        f"60 abandoned reads; acknowledged writes lost 0"
    )


# -- 4. Slow clients (slowloris-style) ----------------------------------------------------------


@dataclass
class SlowClient:
    """Sends its request a byte at a time until released, then the rest at once."""

    port: int
    request: bytes
    cut: bool  # leave without finishing
    sent: int = 0
    status: int | None = None
    problem: str | None = None

    def run(self, release: threading.Event) -> None:
        try:
            with connect(self.port) as sock:
                sock.settimeout(30)
                while self.sent < len(self.request) - 1 and not release.is_set():
                    sock.sendall(self.request[self.sent : self.sent + 1])
                    self.sent += 1
                    release.wait(0.01)  # the trickle's pace, not a synchronisation
                release.wait(60)
                if self.cut:
                    vanish(sock, reset=True)
                    return
                sock.sendall(self.request[self.sent :])
                self.status = read_status(sock)
        except OSError as error:
            self.problem = repr(error)


def test_slow_clients_do_not_hold_up_others(tmp_path):
    env = {"FAULT_DATABASE_URL": f"sqlite:///{tmp_path}/slow.db"}
    with fault_server(tmp_path, **env) as server:
        with httpx.Client(base_url=server.base, timeout=15) as client:
            assert client.post("/items", content=item_body("seed")).status_code == 201
        port = server.port
        padding = f"X-Padding: {'p' * 2000}\r\n"
        slow_get = f"GET /items/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n{padding}\r\n".encode()
        slow = [SlowClient(port, slow_get, cut=number == 0) for number in range(4)]
        body = item_body("slow-" + "s" * 150)
        slow += [
            SlowClient(port, request_bytes(port, "POST", "/items", body), cut=number == 0)
            for number in range(4)
        ]
        release = threading.Event()
        threads = [threading.Thread(target=s.run, args=(release,)) for s in slow]
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: all(s.sent >= 20 for s in slow), 20, "slow clients trickling")
            statuses: Counter[int] = Counter()
            errors: list[str] = []

            def normal(number: int) -> None:
                with httpx.Client(base_url=server.base, timeout=10) as http:
                    for step in range(30):
                        try:
                            if step % 3 == 0:
                                answer = http.post("/items", content=item_body(f"n{number}-{step}"))
                            else:
                                answer = http.get("/items/1" if step % 3 == 1 else "/items")
                        except httpx.TransportError as error:
                            errors.append(repr(error))
                            continue
                        statuses[answer.status_code] += 1

            normals = [threading.Thread(target=normal, args=(n,)) for n in range(3)]
            for thread in normals:
                thread.start()
            for thread in normals:
                thread.join(60)
            # Every normal request was answered while the slow ones were still trickling.
            assert errors == []
            assert statuses == Counter({200: 60, 201: 30})
            assert all(s.status is None and s.sent < len(s.request) for s in slow)
        finally:
            release.set()
            for thread in threads:
                thread.join(30)
        assert [s.problem for s in slow] == [None] * len(slow)
        assert [s.status for s in slow] == [None, 200, 200, 200, None, 201, 201, 201]
        with httpx.Client(base_url=server.base, timeout=15) as client:
            listed = client.get("/items").json()["results"]
        assert server.process.poll() is None
    assert sum(row["title"].startswith("slow-") for row in listed) == 3
    assert log_problems(server.log) == []
    trickled = sum(s.sent for s in slow)
    print(
        f"\n[faults] slow clients: 8 trickling ({trickled} bytes one at a time, 2 cut), "
        f"90 normal requests all answered {dict(statuses)}, "
        f"slow ones then {[s.status for s in slow]}"
    )
