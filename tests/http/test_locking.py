"""Optimistic locking, ETags and conditional requests on all four engines (R5.17-R5.20, §6)."""

from __future__ import annotations

import pytest

from tests.http.models import BookEndpoint

BOOK = {"title": "Dune", "author": "Herbert"}
MISSING = {"type": "missing", "loc": ["version"], "msg": "Field required"}


@pytest.fixture
async def book(serve):
    client = serve({"/books": BookEndpoint})
    created = (await client.post("/books", json=BOOK)).json()
    return client, created["id"]


async def test_stale_version_is_409_and_writes_nothing(book):
    client, pk = book
    assert (await client.patch(f"/books/{pk}", json={"year": 1, "version": 1})).status_code == 200
    stale = await client.patch(f"/books/{pk}", json={"year": 2, "version": 1})
    assert stale.status_code == 409
    assert stale.json() == {"detail": "version conflict"}
    stale_put = await client.put(f"/books/{pk}", json={**BOOK, "version": 1})
    assert stale_put.status_code == 409
    current = (await client.get(f"/books/{pk}")).json()
    assert current["year"] == 1 and current["version"] == 2


@pytest.mark.parametrize("verb", ["put", "patch"])
@pytest.mark.parametrize(
    ("version", "error"),
    [
        (None, MISSING),
        ("absent", MISSING),
        (True, {"type": "int_type", "loc": ["version"], "msg": "Input should be a valid integer",
                "input": True}),
        ("3", {"type": "int_type", "loc": ["version"], "msg": "Input should be a valid integer",
               "input": "3"}),
        (3.0, {"type": "int_type", "loc": ["version"], "msg": "Input should be a valid integer",
               "input": 3.0}),
    ],
)
async def test_version_must_be_a_json_integer(book, verb, version, error):
    client, pk = book
    body = dict(BOOK)
    if version != "absent":
        body["version"] = version
    response = await client.request(verb.upper(), f"/books/{pk}", json=body)
    assert response.status_code == 422  # R5.17
    assert response.json() == {"detail": [error]}


async def test_version_rules_come_before_the_row_lookup(book):
    client, _ = book
    response = await client.put("/books/999", json=BOOK)
    assert response.status_code == 422  # R5.17: 422 even though the row is missing
    missing = await client.patch("/books/999", json={"version": 1})
    assert missing.status_code == 404 and missing.json() == {"detail": "not found"}


async def test_version_error_joins_field_errors(book):
    client, pk = book
    response = await client.put(f"/books/{pk}", json={"title": ""})
    assert response.status_code == 422
    kinds = [(item["type"], item["loc"]) for item in response.json()["detail"]]
    assert ("string_too_short", ["title"]) in kinds
    assert ("missing", ["author"]) in kinds
    assert ("missing", ["version"]) in kinds


async def test_if_match_writes_and_412_on_a_stale_tag(book):
    client, pk = book
    updated = await client.patch(
        f"/books/{pk}", json={"year": 7}, headers={"If-Match": f'"{pk}-1"'}
    )
    assert updated.status_code == 200  # R5.17: body version optional with If-Match
    assert updated.headers["etag"] == f'"{pk}-2"'
    stale = await client.patch(f"/books/{pk}", json={"year": 8}, headers={"If-Match": f'"{pk}-1"'})
    assert stale.status_code == 412 and stale.json() == {"detail": "precondition failed"}
    listed = await client.put(
        f"/books/{pk}", json=BOOK, headers={"If-Match": f'"{pk}-9", "{pk}-2"'}
    )
    assert listed.status_code == 200 and listed.json()["version"] == 3
    weak = await client.patch(f"/books/{pk}", json={}, headers={"If-Match": f'W/"{pk}-3"'})
    assert weak.status_code == 412  # R6.3: weak tags never match


async def test_if_match_star_and_body_version(book):
    client, pk = book
    star = await client.patch(f"/books/{pk}", json={"year": 1}, headers={"If-Match": "*"})
    assert star.status_code == 200 and star.json()["version"] == 2
    stale = await client.patch(f"/books/{pk}", json={"version": 1}, headers={"If-Match": "*"})
    assert stale.status_code == 409  # R6.3: with *, the body version stays the token
    mismatch = await client.patch(
        f"/books/{pk}", json={"version": 5}, headers={"If-Match": f'"{pk}-2"'}
    )
    assert mismatch.status_code == 422
    assert mismatch.json()["detail"][0]["msg"] == "version does not match If-Match"
    assert (await client.patch("/books/999", json={}, headers={"If-Match": "*"})).status_code == 404


