"""Hostile input against a live uvicorn on 127.0.0.1 (issue #11; SPEC §5, §7, §8, §10, R20.2).

The target is tests/e2e/openapi_app.py, the app that uses every feature (JWT and Basic
endpoints, login routes, filters with every operator, search, ordering, cursor and page-number
pages, a verb override, reflected tables, the Redis response cache, CORS, a middleware, a 64 KiB
body limit), served by uvicorn in a subprocess over SQLite and over PostgreSQL (a schema of its
own). Requests are written byte for byte on raw sockets, so nothing an HTTP client would refuse
to send is out of reach.

Part 1 is a corpus: every case names what it sends and what the SPEC promises. Each answer must
be a 4xx with a JSON ``{"detail": ...}`` body, or the documented 2xx/304 where the input is
valid after all (a LIKE metacharacter searched literally must find exactly the rows that hold it,
and that is checked against the database); never a 5xx. Requests uvicorn's HTTP parser (h11)
refuses before LightAPI sees them are marked: for those, uvicorn's own ``400 Invalid HTTP
request received.`` (text/plain) is asserted. Every table is read before and after every case:
a rejected request must leave the database exactly as it was.

Part 2 is a hypothesis pass over request bodies (JSON built from the endpoints' field names,
with right and wrong types, non-objects, garbage bytes) and query strings (filter fields and
operators, reserved parameters, arbitrary text), derandomised and bounded. Same assertions; the
database is compared after every 4xx.

The server log must hold nothing but uvicorn's warnings for the requests it refused itself: no
traceback, no ERROR, no spurious cache outage.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import datetime
import hashlib
import hmac
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import jwt
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, inspect, text

from tests.e2e.server import ROOT, free_port, serving
from tests.services import pg_schema, pg_url, unavailable

SECRET = "hostile-input-secret-" + "h" * 48  # 64+ bytes: HS512 may sign with it
WRONG_SECRET = "not-the-secret-" + "w" * 32
REDIS_URL = "redis://127.0.0.1:6379/0"
BODY_LIMIT = 64 * 1024  # openapi_app's max_body_size (R5.12)
HEAD_LIMIT = 16 * 1024  # h11's limit on an incomplete request head, which uvicorn keeps
TABLES = ("authors", "books", "legacy_notes", "products", "vault")
UVICORN_400 = b"Invalid HTTP request received."
# SQL and LIKE metacharacters, sent in every parameter (R7.7: \, % and _ match themselves).
META = (
    "%", "_", "\\", "'", '"', ";--", "/*", "*/", "%_\\", "\\%", "%%", "' OR '1'='1",
    "1; DROP TABLE books;--", "a%b_c\\d'e\"f",
)  # fmt: skip
# Hypothesis examples per database and test; a deeper run on demand:
# LIGHTAPI_HOSTILE_EXAMPLES=5000 pytest tests/reliability/test_hostile.py -k fuzz
FUZZ_EXAMPLES = int(os.environ.get("LIGHTAPI_HOSTILE_EXAMPLES", "400"))


# -- the wire ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return bytes(out)


def parse_answer(data: bytes, method: str) -> Answer:
    head, separator, rest = data.partition(b"\r\n\r\n")
    assert separator, f"no complete answer: {data[:300]!r}"
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if method == "HEAD" or status in (204, 304):
        body = b""
    elif headers.get("transfer-encoding") == "chunked":
        body = _dechunk(rest)
    elif "content-length" in headers:
        body = rest[: int(headers["content-length"])]
        assert len(body) == int(headers["content-length"]), "answer cut short"
    else:
        body = rest
    return Answer(status, headers, body)


def exchange(port: int, raw: bytes, method: str, timeout: float = 20.0) -> Answer:
    """Send ``raw`` on a fresh connection and read the answer until the server closes it (every
    request says ``Connection: close``). A server that waited for more input instead of
    answering makes this time out: a failure, never a pause that synchronises anything."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)
        data = bytearray()
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                data += chunk
    return parse_answer(bytes(data), method)


AUTO = object()


def as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def http_request(
    method: str | bytes,
    target: str | bytes,
    headers: Sequence[tuple[str | bytes, str | bytes]],
    body: bytes,
    *,
    host: bytes,
    length: Any = AUTO,
    chunks: Sequence[bytes] | None = None,
    end_chunks: bool = True,
) -> bytes:
    """One HTTP/1.1 request as bytes. ``length``: AUTO (the body's, when there is one or the
    method carries one), None (no Content-Length), or whatever value to declare. ``chunks``
    sends the body with chunked transfer coding instead, optionally without its last chunk.
    An empty ``host`` sends no Host header."""
    lines = [as_bytes(method) + b" " + as_bytes(target) + b" HTTP/1.1"]
    if host and not any(as_bytes(name).lower() == b"host" for name, _ in headers):
        lines.append(b"Host: " + host)
    lines.append(b"Connection: close")
    for name, value in headers:  # a value of None: the bare name, a line without a colon
        lines.append(as_bytes(name) if value is None else as_bytes(name) + b": " + as_bytes(value))
    if chunks is not None:
        lines.append(b"Transfer-Encoding: chunked")
        payload = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
        body = payload + (b"0\r\n\r\n" if end_chunks else b"")
    elif length is AUTO:
        if body or as_bytes(method) in (b"POST", b"PUT", b"PATCH"):
            lines.append(b"Content-Length: %d" % len(body))
    elif length is not None:
        lines.append(b"Content-Length: " + as_bytes(str(length)))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


# -- the server and its database -----------------------------------------------------------------


Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(engine: Any) -> Snapshot:
    """Every row of every table, in a stable order."""
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))),
                key=repr,
            )
            for table in TABLES
        }


def table_rows(engine: Any, table: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()]


def count(stats: collections.Counter[str], status: int, *, by_uvicorn: bool = False) -> None:
    stats["requests"] += 1
    stats[f"{status // 100}xx"] += 1
    if by_uvicorn:
        stats["refused by uvicorn"] += 1


@dataclass
class Target:
    database: str
    port: int
    base: str
    log: Path
    engine: Any
    http: httpx.Client
    admin: str = ""  # bearer tokens
    user: str = ""
    ids: dict[str, int] = field(default_factory=dict)
    baseline: Snapshot = field(default_factory=dict)
    stats: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def host(self) -> bytes:
        return b"127.0.0.1:%d" % self.port

    def send(self, raw: bytes, method: str) -> Answer:
        answer = exchange(self.port, raw, method)
        count(self.stats, answer.status, by_uvicorn=answer.body == UVICORN_400)
        return answer

    def changed_tables(self) -> list[str]:
        """The tables that differ from the baseline, which becomes the current state (so a
        failure is reported once, not again by every later case); counted when any."""
        now = snapshot(self.engine)
        changed = [table for table in TABLES if now[table] != self.baseline[table]]
        if changed:
            self.stats["database changes by rejected requests"] += 1
            self.baseline = now
        return changed

    def check_unchanged(self, what: str) -> None:
        changed = self.changed_tables()
        assert not changed, f"{what} changed the database (tables {changed})"


def _redis_or_fail() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("Redis", error)


def _forget_keys(prefix: str) -> None:
    store = redis.Redis.from_url(REDIS_URL)
    keys = store.keys(f"{prefix}:*")
    if keys:
        store.delete(*keys)


def basic(user: bytes, password: bytes) -> str:
    return "Basic " + base64.b64encode(user + b":" + password).decode()


ROOT_BASIC = basic(b"root", b"root-pw")
# Rows whose text holds the metacharacters literally, and their look-alikes without them.
BOOK_TITLES = (
    "100% Cotton", "100 Percent", "snake_case", "snakeXcase", "back\\slash", "backslash",
    "O'Brien's Third", 'The "Quoted" One', "Semi;-- colon", "C /* comment */ D", "Plain",
    "UPPER_lower%", "a%b_c\\d'e\"f",
)  # fmt: skip
NOTE_BODIES = ("50% off", "50 percent off", "under_score", "underXscore", "a\\b", "quote ' here")


def seed(target: Target) -> None:
    """Rows for every endpoint, written through the API itself."""
    http = target.http

    def created(response: httpx.Response) -> int:
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def login(username: str, password: str) -> str:
        response = http.post("/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return str(response.json()["token"])

    target.admin = login("root", "root-pw")
    target.user = login("ann", "ann-pw")
    admin = {"Authorization": f"Bearer {target.admin}"}
    author = http.post("/authors", json={"name": "Ann Leckie"}, headers=admin)
    target.ids["author"] = created(author)
    created(http.post("/authors", json={"name": "Flann O'Brien"}, headers=admin))
    created(http.post("/authors", json={"name": "Anon Ymous"}, headers=admin))  # out of scope
    for number, title in enumerate(BOOK_TITLES):
        book = {"title": title, "pages": 10 + number, "author_id": target.ids["author"]}
        if number < 3:
            book["isbn"] = f"978000000000{number}"
        created(http.post("/books", json=book, headers=admin))
    extra = {"published": "2024-05-06T07:08:09Z", "released": "2024-05-06", "rating": 4.5}
    for name, book in [
        ("book", {"title": "Target", **extra}),
        ("cond", {"title": "Conditional"}),  # no case changes it: its tag stays "<id>-1"
        ("fuzz", {"title": "Fuzz target"}),  # PUT and PATCH of the fuzz pass
    ]:
        target.ids[name] = created(http.post("/books", json=book, headers=admin))
    vault = http.post("/vault", json={"secret": "alpha"}, headers={"Authorization": ROOT_BASIC})
    target.ids["vault"] = created(vault)
    for body in NOTE_BODIES:
        created(http.post("/legacy-notes", json={"body": body}))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[Target]:
    _redis_or_fail()
    folder = tmp_path_factory.mktemp(f"hostile-{request.param}")
    prefix = f"hostile-{uuid.uuid4().hex}"
    with contextlib.ExitStack() as stack:
        stack.callback(_forget_keys, prefix)
        if request.param == "postgresql":
            schema = stack.enter_context(pg_schema())
            url = f"{pg_url('psycopg')}?options=-csearch_path%3D{schema}"
            env = {"OPENAPI_APP_DATABASE_URL": url}
        else:
            url = f"sqlite:///{folder / 'app.db'}"
            env = {"OPENAPI_APP_DB": str(folder / "app.db")}
        env |= {
            "OPENAPI_APP_REDIS": REDIS_URL,
            "OPENAPI_APP_PREFIX": prefix,
            "LIGHTAPI_JWT_SECRET": SECRET,
            "PYTHONPATH": str(ROOT),
        }
        port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", "tests.e2e.openapi_app:app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ]  # fmt: skip
        engine = create_engine(url)
        stack.callback(engine.dispose)
        base, _process = stack.enter_context(serving(command, folder, port, env))
        stats: collections.Counter[str] = collections.Counter()
        hooks = {"response": [lambda response: count(stats, response.status_code)]}
        http = stack.enter_context(httpx.Client(base_url=base, timeout=20, event_hooks=hooks))
        made = Target(request.param, port, base, folder / "server.log", engine, http, stats=stats)
        assert set(inspect(engine).get_table_names()) == set(TABLES)  # the snapshot sees all
        seed(made)
        made.baseline = snapshot(engine)
        yield made


