"""CRUD through HTTP on all four engines (SPEC §5, R2.6, R2.12, R2.13, R2.17)."""

from __future__ import annotations

import datetime

from tests.http.models import BookEndpoint, KitchenSinkEndpoint, NoteEndpoint

BOOK = {"title": "Dune", "author": "Herbert"}


def _utc(text: str) -> datetime.datetime:
    assert text.endswith("Z"), text  # R2.6: RFC 3339 UTC ending in Z
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_create_returns_row_with_automatic_columns(serve):
    client = serve({"/books": BookEndpoint})
    response = await client.post("/books", json=BOOK)
    assert response.status_code == 201  # R5.15
    body = response.json()
    # R2.13: user fields in declaration order, then the automatic columns.
    assert list(body) == ["title", "author", "year", "pages", "id", "created_at", "updated_at",
                          "version"]
    assert body["title"] == "Dune" and body["year"] is None and body["pages"] == 100
    assert body["version"] == 1
    assert body["created_at"] == body["updated_at"]
    assert abs(_utc(body["created_at"]) - datetime.datetime.now(datetime.timezone.utc)) < (
        datetime.timedelta(minutes=1)
    )
    assert response.headers["location"] == f"/books/{body['id']}"
    assert response.headers["etag"] == f'"{body["id"]}-1"'  # R6.1
    assert response.headers["content-type"] == "application/json"


async def test_retrieve_list_and_delete(serve):
    client = serve({"/books": BookEndpoint})
    first = (await client.post("/books", json=BOOK)).json()
    second = (await client.post("/books", json={**BOOK, "title": "Emma", "year": 1815})).json()

    got = await client.get(f"/books/{second['id']}")
    assert got.status_code == 200
    assert got.json() == second
    assert got.headers["etag"] == f'"{second["id"]}-1"'

    listed = await client.get("/books")
    assert listed.status_code == 200
    assert listed.json() == {"results": [first, second]}  # R5.4, ordered by id (R7.10)
    assert "etag" not in listed.headers  # R6.1: lists carry no ETag

    deleted = await client.delete(f"/books/{first['id']}")
    assert deleted.status_code == 204  # R5.20
    assert deleted.content == b""
    assert "content-type" not in deleted.headers
    assert (await client.get(f"/books/{first['id']}")).json() == {"detail": "not found"}
    assert (await client.delete(f"/books/{first['id']}")).status_code == 404


async def test_put_replaces_and_resets_omitted_optionals(serve):
    client = serve({"/books": BookEndpoint})
    created = (await client.post("/books", json={**BOOK, "year": 1965, "pages": 600})).json()
    replaced = await client.put(
        f"/books/{created['id']}", json={"title": "Dune II", "author": "F.H.", "version": 1}
    )
    assert replaced.status_code == 200
    body = replaced.json()
    assert body["title"] == "Dune II" and body["year"] is None and body["pages"] == 100  # R5.16
    assert body["version"] == 2 and body["created_at"] == created["created_at"]
    assert _utc(body["updated_at"]) >= _utc(created["updated_at"])
    assert replaced.headers["etag"] == f'"{created["id"]}-2"'


async def test_patch_applies_present_keys_only(serve):
    client = serve({"/books": BookEndpoint})
    created = (await client.post("/books", json={**BOOK, "year": 1965})).json()
    patched = await client.patch(f"/books/{created['id']}", json={"pages": 412, "version": 1})
    assert patched.status_code == 200
    body = patched.json()
    assert (body["title"], body["year"], body["pages"], body["version"]) == ("Dune", 1965, 412, 2)
    cleared = await client.patch(f"/books/{created['id']}", json={"year": None, "version": 2})
    assert cleared.json()["year"] is None  # R5.18: null clears a nullable field
    bumped = await client.patch(f"/books/{created['id']}", json={"version": 3})
    assert bumped.status_code == 200 and bumped.json()["version"] == 4  # version-only body