@pytest.mark.parametrize("header", ['"unterminated', "1-1", '"a" "b"', 'W/ "x"', ""])
async def test_unparsable_if_match_is_400(book, header):
    client, pk = book
    response = await client.patch(f"/books/{pk}", json={"version": 1}, headers={"If-Match": header})
    assert response.status_code == 400  # R23.3
    assert response.json() == {"detail": "Invalid If-Match header"}


async def test_if_match_tags_with_non_ascii_digits_name_no_version(book):
    """Header values are latin-1, and "²" (0xB2) is a digit to str.isdigit but not to int():
    such a tag names no version of the row, so the write is 412, not a 500."""
    client, pk = book
    superscript = f'"{pk}-'.encode() + b'\xb2"'
    patched = await client.patch(f"/books/{pk}", json={}, headers={"If-Match": superscript})
    assert (patched.status_code, patched.json()) == (412, {"detail": "precondition failed"})
    deleted = await client.delete(f"/books/{pk}", headers={"If-Match": superscript})
    assert deleted.status_code == 412
    read = await client.get(f"/books/{pk}", headers={"If-None-Match": superscript})
    assert read.status_code == 200


@pytest.mark.parametrize("version", [2**63, 2**64, -(2**63) - 1, 10**30])
async def test_versions_no_column_can_hold_are_stale_on_every_engine(book, version):
    """R5.17, R6.3: a version past 64 bits names no row version, so the write is 409 (body) or
    412 (If-Match), and a missing row 404; SQLite could not bind it and answered 422 "value
    rejected by the database" where PostgreSQL answered 409/412."""
    client, pk = book
    for verb in ("put", "patch"):
        stale = await client.request(verb, f"/books/{pk}", json={**BOOK, "version": version})
        assert (stale.status_code, stale.json()) == (409, {"detail": "version conflict"})
        missing = await client.request(verb, f"/books/{pk + 1}", json={**BOOK, "version": version})
        assert (missing.status_code, missing.json()) == (404, {"detail": "not found"})
    tags = {"If-Match": f'"{pk}-{version}"'}
    for verb in ("patch", "delete"):
        refused = await client.request(verb, f"/books/{pk}", headers=tags, **(
            {"json": {"year": 1}} if verb == "patch" else {}
        ))
        assert (refused.status_code, refused.json()) == (412, {"detail": "precondition failed"})
    current = (await client.get(f"/books/{pk}")).json()
    assert current["version"] == 1 and current["year"] is None


async def test_if_none_match_gives_304(book):
    client, pk = book
    etag = (await client.get(f"/books/{pk}")).headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = await client.get(f"/books/{pk}", headers={"If-None-Match": header})
        assert response.status_code == 304, header  # R6.2
        assert response.headers["etag"] == etag
        assert response.content == b""
    assert (await client.get(f"/books/{pk}", headers={"If-None-Match": '"0-0"'})).status_code == 200
    garbage = await client.get(f"/books/{pk}", headers={"If-None-Match": "garbage"})
    assert garbage.status_code == 200  # R23.3: an unparsable If-None-Match is ignored
    head = await client.head(f"/books/{pk}", headers={"If-None-Match": etag})
    assert head.status_code == 304


async def test_delete_with_version_query_and_if_match(book):
    client, pk = book
    wrong = await client.delete(f"/books/{pk}?version=2")
    assert wrong.status_code == 409 and wrong.json() == {"detail": "version conflict"}
    bad = await client.delete(f"/books/{pk}?version=abc")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "version"]
    stale = await client.delete(f"/books/{pk}", headers={"If-Match": f'"{pk}-5"'})
    assert stale.status_code == 412
    assert (await client.delete(f"/books/{pk}?version=1")).status_code == 204
    assert (await client.delete(f"/books/{pk}?version=1")).status_code == 404


async def test_if_match_on_other_operations_is_ignored(book):
    client, pk = book
    assert (await client.get(f"/books/{pk}", headers={"If-Match": "bogus"})).status_code == 200
    created = await client.post("/books", json=BOOK, headers={"If-Match": "bogus"})
    assert created.status_code == 201  # R6.4
