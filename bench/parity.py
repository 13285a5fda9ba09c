"""Checks, before measuring, that every app gives LightAPI's answers to the benchmarked requests.

A ratio means nothing if one side does less work or answers differently, so a mismatch between
LightAPI and its baseline on a benchmarked request stops the run; mismatches on error paths (not
measured) are only reported. The apps listen on different ports, so each app's own base URL is
replaced by ``<base>`` in page links before comparing, and cursor tokens (each app signs its
own) are compared by what they decode to: direction, boundary id, ordering.

Peers (FastAPI, Litestar) are written with their frameworks' own conventions, so for them every
difference is a warning; timestamps are compared by format only (any ISO 8601 datetime), cursor
tokens by presence. A peer that does not answer a benchmarked request with the expected status
is not measured on that scenario.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from bench import seed
from bench.scenarios import (
    CACHED_PATH,
    FEED_PATH,
    FILTERED_COUNT,
    FILTERED_PATH,
    NOT_FOUND_PATH,
    NOTE_PATH,
    PAGE_PATH,
)

TIMESTAMP: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
ANY_TIMESTAMP: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
TIMESTAMPS: Final = ("created_at", "updated_at")
KEYS: Final = ["title", "author", "year", "id", "created_at", "updated_at", "version"]
ARTICLE_KEYS: Final = ["title", "views", "status", "id", "created_at", "updated_at", "version"]
NOTE_KEYS: Final = ["title", "text", "id", "created_at", "updated_at", "version"]
PAGE_KEYS: Final = ["count", "pages", "next", "previous", "results"]
CURSOR_KEYS: Final = ["next", "previous", "results"]
BASE: Final = "<base>"


class ParityError(RuntimeError):
    """LightAPI and its baseline answered a benchmarked request differently."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def view(self) -> dict[str, Any]:
        """What must match: status, the headers that carry meaning, and the body."""
        return {
            "status": self.status,
            "content-type": self.headers.get("content-type"),
            "etag": self.headers.get("etag"),
            "location": self.headers.get("location"),
            "body": self.json(),
        }


