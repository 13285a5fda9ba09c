"""Checks, before measuring, that both apps give the same answers to the benchmarked requests.

A ratio means nothing if one side does less work or answers differently, so a mismatch on a
benchmarked request stops the run; mismatches on error paths (not measured) are only reported.
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

TIMESTAMP: Final = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
TIMESTAMPS: Final = ("created_at", "updated_at")
KEYS: Final = ["title", "author", "year", "id", "created_at", "updated_at", "version"]


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


def _without_timestamps(view: dict[str, Any]) -> dict[str, Any]:
    """The view with timestamps replaced by a marker, after checking they are RFC 3339 UTC."""
    body = view["body"]
    if not isinstance(body, dict):
        return view
    if list(body) != KEYS:
        raise ParityError(f"unexpected keys or key order: {list(body)}")
    for name in TIMESTAMPS:
        if not TIMESTAMP.fullmatch(str(body[name])):
            raise ParityError(f"{name} is not RFC 3339 UTC with Z: {body[name]!r}")
    return {**view, "body": {**body, **dict.fromkeys(TIMESTAMPS, "<timestamp>")}}


@dataclass
class Report:
    lines: list[str]
    warnings: list[str]


def check(lightapi: str, raw: str) -> Report:
    """Run the same requests against both apps; raise ParityError on a benchmarked mismatch."""
    report = Report([], [])

    def same(
        label: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int,
        fatal: bool = True,
        normalise: Callable[[dict[str, Any]], dict[str, Any]] = lambda view: view,
        headers: dict[str, str] | None = None,
    ) -> tuple[Answer, Answer]:
        light_answer = call(lightapi, method, path, body, headers)
        raw_answer = call(raw, method, path, body, headers)
        problem = ""
        if light_answer.status != status or raw_answer.status != status:
            problem = f"status {light_answer.status} vs {raw_answer.status}, expected {status}"
        else:
            light_view, raw_view = normalise(light_answer.view()), normalise(raw_answer.view())
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
            byte_equal = light_answer.body == raw_answer.body
            report.lines.append(
                f"{label}: {status}, same {'bytes' if byte_equal else 'shape'}"
                f" ({len(light_answer.body)} B)"
            )
        return light_answer, raw_answer

    same("GET /books/1", "GET", "/books/1", status=200)
    light_list, _ = same("GET /books", "GET", "/books", status=200)
    rows = len(light_list.json()["results"])
    if rows != seed.LIST_ROWS:
        raise ParityError(f"GET /books returned {rows} rows, expected {seed.LIST_ROWS}")

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
