"""The cache's retry back-off starts at 1 s however many requests were in flight when Redis
went away (R14.6).

Each request that was already waiting on Redis when it died used to count as one more failed
retry, doubling the back-off per request in flight: eight concurrent requests suspended caching
for the 30 s maximum instead of retrying after 1 s. Found by the fault suite of issue #11
(tests/reliability/test_faults.py), where three readers in flight made the first retry wait 4 s.
"""

from __future__ import annotations

import asyncio
import time

from tests.http.test_cache import books_cached_on_own_redis

IN_FLIGHT = 8


async def test_requests_in_flight_at_an_outage_count_as_one_failure(tmp_path):
    async with books_cached_on_own_redis(tmp_path) as (client, own):
        await client.post("/books", json={"title": "Dune"})
        assert [(await client.get("/books")).headers["x-cache"] for _ in range(2)] == [
            "MISS",
            "HIT",
        ]
        own.stop()
        answers = await asyncio.gather(*(client.get("/books") for _ in range(IN_FLIGHT)))
        failed = time.monotonic()
        assert [(a.status_code, a.headers["x-cache"]) for a in answers] == [
            (200, "MISS")
        ] * IN_FLIGHT
        own.start()
        while (await client.get("/books")).headers["x-cache"] != "HIT":
            # The first retry is due 1 s after the failure (3 s if Redis was not up by then);
            # a back-off doubled per request in flight would be 30 s.
            assert time.monotonic() - failed < 6, "caching did not resume after the back-off"
            await asyncio.sleep(0.05)  # polling for the retry, with the deadline above