def call(
    base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> Answer:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return Answer(answer.status, _lower(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, _lower(error.headers.items()), error.read())


def _lower(items: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


def first_cursor(base: str) -> str:
    """The ``next`` token of the app's first ``/feed`` page: what ``cursor_list`` requests."""
    answer = call(base, "GET", FEED_PATH)
    token = answer.json()["next"] if answer.status == 200 else None
    if not isinstance(token, str):
        raise RuntimeError(f"GET {FEED_PATH} on {base}: {answer.status}, no next token")
    return token


def cursor_meaning(token: str) -> dict[str, Any]:
    """What a LightAPI-layout token says (base64url JSON ``{d, i, k, o, m}``), without its
    MAC: the direction, the boundary id, the keyset values and the ordering."""
    try:
        body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return {key: body[key] for key in ("d", "i", "k", "o")}
    except (ValueError, KeyError, TypeError) as error:
        raise ParityError(f"cursor token {token[:60]!r} is not a LightAPI-layout token") from error


@dataclass(frozen=True)
class Normaliser:
    """How an answer is made comparable: strictly for the baseline, loosely for a peer."""

    peer: bool

    def row(self, row: Any, keys: list[str]) -> dict[str, Any]:
        """The row with timestamps replaced by a marker, after checking their format."""
        if not isinstance(row, dict) or list(row) != keys:
            raise ParityError(f"unexpected keys or key order: {str(row)[:200]}")
        pattern = ANY_TIMESTAMP if self.peer else TIMESTAMP
        for name in TIMESTAMPS:
            if not pattern.fullmatch(str(row[name])):
                raise ParityError(f"{name} is not an RFC 3339 UTC timestamp: {row[name]!r}")
        return {**row, **dict.fromkeys(TIMESTAMPS, "<timestamp>")}

    def token(self, token: Any) -> Any:
        if token is None or self.peer:
            return None if token is None else "<token>"
        return cursor_meaning(token)

    def view(self, answer: Answer, base: str, keys: list[str] | None = None) -> dict[str, Any]:
        view = answer.view()
        body = view["body"]
        if keys is None or not isinstance(body, dict):
            return view
        if keys is PAGE_KEYS:
            return {**view, "body": self._page(body, base)}
        if keys is CURSOR_KEYS:
            if list(body) != CURSOR_KEYS:
                raise ParityError(f"not a cursor envelope: {str(body)[:200]}")
            rows = [self.row(row, ARTICLE_KEYS) for row in body["results"]]
            tokens = {name: self.token(body[name]) for name in ("next", "previous")}
            return {**view, "body": {**body, **tokens, "results": rows}}
        return {**view, "body": self.row(body, keys)}

    def _page(self, body: dict[str, Any], base: str) -> dict[str, Any]:
        """Links must be absolute URLs on the app's own base URL (shown as ``<base>``)."""
        if list(body) != PAGE_KEYS:
            raise ParityError(f"not a page-number envelope: {str(body)[:200]}")
        links = {}
        for name in ("next", "previous"):
            link = body[name]
            if link is not None:
                if not link.startswith(base + "/"):
                    raise ParityError(f"{name} is not an absolute URL on {base}: {link!r}")
                link = BASE + link.removeprefix(base)
            links[name] = link
        rows = [self.row(row, ARTICLE_KEYS) for row in body["results"]]
        return {**body, **links, "results": rows}


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed_scenarios: set[str] = field(default_factory=set)  # a peer's unmeasurable scenarios


Same = Callable[..., tuple[Answer, Answer]]


def check(
    lightapi: str,
    other: str,
    *,
    peer: bool = False,
    cached: bool = False,
    token: str = "",
    cursors: tuple[str, str] = ("", ""),
) -> Report:
    """Send the same requests to LightAPI and to ``other``; for the baseline, raise ParityError
    on a benchmarked mismatch; for a peer, report every mismatch as a warning.

    ``cached``: LightAPI serves ``/cached_books`` from Redis; check it too (before any write).
    ``token``: the bearer JWT of ``auth_get``; ``cursors``: each app's own first ``next`` token.
    """
    report = Report()
    normaliser = Normaliser(peer)

    def same(
        label: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int,
        scenario: str | None = None,
        keys: list[str] | None = None,
        headers: dict[str, str] | None = None,
        other_path: str | None = None,
    ) -> tuple[Answer, Answer]:
        light_answer = call(lightapi, method, path, body, headers)
        other_answer = call(other, method, other_path or path, body, headers)
        problem = ""
        if light_answer.status != status or other_answer.status != status:
            problem = f"status {light_answer.status} vs {other_answer.status}, expected {status}"
            if peer and scenario is not None and light_answer.status == status:
                report.failed_scenarios.add(scenario)
        else:
            try:
                light_view = normaliser.view(light_answer, lightapi, keys)
                other_view = normaliser.view(other_answer, other, keys)
            except ParityError as error:
                light_view = other_view = {}
                problem = str(error)
            differing = [key for key in light_view if light_view[key] != other_view[key]]
            if differing:
                problem = "; ".join(
                    f"{key}: lightapi {str(light_view[key])[:300]!r} vs"
                    f" {str(other_view[key])[:300]!r}"
                    for key in differing
                )
        if problem and scenario is not None and not peer:
            raise ParityError(f"{label}: {problem}")
        if problem:
            report.warnings.append(f"{label}: {problem}")
        else:
            light_bytes = light_answer.body.replace(lightapi.encode(), BASE.encode())
            byte_equal = light_bytes == other_answer.body.replace(other.encode(), BASE.encode())
            links = light_bytes != light_answer.body
            links_note = " apart from the base URL" if byte_equal and links else ""
            report.lines.append(
                f"{label}: {status}, same {'bytes' if byte_equal else 'shape'}{links_note}"
                f" ({len(light_answer.body)} B)"
            )
        return light_answer, other_answer

    same("GET /books/1", "GET", "/books/1", status=200, scenario="get_one", keys=KEYS)
    light_list, _ = same("GET /books", "GET", "/books", status=200, scenario="get_list")
    rows = len(light_list.json()["results"])
    if rows != seed.LIST_ROWS:
        raise ParityError(f"GET /books returned {rows} rows, expected {seed.LIST_ROWS}")
    same(f"GET {NOT_FOUND_PATH}", "GET", NOT_FOUND_PATH, status=404, scenario="not_found")
    bearer = {"Authorization": f"Bearer {token}"}
    same(
        f"GET {NOTE_PATH}",
        "GET",
        NOTE_PATH,
        status=200,
        scenario="auth_get",
        keys=NOTE_KEYS,
        headers=bearer,
    )
    same(f"GET {NOTE_PATH} (no token)", "GET", NOTE_PATH, status=401)
    same(
        f"GET {NOTE_PATH} (bad token)",
        "GET",
        NOTE_PATH,
        status=401,
        headers={"Authorization": "Bearer not-a-jwt"},
    )

    _check_articles(same)
    _check_feed(same, cursors)
    if cached and not peer:
        report.lines.extend(_check_cached(same, lightapi))
    elif cached:
        same(f"GET {CACHED_PATH}", "GET", CACHED_PATH, status=200, scenario="get_cached", keys=KEYS)

    book = {"title": "Parity", "author": "Check", "year": 1999}
    created, _ = same("POST /books", "POST", "/books", book, status=201, scenario="post", keys=KEYS)
    location = created.headers["location"]
    same(
        f"PATCH {location}",
        "PATCH",
        location,
        {"year": 2000, "version": 1},
        status=200,
        scenario="patch",
        keys=KEYS,
    )
    same(
        f"PATCH {location} (stale)",
        "PATCH",
        location,
        {"year": 2001, "version": 1},
        status=409,
        scenario="patch",
    )
    same(
        "PATCH /books/999999",
        "PATCH",
        "/books/999999",
        {"version": 1},
        status=404,
        scenario="patch",
    )
    same(
        "POST /books (invalid)",
        "POST",
        "/books",
        {"title": "", "author": "x", "extra": 1},
        status=422,
    )
    same("PATCH /books/1 (no version)", "PATCH", "/books/1", {"year": 1}, status=422)
    same(
        "GET /books/1 If-None-Match",
        "GET",
        "/books/1",
        status=304,
        headers={"If-None-Match": '"1-1"'},
    )
    return report


def _check_cached(same: Same, lightapi: str) -> list[str]:
    """``GET /cached_books/1`` twice: LightAPI must answer the baseline's exact bytes both times
    (stored, then from Redis), and the second answer must be a HIT."""
    light_first, raw_first = same(
        f"GET {CACHED_PATH}", "GET", CACHED_PATH, status=200, scenario="get_cached"
    )
    uncached, _ = same("GET /books/1 (same row, uncached)", "GET", "/books/1", status=200)
    light_second = call(lightapi, "GET", CACHED_PATH)
    states = [light_first.headers.get("x-cache"), light_second.headers.get("x-cache")]
    problems = []
    if states != ["MISS", "HIT"]:
        problems.append(f"X-Cache {states[0]} then {states[1]}, expected MISS then HIT")
    if "x-cache" in raw_first.headers:
        problems.append("the baseline sent X-Cache")
    for label, answer in (("first", light_first), ("second", light_second)):
        if answer.status != 200 or answer.body != raw_first.body:
            problems.append(
                f"{label} answer {answer.status} {answer.body[:200]!r} is not the baseline's"
                f" bytes {raw_first.body[:200]!r}"
            )
        for header in ("content-type", "etag"):
            if answer.headers.get(header) != raw_first.headers.get(header):
                problems.append(
                    f"{label} answer {header} {answer.headers.get(header)!r} vs the baseline's"
                    f" {raw_first.headers.get(header)!r}"
                )
    if uncached.body != raw_first.body:
        problems.append("the cached row's body differs from GET /books/1's (seed out of step)")
    if problems:
        raise ParityError(f"GET {CACHED_PATH}: " + "; ".join(problems))
    return [
        f"GET {CACHED_PATH} cached: X-Cache {states[0]} then {states[1]}, both the baseline's"
        f" bytes, ETag and Content-Type, same bytes as GET /books/1"
    ]


def _check_articles(same: Same) -> None:
    """The benchmarked pages must be full middle pages with both links; error paths and edge
    pages are compared too, but only reported."""
    same(f"GET {PAGE_PATH}", "GET", PAGE_PATH, status=200, scenario="page_list", keys=PAGE_KEYS)
    light, _ = same(
        f"GET {FILTERED_PATH}",
        "GET",
        FILTERED_PATH,
        status=200,
        scenario="get_filtered",
        keys=PAGE_KEYS,
    )
    body = light.json()
    size = len(body["results"])
    if body["count"] != FILTERED_COUNT or size != 20 or None in (body["next"], body["previous"]):
        raise ParityError(
            f"GET {FILTERED_PATH}: count {body['count']} (expected {FILTERED_COUNT}),"
            f" {size} rows (expected 20), next {body['next']!r}, previous {body['previous']!r}"
        )
    for query in ("", "?status=draft&ordering=title,-views&page=10", "?page=99&page_size=100"):
        path = f"/articles{query}"
        same(f"GET {path}", "GET", path, status=200, keys=PAGE_KEYS)
    for query in ("views__gte=many", "ordering=id", "page=0", "page_size=101"):
        path = f"/articles?{query}"
        same(f"GET {path}", "GET", path, status=422)


def _check_feed(same: Same, cursors: tuple[str, str]) -> None:
    """Page 1 and the benchmarked page 2 (each app with its own token), which must be full with
    both tokens; then the page before page 2, and a token that is not one (400)."""
    same(f"GET {FEED_PATH}", "GET", FEED_PATH, status=200, scenario="cursor_list", keys=CURSOR_KEYS)
    light_token, other_token = cursors
    light, other = same(
        f"GET {FEED_PATH}?cursor=<next of page 1>",
        "GET",
        f"{FEED_PATH}?cursor={light_token}",
        status=200,
        scenario="cursor_list",
        keys=CURSOR_KEYS,
        other_path=f"{FEED_PATH}?cursor={other_token}",
    )
    body = light.json()
    if len(body["results"]) != 20 or None in (body["next"], body["previous"]):
        raise ParityError(
            f"GET {FEED_PATH}?cursor=...: {len(body['results'])} rows (expected 20),"
            f" next {body['next']!r}, previous {body['previous']!r}"
        )
    other_previous = (other.json() or {}).get("previous") if other.status == 200 else None
    if other_previous:
        same(
            f"GET {FEED_PATH}?cursor=<previous of page 2>",
            "GET",
            f"{FEED_PATH}?cursor={body['previous']}",
            status=200,
            keys=CURSOR_KEYS,
            other_path=f"{FEED_PATH}?cursor={other_previous}",
        )
    same(f"GET {FEED_PATH}?cursor=garbage", "GET", f"{FEED_PATH}?cursor=garbage", status=400)