# -- the corpus ----------------------------------------------------------------------------------

Header = tuple[str | bytes, Any]  # a value, or a function of the Target giving one
Check = Callable[[Target, Answer], None]


@dataclass(frozen=True)
class Case:
    """One hostile request and what the SPEC promises for it.

    ``path`` may name seeded rows as ``{book}``, ``{cond}``, ``{author}``, ``{vault}``...
    ``expect`` is a set of statuses, or one per database. ``by_uvicorn``: h11 refuses the
    request before the app runs. ``cut``: only the start of the request is sent, the server
    must answer without the rest. ``created``: a valid write whose row is checked by ``check``,
    then deleted again through the API, before the database is compared."""

    category: str
    name: str
    method: str | bytes
    path: str | bytes
    expect: frozenset[int] | Mapping[str, frozenset[int]]
    headers: tuple[Header, ...] = ()
    body: bytes = b""
    length: Any = AUTO
    chunks: tuple[bytes, ...] | None = None
    end_chunks: bool = True
    detail: str | None = None
    by_uvicorn: bool | None = False  # None: either, depending on how TCP delivered the head
    cut: int | None = None  # send only the first ``cut`` bytes, then wait for the answer
    check: Check | None = None
    created: str | None = None  # the endpoint ("books", "vault") to delete the created row of
    host: bool = True  # False: no Host header at all

    @property
    def id(self) -> str:
        return f"{self.category}: {self.name}"

    def statuses(self, database: str) -> frozenset[int]:
        if isinstance(self.expect, frozenset):
            return self.expect
        return self.expect[database]

    def render(self, target: Target) -> bytes:
        headers = [
            (name, value(target) if callable(value) else value) for name, value in self.headers
        ]
        raw = http_request(
            self.method,
            self.path.format(**target.ids) if isinstance(self.path, str) else self.path,
            headers,
            self.body,
            host=target.host if self.host else b"",
            length=self.length,
            chunks=self.chunks,
            end_chunks=self.end_chunks,
        )
        return raw if self.cut is None else raw[: self.cut]


def S(*statuses: int) -> frozenset[int]:
    return frozenset(statuses)


def per_database(sqlite: frozenset[int], postgresql: frozenset[int]) -> Mapping[str, Any]:
    return {"sqlite": sqlite, "postgresql": postgresql}


def admin(target: Target) -> str:
    return f"Bearer {target.admin}"


def user(target: Target) -> str:
    return f"Bearer {target.user}"


ADMIN: Header = ("Authorization", admin)
USER: Header = ("Authorization", user)
BASIC: Header = ("Authorization", ROOT_BASIC)
INVALID_JSON = "Invalid JSON body"
TOO_LARGE = "Request body too large"
INVALID_CURSOR = "Invalid cursor"
INVALID_IF_MATCH = "Invalid If-Match header"
PRECONDITION = "precondition failed"
AUTH_REQUIRED = "Authentication required"
FORBIDDEN = "Insufficient permissions"
BAD_CREDENTIALS = "Invalid credentials"
ROW_404 = "not found"
ROUTER_404 = "Not Found"
REJECTED = "value rejected by the database"

CORPUS: list[Case] = []


def case(category: str, name: str, method: str, path: str, expect: Any, **options: Any) -> None:
    CORPUS.append(Case(category, name, method, path, expect, **options))


# Endpoints that take a body: POST/PUT/PATCH on built-in handlers, a verb override (self.data is
# parsed before the hook, R23.6), and the login route (its invalid JSON is 422, R10.12).
BODY_TARGETS = (
    ("POST /books", "POST", "/books", (ADMIN,)),
    ("PUT /books/{id}", "PUT", "/books/{book}", (ADMIN,)),
    ("PATCH /books/{id}", "PATCH", "/books/{book}", (ADMIN,)),
    ("PATCH /authors/{id}", "PATCH", "/authors/{author}", (ADMIN,)),
    ("POST /vault (override)", "POST", "/vault", (BASIC,)),
    ("POST /legacy-notes (reflected)", "POST", "/legacy-notes", ()),
)
LOGIN = ("POST /auth/login", "POST", "/auth/login", ())


def every_body_target(
    category: str, name: str, body: bytes, expect: Any, detail: str | None, login: Any = None
) -> None:
    """``body`` to every endpoint that takes one; the login route answers ``login``."""
    for label, method, path, headers in BODY_TARGETS:
        case(category, f"{name} -> {label}", method, path, expect, headers=headers, body=body,
             detail=detail)  # fmt: skip
    if login is not None:
        label, method, path, headers = LOGIN
        case(category, f"{name} -> {label}", method, path, login, headers=headers, body=body)


# 1. Malformed JSON: 400 "Invalid JSON body" (R5.11, R23.2); 422 json_invalid on login (R10.12).
for _name, _body in [
    ("unclosed object", b"{"),
    ("missing value", b'{"title": }'),
    ("trailing comma", b'{"title": "a",}'),
    ("single quotes", b"{'title': 'a'}"),
    ("trailing garbage", b'{"title": "a"} trailing'),
    ("two documents", b'{"title": "a"}{"title": "b"}'),
    ("unclosed array", b"[1, 2"),
    ("unterminated string", b'"unterminated'),
    ("bare word", b"tru"),
    ("comment", b'{"title": "a" /* c */}'),
    ("raw control character in a string", b'{"title": "a\x01b"}'),
    ("raw newline in a string", b'{"title": "a\nb"}'),
    ("byte order mark", b'\xef\xbb\xbf{"title": "a"}'),
    ("NaN literal", b'{"title": "a", "pages": NaN}'),
    ("Infinity literal", b'{"title": "a", "weight": Infinity}'),
    ("-Infinity literal", b'{"title": "a", "weight": -Infinity}'),
    ("lone surrogate escape", b'{"title": "\\ud800"}'),
    ("bad escape", b'{"title": "\\x41"}'),
    ("hexadecimal number", b'{"pages": 0x10}'),
    ("leading zeros", b'{"pages": 007}'),
    ("plus sign", b'{"pages": +1}'),
]:
    every_body_target("malformed JSON", _name, _body, S(400), INVALID_JSON, login=S(422))

# Valid JSON that is no object: 422 model_type at [] (R5.11); the override's create() says the
# same about self.data.
for _name, _body in [("array", b"[]"), ("string", b'"text"'), ("number", b"42"), ("null", b"null")]:
    every_body_target("JSON that is no object", _name, _body, S(422), None, login=S(422))

# 2. Deep nesting, every body under the size limit. Past the parsers' depth limit the document is
# invalid JSON (400); shallow enough, the field has the wrong type (422).
_DEEP = 30_000
for _name, _body, _expect in [
    ("30,000 nested arrays", b"[" * _DEEP + b"]" * _DEEP, S(400)),
    ("10,000 nested objects", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, S(400)),
    ("30,000 nested arrays around NaN", b"[" * _DEEP + b"NaN" + b"]" * _DEEP, S(400)),
    ("a title of 1,000 nested arrays", b'{"title": ' + b"[" * 1000 + b"]" * 1000 + b"}", S(400)),
    ("a title of 100 nested arrays", b'{"title": ' + b"[" * 100 + b"]" * 100 + b"}", S(422)),
]:
    every_body_target("deep nesting", _name, _body, _expect, None, login=S(422))

# 3. Bodies past max_body_size (64 KiB here): 413 (R5.12), before reading when Content-Length
# says so, as soon as the limit is passed when chunked. Content-Length values h11 cannot parse
# are refused by uvicorn.
_BIG = b'{"title": "' + b"x" * BODY_LIMIT + b'"}'
for _label, _method, _path, _headers in (*BODY_TARGETS, LOGIN):
    _where = f"-> {_label}"
    case("huge bodies", f"Content-Length past the limit, whole body {_where}", _method, _path,
         S(413), headers=_headers, body=_BIG, detail=TOO_LARGE)  # fmt: skip
    case("huge bodies", f"Content-Length 10^9 and no body sent {_where}", _method, _path,
         S(413), headers=_headers, length=10**9, detail=TOO_LARGE)  # fmt: skip
    case("huge bodies", f"chunked past the limit, never finished {_where}", _method, _path,
         S(413), headers=_headers, chunks=(b" " * 8192,) * 9, end_chunks=False,
         detail=TOO_LARGE)  # fmt: skip
case("huge bodies", "Content-Length of 20 digits and no body", "POST", "/books", S(413),
     headers=(ADMIN,), length="9" * 20, detail=TOO_LARGE)  # fmt: skip
case("huge bodies", "Expect: 100-continue past the limit", "POST", "/books", S(413),
     headers=(ADMIN, ("Expect", "100-continue")), length=10**6, detail=TOO_LARGE)  # fmt: skip
case("huge bodies", "Content-Length smaller than the body (the rest is ignored)", "POST",
     "/books", S(400), headers=(ADMIN,), body=b'{"title": "cut"}', length=2,
     detail=INVALID_JSON)  # fmt: skip
case("huge bodies", "a body without Content-Length is no body ({} -> 422)", "POST", "/books",
     S(422), headers=(ADMIN,), body=b'{"title": "x"}', length=None)  # fmt: skip
case("huge bodies", "chunked and small (a normal request)", "POST", "/books", S(422),
     headers=(ADMIN,), chunks=(b'{"title"', b': ""}'))  # fmt: skip
case("huge bodies", "Transfer-Encoding and Content-Length (chunked wins)", "POST", "/books",
     S(422), headers=(ADMIN, ("Content-Length", "5")), chunks=(b'{"title": ""}',))  # fmt: skip
