"""The measured requests, and what each needs from the database and the harness before a run."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from bench import seed

# PATCH rows per second of run that we provision; far above what one uvicorn worker reaches on
# 2 cores, so no run runs out of rows (wrk's Lua reports an overrun if one ever does).
PATCH_RATE_CEILING: Final = 10_000

# 450 articles match (of 1,000): 23 pages of 20, so page 2 is full and has both links.
FILTERED_PATH: Final = (
    "/articles?status=live&views__gte=100&ordering=-views,title&page=2&page_size=20"
)
FILTERED_COUNT: Final = 450
PAGE_PATH: Final = "/articles?page=2"
FEED_PATH: Final = "/feed"
NOT_FOUND_PATH: Final = "/books/999999"
NOTE_PATH: Final = "/notes/1"
# BookEndpoint again, with Meta.cache = Cache(ttl=300), on a table holding the same rows.
CACHED_PATH: Final = "/cached_books/1"
UNCACHED_SCENARIO: Final = "get_one"  # the same request without the cache
CACHED_SCENARIO: Final = "get_cached"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    description: str
    script: str | None = None
    patches: bool = False
    cached: bool = False  # LightAPI answers from Redis: needs Redis, checked for X-Cache: HIT
    cursor: bool = False  # path + "?cursor=<the app's own next token of its first page>"
    authenticated: bool = False  # sent with "Authorization: Bearer <the run's JWT>"
    expected_status: int = 200  # not_found: every answer must be a 404

    def patch_rows_per_thread(self, seconds: float, threads: int) -> int:
        if not self.patches:
            return 0
        return math.ceil(PATCH_RATE_CEILING * max(seconds, 1.0) / threads)

    def script_args(self, rows_per_thread: int) -> tuple[str, ...]:
        if not self.patches:
            return ()
        return (str(seed.FIRST_PATCH_ID), str(rows_per_thread))

    def target(self, cursor: str | None) -> str:
        """The request path; a cursor scenario needs the app's own token."""
        if not self.cursor:
            return self.path
        if cursor is None:
            raise ValueError(f"{self.name} needs the app's cursor token")
        return f"{self.path}?cursor={cursor}"


SCENARIOS: Final = {
    scenario.name: scenario
    for scenario in (
        Scenario("get_one", "/books/1", "GET /books/1"),
        Scenario("get_list", "/books", "GET /books (50 rows)"),
        Scenario("page_list", PAGE_PATH, "GET /articles?page=2: count + page 2 of 20, links"),
        Scenario(
            "cursor_list",
            FEED_PATH,
            "GET /feed?cursor=<next of page 1>: keyset page 2 of 20, both tokens",
            cursor=True,
        ),
        Scenario(
            "get_filtered",
            FILTERED_PATH,
            "GET /articles filtered, ordered, page 2 of 20 rows (450 of 1,000 match)",
        ),
        Scenario("post", "/books", "POST /books, small valid body", script="post.lua"),
        Scenario(
            "patch",
            "/books",
            'PATCH /books/{id} {"year": 2000, "version": 1}, each row once',
            script="patch.lua",
            patches=True,
        ),
        Scenario(
            "get_cached",
            CACHED_PATH,
            "GET /cached_books/1: LightAPI from its Redis cache, the others uncached",
            cached=True,
        ),
        Scenario(
            "not_found", NOT_FOUND_PATH, "GET /books/999999: 404 expected", expected_status=404
        ),
        Scenario(
            "auth_get",
            NOTE_PATH,
            "GET /notes/1 with a bearer JWT (HS256) verified per request",
            authenticated=True,
        ),
    )
}
