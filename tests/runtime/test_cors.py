"""CORS on every route, with JSON refusals (§11)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from lightapi import LightApi, SpecError
from tests.conftest import client_for
from tests.http.models import BookEndpoint

ORIGIN = "https://app.example"


def _app(**kwargs):
    app = LightApi(engine=create_engine("sqlite://"), **kwargs)
    app.register({"/books": BookEndpoint})
    return app


async def test_preflight_from_an_allowed_origin():
    async with client_for(_app(cors_origins=[ORIGIN])) as client:
        response = await client.options(
            "/books/1",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PATCH",
                     "Access-Control-Request-Headers": "if-match"},
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"  # R11.1 default
    assert "PATCH" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-max-age"] == "600"


async def test_preflight_from_another_origin_is_json_400():
    async with client_for(_app(cors_origins=[ORIGIN])) as client:
        response = await client.options(
            "/books", headers={"Origin": "https://evil.example",
                               "Access-Control-Request-Method": "GET"}
        )
    assert response.status_code == 400
    assert response.json() == {"detail": "Disallowed CORS origin"}  # R11.2
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)


async def test_simple_requests_and_errors_carry_cors_headers():
    async with client_for(_app(cors_origins=[ORIGIN])) as client:
        ok = await client.get("/books", headers={"Origin": ORIGIN})
        missing = await client.get("/nowhere", headers={"Origin": ORIGIN})
        health = await client.get("/healthz", headers={"Origin": ORIGIN})
        other = await client.get("/books", headers={"Origin": "https://evil.example"})
    for response in (ok, missing, health):
        assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "ETag" in ok.headers["access-control-expose-headers"]
    assert "access-control-allow-origin" not in other.headers


def test_wildcard_with_credentials_refuses_to_build():
    app = _app(cors_origins=["*"], cors_allow_credentials=True)
    with pytest.raises(SpecError) as raised:
        app.build_app()
    assert [item.code for item in raised.value.diagnostics] == ["LA803"]
    _app(cors_origins=["*"]).build_app()  # credentials default to off with "*"