async def test_patch_enforces_the_create_constraints(serve):
    client = serve({"/books": BookEndpoint})
    created = (await client.post("/books", json=BOOK)).json()
    response = await client.patch(f"/books/{created['id']}", json={"title": "", "version": 1})
    assert response.status_code == 422  # R5.18: same constraints as POST
    assert response.json()["detail"][0]["type"] == "string_too_short"
    response = await client.patch(f"/books/{created['id']}", json={"title": None, "version": 1})
    assert response.status_code == 422  # null on a NOT NULL field
    assert response.json()["detail"][0]["loc"] == ["title"]
    assert (await client.get(f"/books/{created['id']}")).json() == created  # nothing written


async def test_every_column_type_round_trips(serve):
    client = serve({"/sink": KitchenSinkEndpoint})
    payload = {
        "label": "x",
        "count": "12",  # R5.13: lax int
        "ratio": 2,
        "active": False,
        "happened_at": "2024-03-01T12:30:00+02:00",
        "day": "2024-03-01",
        "price": "3.5",
        "token": "12345678-1234-5678-1234-567812345678",
    }
    created = await client.post("/sink", json=payload)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["count"] == 12 and body["active"] is False
    assert body["ratio"] == 2.0 and isinstance(body["ratio"], float)
    assert body["happened_at"] == "2024-03-01T10:30:00Z"  # converted to UTC
    assert body["day"] == "2024-03-01"
    assert body["price"] == "3.50"  # Decimal as string with the column's scale
    assert body["token"] == "12345678-1234-5678-1234-567812345678"
    fetched = (await client.get(f"/sink/{body['id']}")).json()
    assert fetched == body
    naive = await client.post("/sink", json={"label": "y", "happened_at": "2024-03-01T12:30:00"})
    assert naive.json()["happened_at"] == "2024-03-01T12:30:00Z"  # naive is UTC


async def test_defaults_fill_omitted_fields(serve):
    client = serve({"/sink": KitchenSinkEndpoint})
    body = (await client.post("/sink", json={"label": "z"})).json()
    assert body["count"] == 0 and body["ratio"] == 1.5 and body["active"] is True
    assert body["price"] == "1.50" and body["token"] is None
    # R2.6: the column's scale on every engine, with or without max_digits.
    assert body["amount"] == "2.00"
    patched = await client.patch(f"/sink/{body['id']}", json={"amount": "7.5", "version": 1})
    assert patched.json()["amount"] == "7.50"
    assert (await client.get(f"/sink/{body['id']}")).json()["amount"] == "7.50"


async def test_serializer_projects_responses_but_not_input(serve):
    client = serve({"/notes": NoteEndpoint})
    created = await client.post("/notes", json={"body": "hi", "secret": "s3"})
    assert created.status_code == 201
    assert created.json() == {"id": 1, "version": 1}  # R2.17 write projection
    fetched = await client.get("/notes/1")
    assert fetched.json() == {"body": "hi", "id": 1, "version": 1}
    assert (await client.get("/notes")).json() == {"results": [fetched.json()]}
    patched = await client.patch("/notes/1", json={"secret": "new", "version": 1})
    assert patched.json() == {"id": 1, "version": 2}  # R2.18: write never restricts input


async def test_automatic_keys_in_bodies_are_ignored(serve):
    client = serve({"/books": BookEndpoint})
    created = await client.post(
        "/books",
        json={**BOOK, "id": 99, "created_at": "nonsense", "updated_at": 5, "version": 7},
    )
    assert created.status_code == 201  # R5.14, R23.1
    body = created.json()
    assert body["id"] != 99 and body["version"] == 1


async def test_trailing_slash_served_without_redirect(serve):
    client = serve({"/books/": BookEndpoint})
    created = await client.post("/books/", json=BOOK)
    assert created.status_code == 201
    assert created.headers["location"] == "/books/1"
    assert (await client.get("/books")).status_code == 200  # R5.1
    assert (await client.get("/books/1/")).status_code == 200
