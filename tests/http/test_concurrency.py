"""Concurrent writers on one row: exactly one succeeds per version (R5.19, R20.3).

The writers are real concurrent transactions on PostgreSQL: with psycopg each request runs in
its own worker thread and connection, with asyncpg each on its own pooled connection.
"""

from __future__ import annotations

import asyncio

import pytest

from lightapi import LightApi
from tests.conftest import client_for, make_engine
from tests.http.models import BookEndpoint

WRITERS = 12


@pytest.mark.parametrize("kind", ["postgres", "asyncpg"])
@pytest.mark.parametrize("style", ["body", "if-match"])
async def test_concurrent_patches_with_one_version(kind, style, tmp_path):
    with make_engine(kind, tmp_path) as engine:
        app = LightApi(engine=engine)
        app.register({"/books": BookEndpoint})
        async with client_for(app) as client:
            created = (await client.post("/books", json={"title": "a", "author": "b"})).json()
            pk = created["id"]

            async def writer(number: int):
                if style == "body":
                    return await client.patch(f"/books/{pk}", json={"year": number, "version": 1})
                return await client.patch(
                    f"/books/{pk}", json={"year": number}, headers={"If-Match": f'"{pk}-1"'}
                )

            responses = await asyncio.gather(*(writer(n) for n in range(WRITERS)))
            statuses = sorted(response.status_code for response in responses)
            loser = 409 if style == "body" else 412
            assert statuses == [200] + [loser] * (WRITERS - 1)
            [winner] = [response for response in responses if response.status_code == 200]
            final = (await client.get(f"/books/{pk}")).json()
            assert final["version"] == 2  # exactly one higher
            assert final["year"] == winner.json()["year"]
        if hasattr(engine, "sync_engine"):
            await engine.dispose()