for _name, _value in [("negative", "-1"), ("hexadecimal", "0x10"), ("signed", "+5"),
                      ("not a number", "abc")]:  # fmt: skip
    case("huge bodies", f"Content-Length {_name}", "POST", "/books", S(400), headers=(ADMIN,),
         length=_value, by_uvicorn=True)  # fmt: skip
case("huge bodies", "two different Content-Lengths", "POST", "/books", S(400),
     headers=(ADMIN, ("Content-Length", "2"), ("Content-Length", "3")), body=b"{}x",
     length=None, by_uvicorn=True)  # fmt: skip
case("huge bodies", "a chunk size that is no number", "POST", "/books", S(400),
     headers=(ADMIN, ("Transfer-Encoding", "chunked")), body=b"zz\r\nabc\r\n0\r\n\r\n",
     length=None, by_uvicorn=True)  # fmt: skip
# uvicorn answers while the app awaits the body; the app then sees the client gone (R20.3).
case("huge bodies", "a chunk size that is no number, Host [::1", "POST", "/books", S(400),
     headers=(ADMIN, ("Host", "[::1"), ("Transfer-Encoding", "chunked")),
     body=b"zz\r\nabc\r\n0\r\n\r\n", length=None, by_uvicorn=True)  # fmt: skip
case("huge bodies", "Transfer-Encoding: gzip", "POST", "/books", S(400),
     headers=(ADMIN, ("Transfer-Encoding", "gzip")), body=b"{}", length=None,
     by_uvicorn=True)  # fmt: skip

# 4. Huge and many headers. h11 refuses a request head that passes 16 KiB while still
# incomplete (so a head cut there is always refused); a longer head that arrives in one read is
# parsed and reaches the app, which must cope with it.
_FILLER = "v" * 10
_MANY = tuple((f"X-H{n}", _FILLER) for n in range(1500))
case("huge headers", "one 20 KiB header, the head cut at 17 KB", "GET", "/books", S(400),
     headers=(("X-Big", "b" * 20_000),), cut=17_000, by_uvicorn=True)  # fmt: skip
case("huge headers", "1,500 headers, the head cut at 17 KB", "GET", "/books", S(400),
     headers=_MANY, cut=17_000, by_uvicorn=True)  # fmt: skip
case("huge headers", "one 20 KiB header, whole", "GET", "/books", S(200, 400),
     headers=(("X-Big", "b" * 20_000),), by_uvicorn=None)  # fmt: skip
case("huge headers", "1,500 headers, whole", "GET", "/books", S(200, 400), headers=_MANY,
     by_uvicorn=None)  # fmt: skip
case("huge headers", "1,500 headers on a write, whole", "POST", "/books", S(400, 422),
     headers=(ADMIN, *_MANY), body=b'{"title": ""}', by_uvicorn=None)  # fmt: skip
case("huge headers", "300 headers on a list", "GET", "/books", S(200),
     headers=tuple((f"X-H{n}", _FILLER) for n in range(300)))  # fmt: skip
case("huge headers", "300 headers on a write", "POST", "/books", S(422),
     headers=(ADMIN, *((f"X-H{n}", _FILLER) for n in range(300))), body=b'{"title": ""}')
case("huge headers", "a 12 KB bearer token on a write", "POST", "/books", S(401),
     headers=(("Authorization", "Bearer " + "A" * 12_000),), body=b'{"title": "x"}',
     detail=AUTH_REQUIRED)  # fmt: skip
case("huge headers", "a 12 KB bearer token on a public list (anonymous, R10.4)", "GET",
     "/books", S(200), headers=(("Authorization", "Bearer " + "A" * 12_000),))  # fmt: skip
case("huge headers", "a 12 KB Basic header", "POST", "/vault", S(401),
     headers=(("Authorization", "Basic " + "Q" * 12_000),), body=b'{"secret": "x"}',
     detail=AUTH_REQUIRED)  # fmt: skip
case("huge headers", "a 12 KB Accept-Language (a vary_on header of the cache)", "GET",
     "/authors", S(200), headers=(("Accept-Language", "fr," * 4000),))  # fmt: skip
case("huge headers", "1,000 X-Forwarded-For addresses on a login", "POST", "/auth/login",
     S(401), headers=(("X-Forwarded-For", ", ".join(["10.0.0.1"] * 1000)),),
     body=b'{"username": "root", "password": "no"}', detail=BAD_CREDENTIALS)  # fmt: skip
case("huge headers", "an 8 KB header name", "GET", "/books", S(200), headers=(("X" * 8000, "1"),))
case("huge headers", "a 12 KB cookie", "GET", "/books", S(200),
     headers=(("Cookie", "a=" + "c" * 12_000),))  # fmt: skip
case("huge headers", "a 12 KB Content-Type", "POST", "/books", S(422),
     headers=(ADMIN, ("Content-Type", "application/" + "j" * 12_000)), body=b'{"title": ""}')
case("huge headers", "a 12 KB If-Match", "PATCH", "/books/{cond}", S(400),
     headers=(ADMIN, ("If-Match", '"' + "1" * 12_000)), body=b'{"title": "x"}',
     detail=INVALID_IF_MATCH)  # fmt: skip
# A Host that makes no URL: page links and cache keys are built from it (R8.4, §14).
for _host in ("[::1", "a b", "evil.example:99999", "x" * 10_000, "%00"):
    for _path in ("/authors?page=1", "/legacy-notes?page=1", "/books"):
        case("huge headers", f"Host {_host[:12]!r} on {_path}", "GET", _path, S(200),
             headers=(("Host", _host),))  # fmt: skip

