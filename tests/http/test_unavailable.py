"""A database that cannot be reached answers 503 and recovers without a restart (R20.1,
R19.5, R23.17)."""

from __future__ import annotations

import pytest

from lightapi import LightApi
from tests.conftest import client_for
from tests.http.models import BookEndpoint


@pytest.mark.parametrize("driver", ["sqlite", "sqlite+aiosqlite"])
async def test_sqlite_file_in_a_missing_folder_is_503_until_it_exists(driver, tmp_path):
    folder = tmp_path / "later"
    app = LightApi(database_url=f"{driver}:///{folder}/books.db")
    app.register({"/books": BookEndpoint})
    async with client_for(app) as client:
        down = await client.get("/books")
        assert down.status_code == 503
        assert down.json() == {"detail": "database unavailable"}
        assert down.headers["retry-after"] == "1"
        assert (await client.post("/books", json={"title": "a", "author": "b"})).status_code == 503
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).status_code == 503
        folder.mkdir()
        created = await client.post("/books", json={"title": "a", "author": "b"})
        assert created.status_code == 201  # tables created on the retry
        assert (await client.get("/readyz")).json() == {"status": "ok"}


@pytest.mark.parametrize("driver", ["psycopg", "asyncpg"])
async def test_postgres_refusing_connections_is_503(driver):
    app = LightApi(database_url=f"postgresql+{driver}://nobody@127.0.0.1:9/none")
    app.register({"/books": BookEndpoint})
    async with client_for(app) as client:
        response = await client.get("/books/1")
        assert response.status_code == 503
        assert response.json() == {"detail": "database unavailable"}
        assert (await client.get("/readyz")).status_code == 503


@pytest.mark.parametrize("driver", ["psycopg", "asyncpg"])
async def test_postgres_shutting_down_is_503_then_recovers(driver):
    """A server that is shutting down or starting up refuses new connections with SQLSTATE
    57P03. asyncpg's error reaches SQLAlchemy as a plain DBAPIError, which used to be a 500
    (found by the fault suite, issue #11). A smart shutdown holds that state while a session is
    open, so the test can observe it; NullPool makes every request open a new connection."""
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from tests.reliability.pg_cluster import own_cluster

    with own_cluster() as cluster:
        cluster.create_database("books")
        create = create_async_engine if driver == "asyncpg" else create_engine
        app = LightApi(engine=create(cluster.url(driver, "books"), poolclass=NullPool))
        app.register({"/books": BookEndpoint})
        async with client_for(app) as client:
            created = await client.post("/books", json={"title": "a", "author": "b"})
            assert created.status_code == 201
            session = cluster.connect()  # keeps the smart shutdown from completing
            cluster.stop("smart", wait=False)
            with pytest.raises(Exception, match="shutting down"):
                cluster.connect().close()
            for method, path in (("GET", "/books/1"), ("GET", "/books"), ("POST", "/books")):
                body = {"title": "c", "author": "d"} if method == "POST" else None
                response = await client.request(method, path, json=body)
                assert response.status_code == 503, response.text
                assert response.json() == {"detail": "database unavailable"}
                assert response.headers["retry-after"] == "1"
            session.close()
            cluster.wait_stopped()
            cluster.start()
            assert (await client.get("/books/1")).status_code == 200
