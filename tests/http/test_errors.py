"""Every answer is JSON; bad input gets the documented 4xx and changes nothing (R5.5-R5.14,
R5.21, R23.2)."""

from __future__ import annotations

import contextlib
import logging

import pytest
from sqlalchemy import text

from lightapi import LightApi
from tests.conftest import client_for, make_engine
from tests.http.models import ArticleEndpoint, AuthorEndpoint, BookEndpoint, KitchenSinkEndpoint

BOOK = {"title": "Dune", "author": "Herbert"}


async def _row_count(client, path="/books"):
    return len((await client.get(path)).json()["results"])


def _assert_json_error(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert "detail" in response.json()
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "body",
    [b"{bad", b'{"title": "a",}', b"\xff\xfe", b'{"title": "\xff"}', b'{"title": NaN}',
     b'{"year": Infinity, "title": "a", "author": "b"}', b'{"year": -Infinity}', b"nul",
     b'{"title": "a"} trailing'],
)
async def test_invalid_json_is_400(serve, body):
    client = serve({"/books": BookEndpoint})
    response = await client.post("/books", content=body)
    _assert_json_error(response, 400)  # R5.11, R23.2
    assert response.json() == {"detail": "Invalid JSON body"}
    assert await _row_count(client) == 0


@pytest.mark.parametrize(
    "body",
    [b"[" * 30_000 + b"NaN" + b"]" * 30_000, b'{"title": ' + b"[" * 2_000 + b"]" * 2_000 + b"}",
     b'{"title": "Infinity", "author": ' + b"[" * 1_000 + b"1" + b"]" * 1_000 + b"}",
     b'"\x80"Infinity', b'{"title": "\xff", "year": NaN}'],
)
async def test_deeply_nested_or_undecodable_json_is_400_not_500(serve, caplog, body):
    """R5.11, R23.2: nesting past the parsers' depth limit and invalid UTF-8 are invalid JSON,
    also when the body holds ``NaN``/``Infinity`` (msgspec's check for those raised
    RecursionError or UnicodeDecodeError: a logged 500)."""
    client = serve({"/books": BookEndpoint})
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        response = await client.post("/books", content=body)
    _assert_json_error(response, 400)
    assert response.json() == {"detail": "Invalid JSON body"}
    assert "unhandled" not in caplog.text
    assert await _row_count(client) == 0


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"42", b"null", b"true"])
async def test_json_that_is_not_an_object_is_422_at_root(serve, body):
    client = serve({"/books": BookEndpoint})
    response = await client.post("/books", content=body)
    _assert_json_error(response, 422)
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("model_type", [])


async def test_empty_body_is_an_empty_object(serve):
    client = serve({"/books": BookEndpoint})
    response = await client.post("/books", content=b"")
    _assert_json_error(response, 422)  # R5.11: {} -> the required fields are missing
    assert {item["loc"][0] for item in response.json()["detail"]} == {"title", "author"}


async def test_body_is_parsed_whatever_the_content_type(serve):
    client = serve({"/books": BookEndpoint})
    response = await client.post(
        "/books", content=b'{"title": "a", "author": "b"}', headers={"content-type": "text/plain"}
    )
    assert response.status_code == 201  # R5.11


async def test_unknown_keys_are_422_each(serve):
    client = serve({"/books": BookEndpoint})
    response = await client.post("/books", json={**BOOK, "titel": "x", "color": "red"})
    _assert_json_error(response, 422)  # R5.14
    assert [(item["type"], item["loc"]) for item in response.json()["detail"]] == [
        ("extra_forbidden", ["titel"]),
        ("extra_forbidden", ["color"]),
    ]
    assert "url" not in response.json()["detail"][0]  # R5.7


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ({"title": 5, "author": "b"}, "string_type"),
        ({**BOOK, "year": 1.5}, "int_from_float"),
        ({**BOOK, "year": "soon"}, "int_parsing"),
        ({**BOOK, "pages": 0}, "greater_than_equal"),
        ({"title": "x" * 201, "author": "b"}, "string_too_long"),
    ],
)
async def test_wrong_types_and_constraints_are_422(serve, payload, kind):
    client = serve({"/books": BookEndpoint})
    response = await client.post("/books", json=payload)
    _assert_json_error(response, 422)
    assert response.json()["detail"][0]["type"] == kind


