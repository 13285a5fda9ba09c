"""Checks, before measuring, that both apps give the same answers to the benchmarked requests.

A ratio means nothing if one side does less work or answers differently, so a mismatch on a
benchmarked request stops the run; mismatches on error paths (not measured) are only reported.
The apps listen on different ports, so each app's own base URL is replaced by ``<base>`` in the
page links of list envelopes before comparing.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from bench import seed
from bench.scenarios import CACHED_PATH, FILTERED_COUNT, FILTERED_PATH

TIMESTAMP: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
TIMESTAMPS: Final = ("created_at", "updated_at")
KEYS: Final = ["title", "author", "year", "id", "created_at", "updated_at", "version"]
ARTICLE_KEYS: Final = ["title", "views", "status", "id", "created_at", "updated_at", "version"]
PAGE_KEYS: Final = ["count", "pages", "next", "previous", "results"]
BASE: Final = "<base>"
Normalise = Callable[[dict[str, Any], str], dict[str, Any]]


class ParityError(RuntimeError):
    """The two apps answered a benchmarked request differently."""


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


def _as_is(view: dict[str, Any], base: str) -> dict[str, Any]:
    return view


def _masked(row: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """The row with timestamps replaced by a marker, after checking they are RFC 3339 UTC."""
    if list(row) != keys:
        raise ParityError(f"unexpected keys or key order: {list(row)}")
    for name in TIMESTAMPS:
        if not TIMESTAMP.fullmatch(str(row[name])):
            raise ParityError(f"{name} is not RFC 3339 UTC with Z: {row[name]!r}")
    return {**row, **dict.fromkeys(TIMESTAMPS, "<timestamp>")}


def _without_timestamps(view: dict[str, Any], base: str) -> dict[str, Any]:
    body = view["body"]
    if not isinstance(body, dict):
        return view
    return {**view, "body": _masked(body, KEYS)}


def _page_envelope(view: dict[str, Any], base: str) -> dict[str, Any]:
    """A page-number envelope: links must be absolute URLs on the app's own base URL (shown
    as ``<base>``), every row an article with timestamps masked."""
    body = view["body"]
    if not isinstance(body, dict) or list(body) != PAGE_KEYS:
        raise ParityError(f"not a page-number envelope: {str(body)[:200]}")
    links = {}
    for name in ("next", "previous"):
        link = body[name]
        if link is not None:
            if not link.startswith(base + "/"):
                raise ParityError(f"{name} is not an absolute URL on {base}: {link!r}")
            link = BASE + link.removeprefix(base)
        links[name] = link
    rows = [_masked(row, ARTICLE_KEYS) for row in body["results"]]
    return {**view, "body": {**body, **links, "results": rows}}


@dataclass
class Report:
    lines: list[str]
    warnings: list[str]


def check(lightapi: str, raw: str, *, cached: bool = False) -> Report:
    """Run the same requests against both apps; raise ParityError on a benchmarked mismatch.

    ``cached``: LightAPI serves ``/cached_books`` from Redis; check it too (before any write).
    """
    report = Report([], [])

    def same(
        label: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int,
        fatal: bool = True,
        normalise: Normalise = _as_is,
        headers: dict[str, str] | None = None,
    ) -> tuple[Answer, Answer]:
        light_answer = call(lightapi, method, path, body, headers)
        raw_answer = call(raw, method, path, body, headers)
        problem = ""
        if light_answer.status != status or raw_answer.status != status:
            problem = f"status {light_answer.status} vs {raw_answer.status}, expected {status}"
        else:
            try:
                light_view = normalise(light_answer.view(), lightapi)
                raw_view = normalise(raw_answer.view(), raw)
            except ParityError as error:
                light_view = raw_view = {}
                problem = str(error)
            differing = [key for key in light_view if light_view[key] != raw_view[key]]
            if differing:
                problem = "; ".join(
                    f"{key}: lightapi {light_view[key]!r} vs raw {raw_view[key]!r}"
                    for key in differing
                )
        if problem and fatal:
            raise ParityError(f"{label}: {problem}")
        if problem:
            report.warnings.append(f"{label}: {problem}")
        else:
            light_bytes = light_answer.body.replace(lightapi.encode(), BASE.encode())
            byte_equal = light_bytes == raw_answer.body.replace(raw.encode(), BASE.encode())
            links = light_bytes != light_answer.body
            links_note = " apart from the base URL" if byte_equal and links else ""
            report.lines.append(
                f"{label}: {status}, same {'bytes' if byte_equal else 'shape'}{links_note}"
                f" ({len(light_answer.body)} B)"
            )
        return light_answer, raw_answer

    same("GET /books/1", "GET", "/books/1", status=200)
    light_list, _ = same("GET /books", "GET", "/books", status=200)
    rows = len(light_list.json()["results"])
    if rows != seed.LIST_ROWS:
        raise ParityError(f"GET /books returned {rows} rows, expected {seed.LIST_ROWS}")

    _check_articles(same)
    if cached:
        report.lines.extend(_check_cached(same, lightapi))

    book = {"title": "Parity", "author": "Check", "year": 1999}
    created, _ = same(
        "POST /books", "POST", "/books", book, status=201, normalise=_without_timestamps
    )
    location = created.headers["location"]
    same(
        f"PATCH {location}",
        "PATCH",
        location,
        {"year": 2000, "version": 1},
        status=200,
        normalise=_without_timestamps,
    )
    same(f"PATCH {location} (stale)", "PATCH", location, {"year": 2001, "version": 1}, status=409)
    same("PATCH /books/999999", "PATCH", "/books/999999", {"version": 1}, status=404)
    same(
        "POST /books (invalid)",
        "POST",
        "/books",
        {"title": "", "author": "x", "extra": 1},
        status=422,
        fatal=False,
    )
    same(
        "PATCH /books/1 (no version)",
        "PATCH",
        "/books/1",
        {"year": 1},
        status=422,
        fatal=False,
    )
    same(
        "GET /books/1 If-None-Match",
        "GET",
        "/books/1",
        status=304,
        fatal=False,
        headers={"If-None-Match": '"1-1"'},
    )
    return report


def _check_cached(same: Callable[..., tuple[Answer, Answer]], lightapi: str) -> list[str]:
    """``GET /cached_books/1`` twice: LightAPI must answer the baseline's exact bytes both times
    (stored, then from Redis), and the second answer must be a HIT."""
    light_first, raw_first = same(f"GET {CACHED_PATH}", "GET", CACHED_PATH, status=200)
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


def _check_articles(same: Callable[..., tuple[Answer, Answer]]) -> None:
    """The benchmarked filtered page must be a full middle page with both links; error paths
    and edge pages are compared too, but only reported."""
    light, _ = same(
        f"GET {FILTERED_PATH}", "GET", FILTERED_PATH, status=200, normalise=_page_envelope
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
        same(f"GET {path}", "GET", path, status=200, fatal=False, normalise=_page_envelope)
    for query in ("views__gte=many", "ordering=id", "page=0", "page_size=101"):
        path = f"/articles?{query}"
        same(f"GET {path}", "GET", path, status=422, fatal=False)