# 5. Content types: bodies are JSON whatever the Content-Type says (R5.11).
for _type, _body in [
    ("application/x-www-form-urlencoded", b"title=x&pages=3"),
    ("multipart/form-data; boundary=b",
     b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b--\r\n'),
    ("application/xml", b"<book><title>x</title></book>"),
    ("application/json; charset=utf-16", '{"title": "x"}'.encode("utf-16")),
    ("application/json; charset=latin-1", '{"title": "caf\xe9"}'.encode("latin-1")),
    ("application/octet-stream", bytes(range(256))),
]:  # fmt: skip
    case("content types", f"{_type} -> POST /books", "POST", "/books", S(400),
         headers=(ADMIN, ("Content-Type", _type)), body=_body, detail=INVALID_JSON)  # fmt: skip
case("content types", "gzip-encoded JSON is not decoded", "POST", "/books", S(400),
     headers=(ADMIN, ("Content-Encoding", "gzip")),
     body=b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xabV*\xc9,\xc9IU\xb2RP\xaaP\xaa\x05\x00",
     detail=INVALID_JSON)  # fmt: skip
case("content types", "text/plain holding an invalid book is validated (422)", "POST", "/books",
     S(422), headers=(ADMIN, ("Content-Type", "text/plain")), body=b'{"title": ""}')


def _created_title(expected: str) -> Check:
    def check(target: Target, answer: Answer) -> None:
        assert answer.json()["title"] == expected
        [row] = [row for row in table_rows(target.engine, "books") if row["title"] == expected]
        assert row["id"] == answer.json()["id"]

    return check


case("content types", "text/plain holding a valid book creates it (R5.11)", "POST", "/books",
     S(201), headers=(ADMIN, ("Content-Type", "text/plain")), body=b'{"title": "Typed as text"}',
     check=_created_title("Typed as text"), created="books")  # fmt: skip

# 6. Invalid UTF-8: in a body 400 (R5.11); in the request line h11 refuses raw bytes above
# 0x7e; percent-encoded, Starlette decodes them with U+FFFD, the app answers for that text.
for _name, _body in [
    ("0xff", b'{"title": "\xff"}'),
    ("a truncated sequence", b'{"title": "\xc3"}'),
    ("an overlong encoding", b'{"title": "\xc0\xaf"}'),
    ("an encoded surrogate", b'{"title": "\xed\xa0\x80"}'),
    ("a code point past U+10FFFF", b'{"title": "\xf4\x90\x80\x80"}'),
    ("UTF-16 with a BOM", b"\xff\xfe{\x00}\x00"),
]:
    every_body_target("invalid UTF-8", f"{_name} in a body", _body, S(400), INVALID_JSON,
                      login=S(422))  # fmt: skip
case("invalid UTF-8", "0xff in the path", "GET", b"/books/\xff", S(400), by_uvicorn=True)
case("invalid UTF-8", "0xff in the query", "GET", b"/books?title=\xff", S(400), by_uvicorn=True)
case("invalid UTF-8", "%ff in the path", "GET", "/books/%ff", S(404), detail=ROUTER_404)
case("invalid UTF-8", "%c0%af in the path", "GET", "/b%c0%afooks", S(404), detail=ROUTER_404)
case("invalid UTF-8", "%ff as a path id", "DELETE", "/books/1%ff", S(404), headers=(ADMIN,),
     detail=ROUTER_404)  # fmt: skip
for _param, _expect, _detail in [
    ("ordering", S(422), None), ("cursor", S(400), INVALID_CURSOR), ("page_size", S(422), None),
    ("pages", S(422), None), ("price__gt", S(422), None), ("published", S(422), None),
    ("ref", S(422), None), ("available", S(422), None), ("author_id__in", S(422), None),
]:  # fmt: skip
    case("invalid UTF-8", f"%ff%fe in ?{_param}", "GET", f"/books?{_param}=%ff%fe", _expect,
         detail=_detail)  # fmt: skip
case("invalid UTF-8", "%ff in ?page", "GET", "/authors?page=%ff", S(422))
case("invalid UTF-8", "%ff as a parameter name (ignored, R7.2)", "GET", "/books?%ff=1", S(200))
case("invalid UTF-8", "0xff in a bearer token", "POST", "/books", S(401),
     headers=(("Authorization", b"Bearer \xff\xfe"),), body=b'{"title": "x"}',
     detail=AUTH_REQUIRED)  # fmt: skip
case("invalid UTF-8", "0xff in Basic credentials", "POST", "/vault", S(401),
     headers=(("Authorization", b"Basic \xff\xfe"),), body=b'{"secret": "x"}',
     detail=AUTH_REQUIRED)  # fmt: skip
case("invalid UTF-8", "0xff inside an If-Match tag (a tag, matching nothing)", "PATCH",
     "/books/{cond}", S(412), headers=(ADMIN, ("If-Match", b'"\xff"')), body=b'{"title": "x"}',
     detail=PRECONDITION)  # fmt: skip
case("invalid UTF-8", "0xff in If-None-Match (ignored, R23.3)", "GET", "/books/{cond}", S(200),
     headers=(("If-None-Match", b"\xff"),))  # fmt: skip

# 7. NUL bytes. PostgreSQL text cannot hold one: a value it rejects is 422 (R5.21); SQLite
# stores it like any character. h11 refuses NUL in the request line and in headers.
case("NUL bytes", "an escaped NUL in a title", "POST", "/books",
     per_database(sqlite=S(201), postgresql=S(422)), headers=(ADMIN,),
     body=b'{"title": "a\\u0000b"}', check=_created_title("a\x00b"), created="books")  # fmt: skip
case("NUL bytes", "an escaped NUL in a vault secret (override)", "POST", "/vault",
     per_database(sqlite=S(201), postgresql=S(422)), headers=(BASIC,),
     body=b'{"secret": "\\u0000"}', created="vault")  # fmt: skip
case("NUL bytes", "an escaped NUL in a PATCH of a non-null string", "PATCH", "/authors/{author}",
     S(422), headers=(ADMIN,), body=b'{"name": "A\\u0000"}')  # the name pattern refuses it
every_body_target("NUL bytes", "a raw NUL in a string", b'{"title": "a\x00b"}', S(400),
                  INVALID_JSON, login=S(422))  # fmt: skip
every_body_target("NUL bytes", "a raw NUL before the document", b"\x00{}", S(400), INVALID_JSON,
                  login=S(422))  # fmt: skip
every_body_target("NUL bytes", "only NULs", b"\x00" * 64, S(400), INVALID_JSON, login=S(422))
case("NUL bytes", "an escaped NUL as login username", "POST", "/auth/login", S(401),
     body=b'{"username": "root\\u0000", "password": "root-pw"}', detail=BAD_CREDENTIALS)
case("NUL bytes", "a NUL in Basic credentials", "POST", "/vault", S(401),
     headers=(("Authorization", basic(b"root\x00", b"root-pw")),), body=b'{"secret": "x"}',
     detail=AUTH_REQUIRED)  # fmt: skip
case("NUL bytes", "a NUL after a Basic password", "POST", "/vault", S(401),
     headers=(("Authorization", basic(b"root", b"root-pw\x00")),), body=b'{"secret": "x"}',
     detail=AUTH_REQUIRED)  # fmt: skip
for _query, _expect, _detail in [
    ("title=%00", per_database(sqlite=S(200), postgresql=S(422)), None),
    ("title__in=a,%00", per_database(sqlite=S(200), postgresql=S(422)), None),
    ("title__ne=%00", per_database(sqlite=S(200), postgresql=S(422)), None),
    ("search=%00", S(422), None),  # R7.7: it could not match literally
    ("search=a%00zzz", S(422), None),
    ("ordering=%00", S(422), None),
    ("ordering=pages%00", S(422), None),
    ("cursor=%00", S(400), INVALID_CURSOR),
    ("page_size=%00", S(422), None),
    ("page_size=1%00", S(422), None),
    ("pages=1%00", S(422), None),
    ("ref=%00", S(422), None),
    ("published=2024-01-01%00", S(422), None),
    ("released=2024-01-01%00", S(422), None),
    ("available=true%00", S(422), None),
    ("%00=1", S(200), None),
]:
    case("NUL bytes", f"?{_query}", "GET", f"/books?{_query}", _expect, detail=_detail)
case("NUL bytes", "?search=%00 on a reflected table", "GET", "/legacy-notes?search=%00", S(422))
case("NUL bytes", "?page=%00", "GET", "/authors?page=%00", S(422))
case("NUL bytes", "%00 as a path id", "GET", "/books/%00", S(404), detail=ROUTER_404)
case("NUL bytes", "%00 after a path id", "PATCH", "/books/1%00", S(404), headers=(ADMIN,),
     body=b'{"title": "x"}', detail=ROUTER_404)  # fmt: skip
case("NUL bytes", "a raw NUL in the path", "GET", b"/books/\x00", S(400), by_uvicorn=True)
case("NUL bytes", "a raw NUL in a header value", "GET", "/books", S(400),
     headers=(("X-A", b"a\x00b"),), by_uvicorn=True)  # fmt: skip
case("NUL bytes", "a raw NUL in a header name", "GET", "/books", S(400),
     headers=((b"X-\x00", b"1"),), by_uvicorn=True)  # fmt: skip
case("NUL bytes", "a raw NUL in a bearer token", "POST", "/books", S(400),
     headers=(("Authorization", b"Bearer a\x00b"),), body=b"{}", by_uvicorn=True)  # fmt: skip

# 8. Overlong strings: the declared constraints, 422 (R5.13).
for _name, _path, _body, _headers in [
    ("a 201-character title (max 200)", "/books", {"title": "x" * 201}, (ADMIN,)),
    ("a 60,000-character title", "/books", {"title": "x" * 60_000}, (ADMIN,)),
    ("a 14-digit isbn (pattern)", "/books", {"title": "x", "isbn": "1" * 14}, (ADMIN,)),
    ("a 41-character author name (max 40)", "/authors", {"name": "A" + "a" * 40}, (ADMIN,)),
    ("a 101-character vault secret (max 100)", "/vault", {"secret": "s" * 101}, (BASIC,)),
    ("a 501-character note (reflected VARCHAR(500))", "/legacy-notes", {"body": "b" * 501}, ()),
]:
    case("overlong strings", _name, "POST", _path, S(422), headers=_headers,
         body=json.dumps(_body).encode())  # fmt: skip
case("overlong strings", "a 60,000-character PATCH title", "PATCH", "/books/{book}", S(422),
     headers=(ADMIN,), body=json.dumps({"title": "x" * 60_000}).encode())  # fmt: skip
case("overlong strings", "a 60,000-character login username", "POST", "/auth/login", S(401),
     body=json.dumps({"username": "u" * 60_000, "password": "p"}).encode(),
     detail=BAD_CREDENTIALS)  # fmt: skip
case("overlong strings", "a 257-character search (R7.7)", "GET", f"/books?search={'s' * 257}",
     S(422))  # fmt: skip
case("overlong strings", "a 14,000-character filter value", "GET", f"/books?title={'t' * 14_000}",
     S(200))  # fmt: skip
case("overlong strings", "a 17,000-character query, the head cut there", "GET",
     f"/books?title={'t' * 17_000}", S(400), cut=17_010, by_uvicorn=True)  # fmt: skip
case("overlong strings", "a 30,000-character query, whole", "GET",
     f"/books?title={'t' * 30_000}", S(200, 400), by_uvicorn=None)  # fmt: skip
case("overlong strings", "?ordering of 2,000 repeated names (later duplicates ignored)", "GET",
     "/books?ordering=" + "pages," * 2000, S(200))  # fmt: skip
case("overlong strings", "?title__in with 101 items (max 100, R7.4)", "GET",
     "/books?title__in=" + ",".join("t" * 101), S(422))  # fmt: skip
case("overlong strings", "a 1,025-character cursor (R8.7)", "GET", f"/books?cursor={'A' * 1025}",
     S(400), detail=INVALID_CURSOR)  # fmt: skip
case("overlong strings", "a 5,000-digit path id", "GET", "/books/" + "1" * 5000, S(404),
     detail=ROW_404)  # fmt: skip
case("overlong strings", "5,000 path segments", "GET", "/books" + "/x" * 5000, S(404),
     detail=ROUTER_404)  # fmt: skip

# 9. Extreme numbers (R5.13, R5.21, R23.2): the field's validation error, or the database's
# refusal (422 "value rejected by the database"), never an overflow escaping as a 500.
for _name, _body, _expect in [
    ("pages -0", b'{"title": "n", "pages": -0}', S(422)),
    ("pages 2^64", b'{"title": "n", "pages": 18446744073709551616}', S(422)),
    ("pages 1e400", b'{"title": "n", "pages": 1e400}', S(422)),
    ("pages 1.5", b'{"title": "n", "pages": 1.5}', S(422)),
    # past the 4,300 digits int() converts: the parser calls it invalid JSON
    ("pages of 5,000 digits", b'{"title": "n", "pages": ' + b"9" * 5000 + b"}", S(400)),
    ("price 1e400", b'{"title": "n", "price": 1e400}', S(422)),
    ("price \"1e999999999\"", b'{"title": "n", "price": "1e999999999"}', S(422)),
    ("price with 9 integer digits (max_digits 8)", b'{"title": "n", "price": 123456789}', S(422)),
    ("price with 3 decimal places", b'{"title": "n", "price": "0.001"}', S(422)),
    ("price \"NaN\"", b'{"title": "n", "price": "NaN"}', S(422)),
    ("price \"sNaN\"", b'{"title": "n", "price": "sNaN"}', S(422)),
    ("weight \"NaN\"", b'{"title": "n", "weight": "NaN"}', S(422)),
    ("weight \"-Infinity\"", b'{"title": "n", "weight": "-Infinity"}', S(422)),
    ("weight -1e400", b'{"title": "n", "weight": -1e400}', S(422)),
    ("rating 5.000000000000001 (le 5)", b'{"title": "n", "rating": 5.000000000000001}', S(422)),
    ("author_id 2^31 (no such author in SQLite, past INTEGER in PostgreSQL)",
     b'{"title": "n", "author_id": 2147483648}', per_database(S(409), S(422))),
    ("author_id 2^63", b'{"title": "n", "author_id": 9223372036854775808}', S(422)),
    ("author_id -2^63-1", b'{"title": "n", "author_id": -9223372036854775809}', S(422)),
    ("author_id 2^64", b'{"title": "n", "author_id": 18446744073709551616}', S(422)),
    ("published past 9999 in UTC", b'{"title": "n", "published": "9999-12-31T23:59:59-23:59"}',
     S(422)),
    ("published before year 1 in UTC",
     b'{"title": "n", "published": "0001-01-01T00:00:00+00:01"}', S(422)),
    ("released year 0", b'{"title": "n", "released": "0000-01-01"}', S(422)),
    ("released 2024-02-30", b'{"title": "n", "released": "2024-02-30"}', S(422)),
]:  # fmt: skip
    case("extreme numbers", _name, "POST", "/books", _expect, headers=(ADMIN,), body=_body)
for _name, _body, _expect in [
    ("balance 1e400 (the override's parser)", b'{"secret": "n", "balance": 1e400}', S(422)),
    ("balance \"1e999999999\"", b'{"secret": "n", "balance": "1e999999999"}', S(422)),
    ("balance of 5,000 digits", b'{"secret": "n", "balance": ' + b"9" * 5000 + b"}", S(400)),
    ("level 2^64", b'{"secret": "n", "level": 18446744073709551616}', S(422)),
]:  # fmt: skip
    case("extreme numbers", f"vault {_name}", "POST", "/vault", _expect, headers=(BASIC,),
         body=_body)  # fmt: skip
for _query, _expect, _detail in [
    ("pages=1e3", S(422), None),
    ("pages=" + "9" * 30, S(422), REJECTED),  # past the column
    ("pages=" + "9" * 31, S(422), None),  # past R7.3's integer literal
    ("pages__in=" + ",".join(["9" * 30] * 100), S(422), REJECTED),
    ("author_id=-" + "9" * 30, S(422), REJECTED),
    ("price=" + "9" * 30 + ".5", S(422), REJECTED),
    ("price__gt=1e400", S(422), None),
    ("price=" + "9" * 101, S(422), None),
    ("rating=1e309", S(422), None),
    ("rating=-1e309", S(422), None),
    ("rating=nan", S(422), None),
    ("rating=-0", S(200), None),
    ("weight=1e-400", S(200), None),
    ("published=9999-12-31T23:59:59-23:59", S(422), None),
    ("published__lt=0001-01-01T00:00:00%2B00:01", S(422), None),
    ("released=0000-01-01", S(422), None),
    ("page_size=0", S(422), None),
    ("page_size=-1", S(422), None),
    ("page_size=21", S(422), None),
    ("page_size=1e1", S(422), None),
    ("page_size=" + "9" * 40, S(422), None),
]:
    case("extreme numbers", f"?{_query[:60]}", "GET", f"/books?{_query}", _expect,
         detail=_detail)  # fmt: skip
case("extreme numbers", "?page=10^9+1 (R23.5)", "GET", "/authors?page=1000000001", S(422))
case("extreme numbers", "?page=10^9 (an empty page, R8.5)", "GET", "/authors?page=1000000000",
     S(200))  # fmt: skip
for _id in ("2147483648", "9223372036854775808", "1" + "0" * 30):
    case("extreme numbers", f"GET id {_id[:20]}", "GET", f"/books/{_id}", S(404), detail=ROW_404)
    case("extreme numbers", f"PATCH id {_id[:20]}", "PATCH", f"/books/{_id}", S(404),
         headers=(ADMIN,), body=b'{"title": "x", "version": 1}', detail=ROW_404)  # fmt: skip
    case("extreme numbers", f"DELETE id {_id[:20]}", "DELETE", f"/books/{_id}", S(404),
         headers=(ADMIN,), detail=ROW_404)  # fmt: skip
case("extreme numbers", "GET id 2^63 on a reflected table", "GET",
     "/legacy-notes/9223372036854775808", S(404), detail=ROW_404)  # fmt: skip
case("extreme numbers", "PATCH version 2^64 (R5.17: stale)", "PATCH", "/books/{cond}", S(409),
     headers=(ADMIN,), body=b'{"title": "x", "version": 18446744073709551616}',
     detail="version conflict")  # fmt: skip
case("extreme numbers", "DELETE with If-Match of a 2^64 version", "DELETE", "/books/{cond}",
     S(412), headers=(ADMIN, ("If-Match", lambda t: f'"{t.ids["cond"]}-{2**64}"')),
     detail=PRECONDITION)  # fmt: skip
case("extreme numbers", "PUT version -1", "PUT", "/books/{cond}", S(409), headers=(ADMIN,),
     body=b'{"title": "x", "version": -1}', detail="version conflict")  # fmt: skip
case("extreme numbers", "PATCH version 1.0 (R5.17)", "PATCH", "/books/{cond}", S(422),
     headers=(ADMIN,), body=b'{"title": "x", "version": 1.0}')  # fmt: skip
case("extreme numbers", "DELETE ?version of 20 digits (R5.20)", "DELETE",
     "/books/{cond}?version=" + "9" * 20, S(422), headers=(ADMIN,))  # fmt: skip
case("extreme numbers", "DELETE ?version=1e3", "DELETE", "/books/{cond}?version=1e3", S(422),
     headers=(ADMIN,))  # fmt: skip
case("extreme numbers", "DELETE ?version=-5 (stale)", "DELETE", "/books/{cond}?version=-5",
     S(409), headers=(ADMIN,))  # fmt: skip
case("extreme numbers", "If-Match with a 25-digit version", "PATCH", "/books/{cond}", S(412),
     headers=(ADMIN, ("If-Match", lambda t: f'"{t.ids["cond"]}-{"9" * 25}"')),
     body=b'{"title": "x"}', detail=PRECONDITION)  # fmt: skip


# 10. SQL and LIKE metacharacters in every parameter. Valid ones answer 200 and match literally,
# checked against the rows themselves.


def _ascii_lower(value: str) -> str:
    return value.translate({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})


def _all_ids(
    target: Target, answer: Answer, path: str, params: dict[str, str], key: str = "id"
) -> list[int]:
    """The ids of every page, following cursor tokens (R8.6) from the first answer."""
    document = answer.json()
    ids = [row[key] for row in document["results"]]
    while document.get("next"):
        if not isinstance(document["next"], str) or document["next"].startswith("http"):
            raise AssertionError("expected a single page or cursor tokens")
        response = target.http.get(path, params={**params, "cursor": document["next"]})
        assert response.status_code == 200, response.text
        document = response.json()
        ids += [row[key] for row in document["results"]]
    assert len(ids) == len(set(ids)), "a row was repeated across pages"
    return sorted(ids)


def _searched(path: str, table: str, columns: Sequence[str], term: str, size: int) -> Check:
    def check(target: Target, answer: Answer) -> None:
        term_lower = _ascii_lower(term)
        expected = sorted(
            row["id"]
            for row in table_rows(target.engine, table)
            if any(term_lower in _ascii_lower(row[column] or "") for column in columns)
        )
        found = _all_ids(target, answer, path, {"search": term, "page_size": str(size)})
        assert found == expected, f"search {term!r}: {found} != {expected}"

    return check


def _filtered(
    path: str, table: str, column: str, values: Sequence[str], size: int, key: str = "id"
) -> Check:
    def check(target: Target, answer: Answer) -> None:
        expected = sorted(
            row[key] for row in table_rows(target.engine, table) if row[column] in values
        )
        params = {f"{column}__in" if len(values) > 1 else column: ",".join(values)}
        found = _all_ids(target, answer, path, {**params, "page_size": str(size)}, key)
        assert found == expected, f"{column} in {values!r}: {found} != {expected}"

    return check


def _q(value: str) -> str:
    return quote(value, safe="")


for _m in META:
    _cat, _v = "SQL and LIKE metacharacters", _q(_m)
    _label = repr(_m)
    case(_cat, f"?search={_label} on /books", "GET", f"/books?search={_v}&page_size=20", S(200),
         check=_searched("/books", "books", ("title", "isbn"), _m, 20))  # fmt: skip
    case(_cat, f"?search={_label} on /legacy-notes", "GET",
         f"/legacy-notes?search={_v}&page_size=100", S(200),
         check=_searched("/legacy-notes", "legacy_notes", ("body",), _m, 100))  # fmt: skip
    case(_cat, f"?title={_label}", "GET", f"/books?title={_v}&page_size=20", S(200),
         check=_filtered("/books", "books", "title", [_m], 20))  # fmt: skip
    if "," not in _m:
        case(_cat, f"?title__in={_label},Plain", "GET", f"/books?title__in={_v},Plain&page_size=20",
             S(200), check=_filtered("/books", "books", "title", [_m, "Plain"], 20))  # fmt: skip
    case(_cat, f"?name={_label} on a reflected table", "GET", f"/products?name={_v}", S(200),
         check=_filtered("/products", "products", "name", [_m], 100, "sku"))  # fmt: skip
    for _param in (
        "ordering", "pages", "price", "rating__gt", "published", "released", "ref", "available",
        "author_id__in", "page_size", "title__gte", "title__bogus",
    ):  # fmt: skip
        case(_cat, f"?{_param}={_label}", "GET", f"/books?{_param}={_v}", S(422))
    case(_cat, f"?cursor={_label}", "GET", f"/books?cursor={_v}", S(400), detail=INVALID_CURSOR)
    case(_cat, f"?page={_label}", "GET", f"/authors?page={_v}", S(422))
    case(_cat, f"?{_label}=1 (ignored)", "GET", f"/books?{_v}=1", S(200))
    case(_cat, f"path id {_label}", "GET", f"/books/{_v}", S(404), detail=ROUTER_404)
    case(_cat, f"path id 1{_label}", "DELETE", f"/books/1{_v}", S(404), headers=(ADMIN,),
         detail=ROUTER_404)  # fmt: skip
    case(_cat, f"If-Match: {_label}", "PATCH", "/books/{cond}", S(400),
         headers=(ADMIN, ("If-Match", _m)), body=b'{"title": "x"}', detail=INVALID_IF_MATCH)
    case(_cat, f"If-None-Match: {_label} (ignored)", "GET", "/books/{cond}", S(200),
         headers=(("If-None-Match", _m),))  # fmt: skip
    case(_cat, f"login {_label}", "POST", "/auth/login", S(401),
         body=json.dumps({"username": _m, "password": _m}).encode(), detail=BAD_CREDENTIALS)
    case(_cat, f"Bearer {_label}", "POST", "/books", S(401),
         headers=(("Authorization", f"Bearer {_m}"),), body=b'{"title": "x"}',
         detail=AUTH_REQUIRED)  # fmt: skip
    case(_cat, f"Basic user {_label}", "POST", "/vault", S(401),
         headers=(("Authorization", basic(_m.encode(), _m.encode())),), body=b'{"secret": "x"}',
         detail=AUTH_REQUIRED)  # fmt: skip
    case(_cat, f"DELETE ?version={_label}", "DELETE", f"/books/{{cond}}?version={_v}", S(422),
         headers=(ADMIN,))  # fmt: skip


# 11. Cursors (R8.7, R23.18): anything but a token the app made is 400 "Invalid cursor". The
# MAC key is the JWT secret here; an app without one derives it from public names, so anyone
# can sign a cursor: signed ones with hostile keyset values must still never reach a 5xx.


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_cursor(order: str, keys: Any, pk: Any, direction: str = "n", **extra: Any) -> str:
    """A cursor as lightapi._runtime.cursors makes it, signed with the app's key."""
    body = {"o": order, "k": keys, "i": "PK", "d": direction, **extra}

    def dumped(document: dict[str, Any]) -> bytes:  # a raw ``pk`` may be past int()'s limit
        text = json.dumps(document, separators=(",", ":"), sort_keys=True)
        return text.replace('"PK"', pk if isinstance(pk, str) else json.dumps(pk)).encode()

    key = hashlib.sha256(SECRET.encode()).digest()
    body["m"] = _b64(hmac.new(key, dumped(body), hashlib.sha256).digest()[:12])
    return _b64(dumped(body))


_VALID = signed_cursor("id", [], 2)
_DESC = signed_cursor("-pages,id", ["11"], 2)
for _name, _query, _expect in [
    ("a valid cursor (the documented 200)", f"cursor={_VALID}", S(200)),
    ("a valid cursor made for ?ordering=-pages, with it", f"cursor={_DESC}&ordering=-pages",
     S(200)),
    ("a valid cursor made for ?ordering=-pages, without it", f"cursor={_DESC}", S(400)),
    ("a cursor with one character changed",
     "cursor=" + _VALID[:10] + ("B" if _VALID[10] == "A" else "A") + _VALID[11:], S(400)),
    ("a truncated cursor", f"cursor={_VALID[:-4]}", S(400)),
    ("an unsigned cursor", "cursor=" + _b64(b'{"o":"id","k":[],"i":1,"d":"n"}'), S(400)),
    ("a cursor of JSON nested 700 deep", "cursor=" + _b64(b"[" * 700 + b"]" * 700), S(400)),
    ("a cursor that is not base64", "cursor=%25%25%25", S(400)),
    ("a signed cursor with id 2^64", f"cursor={signed_cursor('id', [], 2**64)}", S(422)),
    ("a signed cursor with a 600-digit id", f"cursor={signed_cursor('id', [], '9' * 600)}",
     S(422)),
    ("a signed cursor with id -1", f"cursor={signed_cursor('id', [], -1)}", S(400)),
    ("a signed cursor with id true", f"cursor={signed_cursor('id', [], True)}", S(400)),
    ("a signed cursor with id 1.5", f"cursor={signed_cursor('id', [], 1.5)}", S(400)),
    ("a signed cursor with direction x", f"cursor={signed_cursor('id', [], 1, 'x')}", S(400)),
    ("a signed cursor with keys that are no list", f"cursor={signed_cursor('id', 'k', 1)}",
     S(400)),
    ("a signed cursor with a missing key", f"cursor={signed_cursor('pages,id', [], 1)}"
     "&ordering=pages", S(400)),
    ("a signed cursor with SQL as a pages key",
     f"cursor={signed_cursor('pages,id', [chr(39) + ' OR 1=1 --'], 1)}&ordering=pages", S(400)),
    ("a signed cursor with LIKE metacharacters as a title key",
     f"cursor={signed_cursor('title,id', ['%_' + chr(92) + chr(39)], 1)}&ordering=title", S(200)),
    ("a signed cursor with 30 digits as a pages key",
     f"cursor={signed_cursor('pages,id', ['9' * 30], 1)}&ordering=pages", S(422)),
    ("a signed cursor with 1e400 as a weight key",
     f"cursor={signed_cursor('weight,id', ['1e400'], 1)}&ordering=weight", S(400)),
    ("a signed cursor with nan as a weight key",
     f"cursor={signed_cursor('weight,id', ['nan'], 1)}&ordering=weight", S(400)),
    ("a signed cursor with 100 digits as a price key",
     f"cursor={signed_cursor('price,id', ['9' * 100], 1)}&ordering=price", S(422)),
    ("a signed cursor with a datetime past 9999 in UTC as a created_at key",
     f"cursor={signed_cursor('created_at,id', ['9999-12-31T23:59:59-23:59'], 1)}"
     "&ordering=created_at", S(400)),
    ("a signed cursor with a NUL as a title key",
     f"cursor={signed_cursor('title,id', [chr(0)], 1)}&ordering=title",
     per_database(S(200), S(422))),  # PostgreSQL text cannot hold a NUL
    ("a signed cursor with extra keys (ignored)",
     f"cursor={signed_cursor('id', [], 2, x=[1] * 50)}", S(200)),
]:  # fmt: skip
    # a signed cursor whose values are past their column: the database's refusal (R5.21)
    _detail = {S(400): INVALID_CURSOR, S(422): REJECTED}.get(_expect) if _expect in (
        S(400), S(422)) else None  # fmt: skip
    case("cursors", _name, "GET", f"/books?page_size=3&{_query}", _expect, detail=_detail)
case("cursors", "a cursor on a page-number endpoint (ignored, R7.2)", "GET",
     f"/authors?cursor={_VALID}", S(200))  # fmt: skip


# 12. Forged and malformed tokens (R10.4, R10.5, R10.7): 401 on protected verbs, anonymous on
# AllowAny ones; 403 for a valid token without the permission.


def _segment(document: Any) -> str:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unsigned(header: Any, payload: Any, signature: str = "") -> str:
    return f"{_segment(header)}.{_segment(payload)}.{signature}"


def _hmac_token(header: Mapping[str, Any], payload: Mapping[str, Any], key: str) -> str:
    signing = f"{_segment(dict(header))}.{_segment(dict(payload))}".encode()
    digest = hmac.new(key.encode(), signing, hashlib.sha256).digest()
    return signing.decode() + "." + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


_NOW = int(time.time())
_ROOT = {"sub": "root", "is_admin": True, "exp": _NOW + 3600}
TOKENS = {
    "alg none": _unsigned({"alg": "none", "typ": "JWT"}, _ROOT),
    "alg None with a signature": _unsigned({"alg": "None"}, _ROOT, "c2ln"),
    "alg NONE": _unsigned({"alg": "NONE"}, _ROOT),
    "HS256 with the wrong secret": jwt.encode(_ROOT, WRONG_SECRET, algorithm="HS256"),
    "HS512 with the right secret (algorithm pinned)": jwt.encode(_ROOT, SECRET, algorithm="HS512"),
    "HS384 with the right secret": jwt.encode(_ROOT, SECRET, algorithm="HS384"),
    "RS256 header, HMAC signature (algorithm confusion)": _hmac_token(
        {"alg": "RS256", "typ": "JWT"}, _ROOT, SECRET
    ),
    "expired": jwt.encode({**_ROOT, "exp": _NOW - 3600}, SECRET, algorithm="HS256"),
    "not yet valid (nbf)": jwt.encode({**_ROOT, "nbf": _NOW + 3600}, SECRET, algorithm="HS256"),
    "exp that is a string": jwt.encode({**_ROOT, "exp": "never"}, SECRET, algorithm="HS256"),
    "kid path traversal, wrong signature": _hmac_token(
        {"alg": "HS256", "kid": "../../../../dev/null"}, _ROOT, ""
    ),
    "payload that is no JSON": _unsigned({"alg": "HS256"}, b"not json", "c2ln"),
    "header that is no JSON": f"{_segment(b'{')}.{_segment(_ROOT)}.c2ln",
    "payload that is a JSON array": _unsigned({"alg": "HS256"}, [1, 2], "c2ln"),
    "a signature of 6 KB": _unsigned({"alg": "HS256"}, _ROOT, "A" * 6000),
    "two segments": "a.b",
    "four segments": "a.b.c.d",
    "only dots": "...",
    "garbage": "garbage",
    "SQL": "' OR '1'='1",
    "percent-encoded": "%2e%2e%2f",
    "deeply nested payload, wrong signature": _unsigned(
        {"alg": "HS256"}, b"[" * 3000 + b"]" * 3000, "c2ln"
    ),
}
for _name, _token in TOKENS.items():
    _auth = ("Authorization", f"Bearer {_token}")
    case("forged tokens", f"{_name} -> POST /books", "POST", "/books", S(401), headers=(_auth,),
         body=b'{"title": "forged"}', detail=AUTH_REQUIRED)  # fmt: skip
    case("forged tokens", f"{_name} -> DELETE /books/{{id}} (admin only)", "DELETE",
         "/books/{cond}", S(401), headers=(_auth,), detail=AUTH_REQUIRED)  # fmt: skip
    case("forged tokens", f"{_name} -> GET /books (AllowAny: anonymous)", "GET", "/books",
         S(200), headers=(_auth,))  # fmt: skip
for _name, _value in [
    ("Bearer and nothing", "Bearer"),
    ("Bearer and a space", "Bearer "),
    ("Bearer with two tokens", lambda t: f"Bearer {t.admin} {t.admin}"),
    ("Token scheme", lambda t: f"Token {t.admin}"),
    ("the token without a scheme", lambda t: t.admin),
    ("Basic scheme on a JWT endpoint", ROOT_BASIC),
]:
    case("forged tokens", _name, "POST", "/books", S(401), headers=(("Authorization", _value),),
         body=b'{"title": "forged"}', detail=AUTH_REQUIRED)  # fmt: skip
case("forged tokens", "a signed-in user deleting (IsAdminUser)", "DELETE", "/books/{cond}",
     S(403), headers=(USER,), detail=FORBIDDEN)  # fmt: skip
case("forged tokens", "a signed-in user patching an author (IsAdminUser)", "PATCH",
     "/authors/{author}", S(403), headers=(USER,), body=b'{"name": "Ann Leckie"}',
     detail=FORBIDDEN)  # fmt: skip
case("forged tokens", 'a valid token with is_admin "true" (R10.6)', "DELETE", "/books/{cond}",
     S(403), headers=(("Authorization", "Bearer " + jwt.encode(
         {"sub": "root", "is_admin": "true", "exp": _NOW + 3600}, SECRET, algorithm="HS256")),),
     detail=FORBIDDEN)  # fmt: skip

# 13. Malformed Basic headers (R10.10, R23.8): 401 with the Basic challenge; on the login route
# 401 "Invalid credentials" even with a valid body (R10.12).
_BASIC_HEADERS = {
    "Basic alone": "Basic",
    "Basic and a space": "Basic ",
    "not base64": "Basic !!!!",
    "unpadded base64": "Basic cm9vdA",
    "extra padding": "Basic cm9vdDpyb290LXB3=",
    "base64 with a space inside": "Basic cm9v dDpy b290 LXB3",
    "no colon": "Basic " + base64.b64encode(b"rootroot-pw").decode(),
    "the wrong password": basic(b"root", b"wrong"),
    "only a colon": basic(b"", b""),
    "invalid UTF-8": basic(b"\xff\xfe", b"\xfd"),
    "URL-safe alphabet": "Basic " + base64.urlsafe_b64encode(b"root:root-pw??>").decode(),
    "Digest scheme": 'Digest username="root"',
}
for _name, _value in _BASIC_HEADERS.items():
    case("malformed Basic", _name, "POST", "/vault", S(401), headers=(("Authorization", _value),),
         body=b'{"secret": "x"}', detail=AUTH_REQUIRED)  # fmt: skip
    if _value.startswith("Basic "):
        case("malformed Basic", f"{_name} on the login route", "POST", "/auth/login", S(401),
             headers=(("Authorization", _value),),
             body=b'{"username": "root", "password": "root-pw"}', detail=BAD_CREDENTIALS)
case("malformed Basic", "a bearer token on a Basic endpoint", "POST", "/vault", S(401),
     headers=(ADMIN,), body=b'{"secret": "x"}', detail=AUTH_REQUIRED)  # fmt: skip

# 14. Conditional headers (§6, R23.3): If-Match garbage is 400, a list that does not match 412,
# If-None-Match garbage is ignored.
for _name, _value in [
    ("a bare word", "nonsense"),
    ("an unterminated tag", '"1-1'),
    ("W/ alone", "W/"),
    ("two tags without a comma", '"1-1" "1-2"'),
    ("* in a list", '*, "1-1"'),
    ("a trailing comma", '"1-1",'),
    ("an empty value", ""),
    ("a control character", b'"1-1"\x01'),
    ("a comma alone", ","),
    ("a quote inside a tag", '"1-"1"'),
]:
    for _method, _body in (("PATCH", b'{"title": "x"}'), ("PUT", b'{"title": "x"}'),
                           ("DELETE", b"")):  # fmt: skip
        case("conditional headers", f"If-Match {_name} -> {_method}", _method, "/books/{cond}",
             S(400), headers=(ADMIN, ("If-Match", _value)), body=_body,
             detail=INVALID_IF_MATCH)  # fmt: skip
    case("conditional headers", f"If-None-Match {_name} (ignored)", "GET", "/books/{cond}",
         S(200), headers=(("If-None-Match", _value),))  # fmt: skip
for _name, _value in [
    ("another version", lambda t: f'"{t.ids["cond"]}-999"'),
    ("another row's tag", lambda t: f'"{t.ids["book"]}-1"'),
    ("the right tag, weak (never matches)", lambda t: f'W/"{t.ids["cond"]}-1"'),
    ("a quoted star", '"*"'),
    ("a negative version", lambda t: f'"{t.ids["cond"]}--1"'),
    ("1,000 stale tags", lambda t: ", ".join([f'"{t.ids["cond"]}-0"'] * 1000)),
]:
    for _method, _body in (("PATCH", b'{"title": "x"}'), ("DELETE", b"")):
        case("conditional headers", f"If-Match {_name} -> {_method}", _method, "/books/{cond}",
             S(412), headers=(ADMIN, ("If-Match", _value)), body=_body,
             detail=PRECONDITION)  # fmt: skip
case("conditional headers", "If-None-Match * (304, no body)", "GET", "/books/{cond}", S(304),
     headers=(("If-None-Match", "*"),))  # fmt: skip
case("conditional headers", "If-None-Match with the weak form of the tag (304)", "GET",
     "/books/{cond}", S(304), headers=(("If-None-Match", lambda t: f'W/"{t.ids["cond"]}-1"'),))
case("conditional headers", "If-Match garbage on a list (ignored, R6.4)", "GET", "/books",
     S(200), headers=(("If-Match", "nonsense"),))  # fmt: skip
case("conditional headers", "If-Match garbage on a create (ignored, R6.4)", "POST", "/books",
     S(422), headers=(ADMIN, ("If-Match", "nonsense")), body=b'{"title": ""}')  # fmt: skip

# 15. The request line and methods. h11 refuses what is not HTTP/1.1 grammar.
for _name, _raw_method, _path in [
    ("a method with a parenthesis", "G(T", "/books"),
    ("a space inside the target", "GET", "/books ?a=1"),
]:
    case("request line", _name, _raw_method, _path, S(400), by_uvicorn=True)
case("request line", "no Host header", "GET", "/books", S(400), host=False, by_uvicorn=True)
case("request line", "a header without a colon", "GET", "/books", S(400),
     headers=((b"foo", None),), by_uvicorn=True)  # fmt: skip
case("request line", "a space before a header's colon", "GET", "/books", S(400),
     headers=((b"X-A ", b"b"),), by_uvicorn=True)  # fmt: skip
case("request line", "an empty request", b"", b"", S(400), host=False, by_uvicorn=True)
case("request line", "a folded header line (obs-fold, h11 unfolds it)", "GET", "/books", S(200),
     headers=(("X-Folded", b"a\r\n b"),))  # fmt: skip
case("request line", "an unknown method (405 with Allow, R5.8)", "FOO", "/books", S(405),
     detail="Method Not Allowed")  # fmt: skip
case("request line", "TRACE", "TRACE", "/books", S(405), detail="Method Not Allowed")
case("request line", "DELETE on a collection", "DELETE", "/books", S(405), headers=(ADMIN,),
     detail="Method Not Allowed")  # fmt: skip
case("request line", "PUT on an endpoint without it", "PUT", "/authors/{author}", S(405),
     headers=(ADMIN,), body=b'{"name": "X"}', detail="Method Not Allowed")  # fmt: skip
case("request line", "an absolute-form target", "GET", "http://evil.example/books", S(404),
     detail=ROUTER_404)  # fmt: skip
case("request line", "OPTIONS *", "OPTIONS", "*", S(404), detail=ROUTER_404)
case("request line", "a bad percent escape in the query (ignored)", "GET", "/books?%zz=%", S(200))
case("request line", "HEAD with a bad query (422, no body)", "HEAD", "/books?page_size=abc",
     S(422))  # fmt: skip
case("request line", "HEAD on a huge id (404, no body)", "HEAD", "/books/99999999999", S(404))
case("request line", "a fullwidth digit as id (R23.12)", "GET", "/books/%EF%BC%91", S(404),
     detail=ROUTER_404)  # fmt: skip
case("request line", "a negative id (R5.1)", "GET", "/books/-1", S(404), detail=ROUTER_404)
case("request line", "a CORS preflight from another origin (R11.2)", "OPTIONS", "/books",
     S(400), headers=(("Origin", "https://evil.example"), ("Access-Control-Request-Method",
                                                             "DELETE")),
     detail="Disallowed CORS origin")  # fmt: skip


@pytest.mark.parametrize("item", CORPUS, ids=[item.id for item in CORPUS])
def test_hostile_request_gets_a_documented_4xx_and_changes_nothing(target: Target, item: Case):
    changed: list[str] = []
    try:
        _judge(target, item)
    finally:
        changed = target.changed_tables()
    assert not changed, f"{item.id} changed the database (tables {changed})"


def _judge(target: Target, item: Case) -> None:
    answer = target.send(item.render(target), item.method)
    where = f"{item.id} [{target.database}]: {answer.status} {answer.body[:300]!r}"
    if len(item.statuses(target.database)) > 1:  # the figures say which way these went
        target.stats[f"either: {item.id}: {answer.status}"] += 1
    assert answer.status < 500, where
    assert answer.status in item.statuses(target.database), where
    refused = item.by_uvicorn or (item.by_uvicorn is None and answer.body == UVICORN_400)
    if refused:
        # h11 refused the request: uvicorn's own answer, before LightAPI ran.
        assert answer.headers["content-type"].startswith("text/plain"), where
        assert answer.body == UVICORN_400, where
    elif answer.status >= 400:
        assert answer.headers.get("content-type") == "application/json", where
        if item.method != "HEAD":
            document = answer.json()
            assert list(document) == ["detail"], where  # R5.5
            assert isinstance(document["detail"], (str, list)), where
            if isinstance(document["detail"], list):
                assert all({"type", "loc", "msg"} <= set(error) for error in document["detail"])
            if item.detail is not None:
                assert document["detail"] == item.detail, where
        assert b"Traceback" not in answer.body
        if answer.status == 401 and item.detail == AUTH_REQUIRED:
            assert "www-authenticate" in answer.headers, where  # R10.5
    if answer.status == 304 or item.method == "HEAD":
        assert answer.body == b"", where
    if item.check is not None and answer.status < 300:
        item.check(target, answer)
    if item.created is not None and answer.status == 201:
        auth = {"books": f"Bearer {target.admin}", "vault": ROOT_BASIC}[item.created]
        location = answer.headers["location"]
        deleted = target.http.delete(location, headers={"Authorization": auth})
        assert deleted.status_code == 204, deleted.text


@pytest.mark.parametrize("term", META)
def test_metacharacters_are_stored_and_found_literally(target: Target, term: str):
    """A title made of the metacharacters round-trips unchanged and is found by exactly the
    filters and searches that name it (R7.3, R7.7); then it is deleted again."""
    title = f"lit {term} eral"
    auth = {"Authorization": f"Bearer {target.admin}"}
    response = target.http.post("/books", json={"title": title}, headers=auth)
    assert response.status_code == 201, response.text
    book = response.json()
    try:
        assert book["title"] == title
        [stored] = [row for row in table_rows(target.engine, "books") if row["id"] == book["id"]]
        assert stored["title"] == title
        exact = target.http.get("/books", params={"title": title, "page_size": "20"})
        assert [row["id"] for row in exact.json()["results"]] == [book["id"]]
        found = target.http.get("/books", params={"search": term, "page_size": "20"})
        answer = Answer(found.status_code, dict(found.headers), found.content)
        _searched("/books", "books", ("title", "isbn"), term, 20)(target, answer)
        assert book["id"] in _all_ids(target, answer, "/books", {"search": term, "page_size": "20"})
    finally:
        deleted = target.http.delete(f"/books/{book['id']}", headers=auth)
        assert deleted.status_code == 204, deleted.text
    target.check_unchanged(f"round trip of {term!r}")


# -- the fuzz pass -------------------------------------------------------------------------------

BOOK_FIELDS = ("title", "isbn", "pages", "price", "rating", "weight", "published", "released",
               "ref", "available", "author_id")  # fmt: skip
AUTOMATIC = ("id", "created_at", "updated_at", "version")
FIELDS_OF = {
    "/books": BOOK_FIELDS,
    "/authors": ("name", "born"),
    "/vault": ("secret", "level", "balance"),
    "/legacy-notes": ("body", "flag", "score", "noted_on"),
    "/auth/login": ("username", "password"),
}
EXTREME_INTEGERS = (0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(EXTREME_INTEGERS),
    st.floats(),  # NaN and infinities become the NaN/Infinity literals: 400 (R23.2)
    st.text(max_size=30),
    st.sampled_from(META),
    st.decimals(allow_nan=True).map(str),
    st.dates().map(str),
    st.datetimes(
        timezones=st.builds(
            datetime.timezone,
            st.timedeltas(
                min_value=-datetime.timedelta(hours=23, minutes=59),
                max_value=datetime.timedelta(hours=23, minutes=59),
            ),
        )
    ).map(datetime.datetime.isoformat),
    st.uuids().map(str),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def _iso(value: Any) -> str:
    return value.isoformat()


# Values of the right type and within the declared constraints, so that some bodies are valid
# and the write path runs too (their 2xx may change the database; only 4xx must not).
_NAME = st.from_regex(r"[A-Z][a-z .'-]{1,20}", fullmatch=True)
VALID = {
    "title": st.text(min_size=1, max_size=200) | st.sampled_from(META),
    "isbn": st.none() | st.from_regex(r"[0-9]{13}", fullmatch=True),
    "pages": st.integers(1, 10_000),
    "price": st.decimals(min_value=0, max_value=999_999, places=2).map(str),
    "rating": st.none() | st.floats(0, 5),
    "weight": st.floats(allow_nan=False, allow_infinity=False),
    "published": st.none() | st.datetimes().map(_iso),
    "released": st.none() | st.dates().map(_iso),
    "ref": st.uuids().map(str),
    "available": st.booleans(),
    "author_id": st.none() | st.just(1),
    "name": _NAME,
    "born": st.none() | st.dates().map(_iso),
    "secret": st.text(min_size=1, max_size=100),
    "level": st.integers(0, 9),
    "balance": st.decimals(min_value=-(10**6), max_value=10**6, places=3).map(str),
    "body": st.text(max_size=500),
    "flag": st.none() | st.booleans(),
    "score": st.none() | st.decimals(min_value=-9999, max_value=9999, places=2).map(str),
    "noted_on": st.none() | st.dates().map(_iso),
    "username": st.sampled_from(["root", "ann", ""]) | st.text(max_size=10),
    "password": st.sampled_from(["root-pw", "ann-pw"]) | st.text(max_size=10),
    "version": st.integers(1, 4),  # the fuzz target's version, now and then
}
REQUIRED = {"/books": ("title",), "/authors": ("name",), "/vault": ("secret",),
            "/legacy-notes": ("body",), "/auth/login": ("username", "password")}  # fmt: skip


def _valid_objects(path: str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects that mostly pass validation: every required field, some optional ones, each
    value of the right kind or (now and then) any JSON value."""

    def value(name: str) -> st.SearchStrategy[Any]:
        return st.one_of(VALID[name], VALID[name], VALID[name], JSON_VALUES)

    optional = [name for name in (*FIELDS_OF[path], "version") if name not in REQUIRED[path]]
    return st.fixed_dictionaries(
        {name: value(name) for name in REQUIRED[path]},
        optional={name: value(name) for name in optional},
    )


def _documents(path: str) -> st.SearchStrategy[bytes]:
    names = st.sampled_from((*FIELDS_OF[path], *AUTOMATIC)) | st.text(max_size=10)
    objects = st.dictionaries(names, JSON_VALUES, max_size=6)
    encoded = objects.map(lambda value: json.dumps(value).encode())
    return st.one_of(
        _valid_objects(path).map(lambda value: json.dumps(value).encode()),
        _valid_objects(path).map(lambda value: json.dumps(value).encode()),
        encoded,
        encoded.flatmap(  # one byte changed, inserted or removed
            lambda body: st.tuples(st.integers(0, len(body)), st.binary(max_size=1)).map(
                lambda edit: body[: edit[0]] + edit[1] + body[edit[0] + 1 :]
            )
        ),
        JSON_VALUES.map(lambda value: json.dumps(value).encode()),  # maybe no object
        st.binary(max_size=64),
    )


# (method, path on the server, field names, auth)
BODY_ENDPOINTS = (
    ("POST", "/books", "/books", "admin"),
    ("PUT", "/books/{fuzz}", "/books", "admin"),
    ("PATCH", "/books/{fuzz}", "/books", "admin"),
    ("POST", "/authors", "/authors", "admin"),
    ("PATCH", "/authors/{author}", "/authors", "admin"),
    ("POST", "/vault", "/vault", "basic"),
    ("PATCH", "/vault/{vault}", "/vault", "basic"),
    ("POST", "/legacy-notes", "/legacy-notes", None),
    ("POST", "/auth/login", "/auth/login", None),
)


@st.composite
def body_requests(draw: st.DrawFn) -> tuple[str, str, str | None, bytes, str | None]:
    method, path, fields, auth = draw(st.sampled_from(BODY_ENDPOINTS))
    content_type = draw(st.sampled_from([None, "application/json", "text/plain", "x/y; a=b"]))
    return method, path, auth, draw(_documents(fields)), content_type


def _assert_error_body(response: httpx.Response, where: str) -> None:
    assert response.headers.get("content-type") == "application/json", where
    if response.request.method != "HEAD":
        document = response.json()
        assert list(document) == ["detail"], where
        assert isinstance(document["detail"], (str, list)), where


@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(request=body_requests())
def test_fuzzed_bodies_never_get_a_5xx_nor_change_the_database_when_rejected(
    target: Target, request: tuple[str, str, str | None, bytes, str | None]
):
    method, path, auth, body, content_type = request
    headers = {}
    if auth == "admin":
        headers["Authorization"] = f"Bearer {target.admin}"
    elif auth == "basic":
        headers["Authorization"] = ROOT_BASIC
    if content_type:
        headers["Content-Type"] = content_type
    url = path.format(**target.ids)
    response = target.http.request(method, url, content=body, headers=headers)
    target.stats["fuzzed bodies"] += 1
    target.stats[f"fuzzed bodies {response.status_code // 100}xx"] += 1
    where = f"{method} {url} {body[:200]!r} [{target.database}]: {response.text[:300]}"
    assert response.status_code < 500, where
    if response.status_code >= 400:
        _assert_error_body(response, where)
        target.check_unchanged(where)
    else:  # a valid write: the new state is the baseline of the next example
        target.baseline = snapshot(target.engine)


QUERY_KEYS = {
    "/books": tuple(
        f"{name}{suffix}"
        for name in ("title", "pages", "price", "rating", "weight", "published", "released",
                     "ref", "available", "author_id", "isbn")  # fmt: skip
        for suffix in ("", "__gt", "__gte", "__lt", "__lte", "__ne", "__in", "__isnull", "__x")
    ),
    "/authors": ("name", "born", "page"),
    "/products": ("name", "price", "stocked", "price__gt", "stocked__isnull", "name__in"),
    "/legacy-notes": ("flag", "score", "noted_on", "score__lte", "noted_on__gt", "flag__ne",
                      "page"),  # fmt: skip
}
RESERVED = ("page", "page_size", "cursor", "ordering", "search")
QUERY_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(META),
    st.integers().map(str),
    st.sampled_from(EXTREME_INTEGERS).map(str),
    st.floats().map(repr),
    st.dates().map(str),
    st.uuids().map(str),
    st.lists(st.integers(-5, 5).map(str), max_size=5).map(",".join),
    st.lists(st.sampled_from(["pages", "-title", "price", "created_at", "x", " "]), max_size=4)
    .map(",".join),
    st.sampled_from(["true", "no", "0", "", "-0", "1e400", "nan", "2024-01-01T00:00:00Z"]),
)
RAW_QUERY = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"),
    max_size=60,
)


@st.composite
def query_requests(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]] | str]:
    method = draw(st.sampled_from(["GET", "GET", "GET", "HEAD"]))
    path = draw(st.sampled_from(sorted(QUERY_KEYS)))
    if draw(st.integers(0, 4)) == 0:
        return method, path, draw(RAW_QUERY)
    keys = st.sampled_from((*QUERY_KEYS[path], *RESERVED)) | st.text(max_size=10)
    return method, path, draw(st.lists(st.tuples(keys, QUERY_VALUES), max_size=5))


@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(request=query_requests())
def test_fuzzed_query_strings_never_get_a_5xx_nor_change_the_database(
    target: Target, request: tuple[str, str, list[tuple[str, str]] | str]
):
    method, path, query = request
    encoded = query if isinstance(query, str) else urlencode(query)
    response = target.http.request(method, f"{path}?{encoded}")
    target.stats["fuzzed query strings"] += 1
    target.stats[f"fuzzed query strings {response.status_code // 100}xx"] += 1
    where = f"{method} {path}?{encoded[:200]} [{target.database}]: {response.text[:300]}"
    assert response.status_code in (200, 400, 422), where  # R5.3: a LIST's answers
    if response.status_code >= 400:
        _assert_error_body(response, where)
    elif method == "GET":
        assert isinstance(response.json()["results"], list), where
    target.check_unchanged(where)


# -- the server's side -----------------------------------------------------------------------------

# What uvicorn logs, at --log-level warning, for the requests h11 refuses; nothing else may appear.
EXPECTED_LOG_LINES = ("WARNING:  Invalid HTTP request received.",)


def test_server_log_holds_no_traceback_and_the_figures(target: Target):
    lines = [line for line in target.log.read_text(errors="replace").splitlines() if line.strip()]
    unexpected = [line for line in lines if line not in EXPECTED_LOG_LINES]
    assert unexpected == [], "\n".join(unexpected[:50])
    assert target.stats["5xx"] == 0
    assert target.stats["database changes by rejected requests"] == 0
    stats = target.stats
    fuzz = ", ".join(
        f"{key.removeprefix('fuzzed ')} {stats[key]}"
        for key in sorted(stats)
        if key.startswith("fuzzed ") and key.endswith("xx")
    )
    print(
        f"\n[hostile] {target.database}: {stats['requests']} requests "
        f"(2xx {stats['2xx']}, 3xx {stats['3xx']}, 4xx {stats['4xx']} of which "
        f"{stats['refused by uvicorn']} refused by uvicorn, 5xx {stats['5xx']}); "
        f"fuzzed {stats['fuzzed bodies']} bodies and {stats['fuzzed query strings']} query "
        f"strings ({fuzz}); database changes by rejected requests: "
        f"{stats['database changes by rejected requests']}; uvicorn log lines {len(lines)}"
    )
    for key in sorted(key for key in stats if key.startswith("either: ")):
        print(f"[hostile] {target.database}: {key.removeprefix('either: ')}")