async def test_float_overflow_and_decimal_places_are_422(serve):
    client = serve({"/sink": KitchenSinkEndpoint})
    overflow = await client.post("/sink", content=b'{"label": "a", "ratio": 1e999}')
    _assert_json_error(overflow, 422)  # R23.2
    assert overflow.json()["detail"][0]["loc"] == ["ratio"]
    places = await client.post("/sink", json={"label": "a", "price": "1.234"})
    _assert_json_error(places, 422)
    assert places.json()["detail"][0]["type"] == "decimal_max_places"


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+00:01"])
async def test_datetime_with_an_offset_past_the_calendar_is_422(serve, caplog, moment):
    """R2.6: aware datetimes are converted to UTC; one whose conversion leaves years 1-9999 is a
    validation error at the field (it raised OverflowError: a logged 500), and nothing is
    written."""
    client = serve({"/sink": KitchenSinkEndpoint})
    created = await client.post("/sink", json={"label": "kept"})
    assert created.status_code == 201
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        for method, path in (("POST", "/sink"), ("PATCH", "/sink/1")):
            body = {"label": "a", "happened_at": moment, "version": 1}
            if method == "POST":
                del body["version"]
            response = await client.request(method, path, json=body)
            _assert_json_error(response, 422)
            [error] = response.json()["detail"]
            assert (error["type"], error["loc"]) == ("value_error", ["happened_at"])
            assert error["input"] == moment
    assert "unhandled" not in caplog.text
    rows = (await client.get("/sink")).json()["results"]
    assert [(row["label"], row["version"]) for row in rows] == [("kept", 1)]


async def test_huge_body_is_413_before_reading(serve):
    client = serve({"/books": BookEndpoint}, max_body_size=1000)
    response = await client.post("/books", content=b" " * 1001)
    _assert_json_error(response, 413)  # R5.12
    assert response.json() == {"detail": "Request body too large"}

    async def chunks():
        for _ in range(10):
            yield b" " * 200

    streamed = await client.post("/books", content=chunks())
    _assert_json_error(streamed, 413)
    fits = await client.post("/books", content=b'{"title": "a", "author": "b"}' + b" " * 900)
    assert fits.status_code == 201


async def test_unknown_routes_and_ids(serve):
    client = serve({"/books": BookEndpoint})
    for path in ("/nope", "/books/abc", "/books/-1", "/books/1.5", "/books/1/extra"):
        response = await client.get(path)
        _assert_json_error(response, 404)
        assert response.json() == {"detail": "Not Found"}  # R5.1, R5.6 router 404
    huge = await client.get(f"/books/{2**31}")
    assert huge.json() == {"detail": "not found"}  # R5.1: above the column's maximum
    huge_patch = await client.patch(f"/books/{2**70}", json={"version": 1})
    assert huge_patch.json() == {"detail": "not found"}


async def test_ids_of_thousands_of_digits_are_the_row_404(serve, caplog):
    """R5.1: an id above the key's maximum is the row 404, however long (Starlette's int
    convertor refused more than 4,300 digits: a logged 500); leading zeros still name the row."""
    client = serve({"/books": BookEndpoint})
    assert (await client.post("/books", json=BOOK)).status_code == 201
    with caplog.at_level(logging.ERROR):
        for digits in ("1" * 20, "9" * 4301, "1" * 5000):
            for method in ("GET", "DELETE"):
                response = await client.request(method, f"/books/{digits}")
                _assert_json_error(response, 404)
                assert response.json() == {"detail": "not found"}
            patched = await client.patch(f"/books/{digits}", json={"version": 1})
            assert patched.json() == {"detail": "not found"}
    assert caplog.text == ""
    padded = await client.get("/books/" + "0" * 5000 + "1")
    assert (padded.status_code, padded.json()["title"]) == (200, "Dune")
    assert await _row_count(client) == 1


