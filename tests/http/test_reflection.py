"""Reflection of tables created by raw SQL, on all four engines (§15, issue #8 acceptance 1)."""

from __future__ import annotations

import contextlib
import decimal

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import create_async_engine

from lightapi import ConfigurationError, Field, LightApi, LightApiWarning, RestEndpoint, SpecError
from tests.conftest import ENGINE_KINDS, client_for
from tests.services import pg_schema, pg_url

DDL = {
    "sqlite": [
        "CREATE TABLE products (sku INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE,"
        " price NUMERIC(8, 2) NOT NULL CHECK (price >= 0), notes TEXT, stocked BOOLEAN,"
        " created_at DATETIME, updated_at DATETIME, version INTEGER NOT NULL DEFAULT 1)",
        "CREATE TABLE legacy_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL,"
        " flag BOOLEAN DEFAULT 0, data BLOB)",
        "CREATE TABLE required_blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    ],
    "postgresql": [
        "CREATE TABLE products (sku SERIAL PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE,"
        " price NUMERIC(8, 2) NOT NULL CHECK (price >= 0), notes TEXT, stocked BOOLEAN,"
        " created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, version INTEGER NOT NULL DEFAULT 1)",
        "CREATE TABLE legacy_notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL,"
        " flag BOOLEAN DEFAULT false, data BYTEA)",
        "CREATE TABLE required_blobs (id SERIAL PRIMARY KEY, data BYTEA NOT NULL)",
    ],
}


class ProductEndpoint(RestEndpoint):
    class Meta:
        reflect = True
        table = "products"


class PartialProductEndpoint(RestEndpoint):
    name: str = Field(min_length=3)
    notes: str | None = Field(default=None, max_length=10)

    class Meta:
        reflect = "partial"
        table = "products"


class LegacyNoteEndpoint(RestEndpoint):
    class Meta:
        reflect = True


@contextlib.contextmanager
def raw_tables(kind: str, tmp_path):
    """An engine of ``kind`` over a database whose tables a sync connection made by raw SQL."""
    if kind in ("sqlite", "aiosqlite"):
        path = tmp_path / "legacy.db"
        setup = create_engine(f"sqlite:///{path}")
        with setup.begin() as connection:
            for statement in DDL["sqlite"]:
                connection.execute(text(statement))
        setup.dispose()
        yield (
            create_engine(f"sqlite:///{path}")
            if kind == "sqlite"
            else create_async_engine(f"sqlite+aiosqlite:///{path}")
        )
        return
    with pg_schema() as schema:
        setup = create_engine(
            pg_url("psycopg"), connect_args={"options": f"-csearch_path={schema}"}
        )
        with setup.begin() as connection:
            for statement in DDL["postgresql"]:
                connection.execute(text(statement))
        setup.dispose()
        if kind == "postgres":
            yield create_engine(
                pg_url("psycopg"), connect_args={"options": f"-csearch_path={schema}"}
            )
        else:
            yield create_async_engine(
                pg_url("asyncpg"), connect_args={"server_settings": {"search_path": schema}}
            )


@pytest.fixture(params=ENGINE_KINDS)
async def reflected(request, tmp_path):
    opened = []

    def build(endpoints, **kwargs):
        app = LightApi(engine=engine, **kwargs)
        with (
            pytest.warns(LightApiWarning, match="LA603|LA606")
            if any(spec.__name__ == "LegacyNoteEndpoint" for spec in endpoints.values())
            else contextlib.nullcontext()
        ):
            app.register(endpoints)
            app.build_app()
        client = client_for(app)
        opened.append(client)
        return client

    with raw_tables(request.param, tmp_path) as engine:
        yield build
        for client in opened:
            await client.aclose()
        if hasattr(engine, "sync_engine"):
            await engine.dispose()
        else:
            engine.dispose()


async def test_crud_on_a_reflected_table_with_its_own_key(reflected):
    client = reflected({"/products": ProductEndpoint})
    created = await client.post("/products", json={"name": "Lamp", "price": "12.5"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert list(body) == [
        "name",
        "price",
        "notes",
        "stocked",
        "sku",
        "created_at",
        "updated_at",
        "version",
    ]
    assert (body["sku"], body["price"], body["version"]) == (1, "12.50", 1)
    assert created.headers["location"] == "/products/1"
    assert created.headers["etag"] == '"1-1"'
    assert body["created_at"].endswith("Z")
    patched = await client.patch("/products/1", json={"notes": "bright", "version": 1})
    assert (patched.status_code, patched.json()["version"]) == (200, 2)
    stale = await client.patch("/products/1", json={"notes": "x", "version": 1})
    assert stale.status_code == 409
    listed = (await client.get("/products")).json()["results"]
    assert [row["sku"] for row in listed] == [1]
    assert (await client.delete("/products/1")).status_code == 204
    assert (await client.get("/products/1")).status_code == 404


async def test_the_tables_own_constraints_are_respected(reflected):
    client = reflected({"/products": ProductEndpoint})
    assert (await client.post("/products", json={"name": "Lamp", "price": 1})).status_code == 201
    duplicate = await client.post("/products", json={"name": "Lamp", "price": 2})
    assert duplicate.json() == {"detail": "unique constraint violated"}
    negative = await client.post("/products", json={"name": "Rug", "price": -1})
    assert negative.json() == {"detail": "check constraint violated"}
    missing = await client.post("/products", json={"price": 2})
    assert missing.status_code == 422  # NOT NULL without a default: required (R15.3)
    long = await client.post("/products", json={"name": "x" * 41, "price": 2})
    assert long.status_code == 422  # VARCHAR(40)
    places = await client.post("/products", json={"name": "Tap", "price": "1.234"})
    assert places.status_code == 422  # NUMERIC(8, 2)


async def test_partial_reflection_adds_declared_validation(reflected):
    client = reflected({"/products": PartialProductEndpoint})
    assert (await client.post("/products", json={"name": "ab", "price": 1})).status_code == 422
    assert (
        await client.post("/products", json={"name": "Lamp", "price": 1, "notes": "x" * 11})
    ).status_code == 422
    created = await client.post("/products", json={"name": "Lamp", "price": 1})
    assert created.status_code == 201
    assert decimal.Decimal(created.json()["price"]) == 1  # undeclared columns still served


async def test_a_table_without_version_is_served_without_locking(reflected):
    client = reflected({"/notes": LegacyNoteEndpoint})
    created = await client.post("/notes", json={"body": "hello"})
    assert created.status_code == 201
    assert created.json() == {"body": "hello", "flag": False, "id": 1}  # no version, no BLOB
    assert "etag" not in created.headers  # R6.1, R15.4
    replaced = await client.put("/notes/1", json={"body": "again"})  # no version needed
    assert replaced.status_code == 200 and replaced.json()["body"] == "again"
    assert (await client.delete("/notes/1?version=5")).status_code == 204  # unconditional


async def test_an_empty_patch_of_a_table_without_version_or_timestamps(reflected):
    """Nothing to set, no version to bump: the row as it is, or 404 (found by schemathesis:
    the UPDATE had an empty SET clause and answered 500)."""
    client = reflected({"/notes": LegacyNoteEndpoint})
    assert (await client.post("/notes", json={"body": "hello"})).status_code == 201
    unchanged = await client.patch("/notes/1", json={})
    assert unchanged.status_code == 200, unchanged.text
    assert unchanged.json() == {"body": "hello", "flag": False, "id": 1}
    assert (await client.patch("/notes/1", content=b"")).status_code == 200  # empty body is {}
    missing = await client.patch("/notes/2", json={})
    assert (missing.status_code, missing.json()) == (404, {"detail": "not found"})


def test_missing_table_fails_at_register(tmp_path):
    class GhostEndpoint(RestEndpoint):
        class Meta:
            reflect = True

    app = LightApi(engine=create_engine(f"sqlite:///{tmp_path}/empty.db"))
    with pytest.raises(ConfigurationError, match="does not exist") as raised:
        app.register({"/ghosts": GhostEndpoint})  # R15.5
    assert [item.code for item in raised.value.diagnostics] == ["LA601"]


def test_reflection_diagnostics(tmp_path):
    with raw_tables("sqlite", tmp_path) as engine:

        class BlobEndpoint(RestEndpoint):
            class Meta:
                reflect = True
                table = "required_blobs"

        class WrongPartialEndpoint(RestEndpoint):
            nickname: str
            price: str

            class Meta:
                reflect = "partial"
                table = "products"

        app = LightApi(engine=engine)
        with pytest.raises(SpecError) as raised:
            app.register({"/blobs": BlobEndpoint})
        assert [item.code for item in raised.value.diagnostics] == ["LA607"]
        with pytest.raises(SpecError) as raised:
            app.register({"/products": WrongPartialEndpoint})
        assert sorted(item.code for item in raised.value.diagnostics) == ["LA604", "LA605"]
        messages = {item.code: item.message for item in raised.value.diagnostics}
        assert messages["LA605"] == (
            "type conflict: 'price' is declared str but column is NUMERIC(8, 2)"
        )
