"""Verb restriction, 405 with Allow, OPTIONS and HEAD on all four engines (R2.19, R2.20,
R5.8-R5.10)."""

from __future__ import annotations

import pytest

from lightapi import Field, HttpMethod, RestEndpoint
from tests.http.models import BookEndpoint, ReadOnlyEndpoint


class InboxEndpoint(RestEndpoint, HttpMethod.POST):
    message: str = Field(min_length=1)


class EditableEndpoint(RestEndpoint, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.GET):
    name: str


def test_mixins_choose_the_allowed_methods():
    assert ReadOnlyEndpoint._allowed_methods == frozenset({"GET"})
    assert EditableEndpoint._allowed_methods == frozenset({"GET", "PATCH", "DELETE"})
    assert BookEndpoint._allowed_methods == frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


async def test_unserved_verbs_are_405_with_allow_in_fixed_order(serve):
    client = serve({"/books": BookEndpoint, "/edit": EditableEndpoint})
    cases = [
        ("PUT", "/books", "GET, HEAD, POST"),
        ("POST", "/books/1", "GET, HEAD, PUT, PATCH, DELETE"),
        ("BREW", "/books", "GET, HEAD, POST"),
        ("POST", "/edit", "GET, HEAD"),
        ("PUT", "/edit/1", "GET, HEAD, PATCH, DELETE"),
    ]
    for verb, path, allow in cases:
        response = await client.request(verb, path, json={})
        assert response.status_code == 405, (verb, path)
        assert response.json() == {"detail": "Method Not Allowed"}
        assert response.headers["allow"] == allow


async def test_options_answers_204_with_allow(serve):
    client = serve({"/books": BookEndpoint, "/read": ReadOnlyEndpoint})
    response = await client.options("/books/5")
    assert response.status_code == 204 and response.content == b""
    assert response.headers["allow"] == "GET, HEAD, PUT, PATCH, DELETE"
    assert (await client.options("/read")).headers["allow"] == "GET, HEAD"
    assert (await client.options("/healthz")).headers["allow"] == "GET, HEAD"


async def test_head_is_get_without_body(serve):
    client = serve({"/books": BookEndpoint})
    created = (await client.post("/books", json={"title": "a", "author": "b"}))
    get = await client.get("/books/1")
    head = await client.head("/books/1")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["etag"] == created.headers["etag"]
    listed = await client.head("/books")
    assert listed.status_code == 200 and listed.content == b""
    missing = await client.head("/books/9")
    assert missing.status_code == 404 and missing.content == b""


async def test_a_path_without_operations_is_not_routed(serve):
    client = serve({"/inbox": InboxEndpoint, "/read": ReadOnlyEndpoint})
    assert (await client.post("/inbox", json={"message": "hi"})).status_code == 201
    assert (await client.get("/inbox/1")).json() == {"detail": "Not Found"}  # R2.20
    assert (await client.get("/inbox")).status_code == 405
    assert (await client.post("/read", json={"name": "x"})).status_code == 405


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
async def test_health_needs_no_database(serve, path):
    client = serve({"/books": BookEndpoint})
    response = await client.get(path)
    assert response.status_code == 200 and response.json() == {"status": "ok"}  # R19.8
    assert (await client.get("/readyz")).json() == {"status": "ok"}
    assert (await client.post("/healthz")).status_code == 405


async def test_health_routes_can_be_disabled(serve):
    client = serve({"/books": BookEndpoint}, health_url=None, ready_url="/ready")
    assert (await client.get("/healthz")).status_code == 404
    assert (await client.get("/ready")).status_code == 200