async def test_unique_violation_is_409_and_rolled_back(serve):
    client = serve({"/authors": AuthorEndpoint})
    assert (await client.post("/authors", json={"name": "Ann"})).status_code == 201
    duplicate = await client.post("/authors", json={"name": "Ann"})
    _assert_json_error(duplicate, 409)  # R5.21
    assert duplicate.json() == {"detail": "unique constraint violated"}
    other = (await client.post("/authors", json={"name": "Bob"})).json()
    clash = await client.patch(f"/authors/{other['id']}", json={"name": "Ann", "version": 1})
    assert clash.json() == {"detail": "unique constraint violated"}
    assert (await client.get(f"/authors/{other['id']}")).json()["version"] == 1


@pytest.mark.parametrize("kind", ["postgres", "asyncpg", "sqlite", "aiosqlite"])
async def test_foreign_key_violation_is_409(kind, tmp_path):
    """On PostgreSQL always; on SQLite because LightAPI turns foreign keys on for the engines
    it creates from a URL (R5.22)."""
    urls = {"sqlite": f"sqlite:///{tmp_path}/fk.db", "aiosqlite": f"sqlite+aiosqlite:///{tmp_path}/fk.db"}
    with contextlib.ExitStack() as stack:
        if kind in urls:
            app = LightApi(database_url=urls[kind])
        else:
            app = LightApi(engine=stack.enter_context(make_engine(kind, tmp_path)))
        app.register({"/authors": AuthorEndpoint, "/articles": ArticleEndpoint})
        async with client_for(app) as client:
            response = await client.post("/articles", json={"title": "t", "author_id": 42})
            _assert_json_error(response, 409)
            assert response.json() == {"detail": "foreign key constraint violated"}
            author = (await client.post("/authors", json={"name": "A"})).json()
            ok = await client.post("/articles", json={"title": "t", "author_id": author["id"]})
            assert ok.status_code == 201


async def test_value_the_database_rejects_is_422(engine, serve):
    if engine.dialect.name == "sqlite":
        big = 2**70  # beyond SQLite's 64-bit integers
    else:
        big = 2**40  # beyond PostgreSQL's INTEGER
    client = serve({"/books": BookEndpoint})
    response = await client.post("/books", json={**BOOK, "year": big})
    _assert_json_error(response, 422)  # R5.21
    assert response.json() == {"detail": "value rejected by the database"}
    assert await _row_count(client) == 0


async def test_unexpected_database_error_is_a_logged_json_500(engine, serve, caplog):
    """A table dropped behind the app's back: 500 without the database's words (R5.5)."""
    client = serve({"/books": BookEndpoint})
    assert (await client.post("/books", json=BOOK)).status_code == 201
    if hasattr(engine, "sync_engine"):
        async with engine.begin() as connection:
            await connection.execute(text("DROP TABLE books"))
    else:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE books"))
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        response = await client.get("/books/1")
    _assert_json_error(response, 500)
    assert response.json() == {"detail": "Internal Server Error"}
    assert "books" not in response.text
    [record] = [item for item in caplog.records if item.name == "lightapi"]
    assert "GET /books/1" in record.getMessage() and "BookEndpoint" in record.getMessage()
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        odd_host = await client.get("/books/1", headers={"Host": "[::1"})
    # The log line read the path from request.url, which parses the Host header: ValueError
    # inside the error handler, and the 500 became an exception out of the app.
    _assert_json_error(odd_host, 500)
    [record] = [item for item in caplog.records if item.name == "lightapi"]
    assert "GET /books/1" in record.getMessage()
