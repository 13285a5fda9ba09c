"""One suite, two front ends: a YAML file using every option and the same endpoints written as
classes must compile to the same spec and serve the same behaviour (issue #8 acceptance 2)."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from openapi_spec_validator import validate
from sqlalchemy import create_engine, text

from lightapi import LightApi, SpecError
from lightapi.cache import MemoryCacheBackend
from lightapi.spec import to_dict
from tests.conftest import client_for
from tests.frontends.classes import ENDPOINTS, SETTINGS

HERE = Path(__file__).parent
SECRET = "front-ends-secret-" + "q" * 40


@pytest.fixture(params=["classes", "yaml"])
async def library(request, tmp_path, monkeypatch):
    database = tmp_path / "library.db"
    setup = create_engine(f"sqlite:///{database}")
    with setup.begin() as connection:
        connection.execute(text(
            "CREATE TABLE legacy_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
        ))
    setup.dispose()
    monkeypatch.setenv("LIBRARY_DB", f"sqlite:///{database}")
    common = {"cache_backend": MemoryCacheBackend(), "jwt_secret": SECRET}
    if request.param == "classes":
        app = LightApi(database_url=f"sqlite:///{database}", **SETTINGS, **common)
        app.register(ENDPOINTS)
    else:
        app = LightApi.from_config(HERE / "library.yaml", **common)
    with pytest.warns(Warning, match="LA603"):  # legacy_notes has no version column
        app.build_app()
    async with client_for(app) as client:
        yield app, client


def _comparable(value):
    """A spec without what naturally differs between front ends: where things are written."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()
                if key not in ("location", "module", "qualname")}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def test_both_front_ends_compile_to_the_same_spec(tmp_path, monkeypatch):
    specs = []
    database = tmp_path / "same.db"
    setup = create_engine(f"sqlite:///{database}")
    with setup.begin() as connection:
        connection.execute(text(
            "CREATE TABLE legacy_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
        ))
    monkeypatch.setenv("LIBRARY_DB", f"sqlite:///{database}")
    classes = LightApi(database_url=f"sqlite:///{database}", jwt_secret=SECRET, **SETTINGS)
    classes.register(ENDPOINTS)
    yaml_app = LightApi.from_config(HERE / "library.yaml", jwt_secret=SECRET)
    for app in (classes, yaml_app):
        document = to_dict(app.spec)
        document.pop("database")  # the same URL, written twice
        specs.append(_comparable(document))
    assert specs[0] == specs[1]
    openapi = classes.openapi()
    validate(openapi)  # R17.1, for an app using every option
    assert yaml_app.openapi() == openapi  # one IR, one document (§17)


async def _token(client, user="ann"):
    response = await client.post("/auth/login", json={"username": user, "password": "pw"})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_authors_projection_verbs_cache_and_middleware(library):
    _, client = library
    created = await client.post("/authors", json={"name": "Le Guin", "born": "1929-10-21"})
    assert created.status_code == 201
    assert created.json() == {"name": "Le Guin", "id": 1, "version": 1}  # write projection
    assert created.headers["x-stamp"] == "1"  # the middleware
    assert (await client.get("/authors")).headers["x-cache"] == "MISS"
    page = await client.get("/authors")
    assert page.headers["x-cache"] == "HIT"
    assert page.json()["count"] == 1 and list(page.json()) == [
        "count", "pages", "next", "previous", "results"]  # defaults.pagination
    assert (await client.put("/authors/1", json={})).status_code == 405
    assert (await client.post("/authors", json={"name": "Le Guin"})).json() == {
        "detail": "unique constraint violated"}
    assert (await client.post("/authors", json={"name": "x" * 41})).status_code == 422


async def test_books_authentication_validation_and_querying(library):
    _, client = library
    assert (await client.get("/books")).status_code == 200  # GET: AllowAny
    assert (await client.post("/books", json={"title": "A"})).status_code == 401
    ann = await _token(client)
    claims = jwt.decode(ann["Authorization"][7:], SECRET, algorithms=["HS256"])
    assert set(claims) == {"sub", "is_admin", "iat", "exp"}  # extra claims only
    assert claims["exp"] - claims["iat"] == 600
    for number, title in enumerate(["Solaris", "Ubik", "Dune"]):
        response = await client.post(
            "/books", headers=ann,
            json={"title": title, "pages": 100 * (number + 1), "price": "9.5",
                  "published": "2020-01-01T00:00:00+01:00", "available": number != 1},
        )
        assert response.status_code == 201, response.text
    body = response.json()
    assert (body["price"], body["published"], body["rating"]) == ("9.50", "2019-12-31T23:00:00Z",
                                                                  None)
    assert (await client.post("/books", headers=ann, json={"title": "X", "pages": 0})
            ).status_code == 422
    assert (await client.post("/books", headers=ann, json={"title": "X", "author_id": 99})
            ).json() == {"detail": "foreign key constraint violated"}
    first = (await client.get("/books?ordering=-pages")).json()
    assert [row["title"] for row in first["results"]] == ["Dune", "Ubik"]  # cursor pages of 2
    rest = (await client.get("/books", params={"ordering": "-pages", "cursor": first["next"]})
            ).json()
    assert [row["title"] for row in rest["results"]] == ["Solaris"]
    assert [row["title"] for row in (await client.get("/books?available=false")).json()[
        "results"]] == ["Ubik"]
    assert [row["title"] for row in (await client.get("/books?search=OLA")).json()[
        "results"]] == ["Solaris"]
    assert (await client.delete("/books/1", headers=ann)).status_code == 403
    assert (await client.delete("/books/1", headers=await _token(client, "root"))
            ).status_code == 204


async def test_reflected_table_cors_and_body_limit(library):
    _, client = library
    created = await client.post("/legacy-notes", json={"body": "old"})
    assert created.status_code == 201 and created.json() == {"body": "old", "id": 1}
    assert "etag" not in created.headers  # no version column: no locking
    preflight = await client.options("/books", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert preflight.headers["access-control-max-age"] == "60"
    assert (await client.post("/legacy-notes", content=b" " * 5000)).status_code == 413


def test_a_yaml_typo_names_its_key_path_and_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LIBRARY_DB", "sqlite://")
    broken = (HERE / "library.yaml").read_text().replace("pagination:\n        style", (
        "paginaton:\n        style"))
    path = tmp_path / "library.yaml"
    path.write_text(broken)
    with pytest.raises(SpecError) as raised:
        LightApi.from_config(path)
    [problem] = raised.value.diagnostics
    line = broken.splitlines().index("      paginaton:") + 1
    assert (problem.code, problem.subject, problem.location.line) == (
        "LA701", f"{path}:endpoints[1].meta.paginaton", line)
    assert problem.hint == "did you mean 'pagination'?"


def test_the_0x_shape_is_translated():
    app = LightApi.from_dict({
        "database_url": "sqlite://",
        "endpoints": {"/notes": {"fields": {"text": "str"}, "paginate": 5,
                                 "filters": ["text"], "methods": ["GET", "POST"]}},
    })
    [endpoint] = app.spec.endpoints
    assert (endpoint.path, endpoint.table, sorted(endpoint.methods)) == (
        "/notes", "notes", ["GET", "POST"])
    assert (endpoint.pagination.page_size, endpoint.filtering.fields) == (5, ("text",))
