"""Fixtures shared by every suite: the four engines of the CRUD matrix and an HTTP client.

``engine`` is parametrised over sync SQLite, aiosqlite, PostgreSQL with psycopg and with
asyncpg (ARCHITECTURE §5.6); each PostgreSQL test gets its own schema.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine

from lightapi import LightApi, RestEndpoint
from tests.services import pg_schema, pg_url

ENGINE_KINDS = ("sqlite", "aiosqlite", "postgres", "asyncpg")


@contextlib.contextmanager
def make_engine(kind: str, tmp_path: Any) -> Iterator[Any]:
    if kind == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path}/test.db")
        yield engine
        engine.dispose()
        return
    if kind == "aiosqlite":
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/test.db")
        yield engine
        engine.sync_engine.dispose()
        return
    with pg_schema() as schema:
        if kind == "postgres":
            engine = create_engine(
                pg_url("psycopg"), connect_args={"options": f"-csearch_path={schema}"}
            )
            yield engine
            engine.dispose()
        else:
            engine = create_async_engine(
                pg_url("asyncpg"), connect_args={"server_settings": {"search_path": schema}}
            )
            yield engine
            engine.sync_engine.dispose()


@pytest.fixture(params=ENGINE_KINDS)
def engine(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    with make_engine(request.param, tmp_path) as created:
        yield created


@pytest.fixture
def sqlite_engine(tmp_path: Any) -> Iterator[Any]:
    with make_engine("sqlite", tmp_path) as created:
        yield created


@pytest.fixture
def postgres_engine(tmp_path: Any) -> Iterator[Any]:
    with make_engine("postgres", tmp_path) as created:
        yield created


Serve = Callable[..., Any]


@pytest.fixture
async def serve(engine: Any) -> AsyncIterator[Serve]:
    """``client = serve({"/books": BookEndpoint}, **lightapi_kwargs)``: an httpx client on a
    freshly built app over the parametrised engine."""
    clients: list[httpx.AsyncClient] = []

    def build(mapping: Mapping[str, type[RestEndpoint]], **kwargs: Any) -> httpx.AsyncClient:
        app = LightApi(engine=engine, **kwargs)
        app.register(dict(mapping))
        client = client_for(app)
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()
    if hasattr(engine, "dispose") and hasattr(engine, "sync_engine"):
        await engine.dispose()


def client_for(app: LightApi) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app.build_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
