"""The middleware pipeline: order, short-circuit and the post phase of every response, with
sync and async middlewares mixed (§12, issue #6 acceptance 3)."""

from __future__ import annotations

import base64

import pytest

from lightapi import (
    Authentication,
    AuthenticationMiddleware,
    BaseAuthentication,
    BasicAuthentication,
    CORSMiddleware,
    IsAdminUser,
    Middleware,
    Response,
    RestEndpoint,
)

CALLS: list[tuple[str, str, int | None]] = []


def _recording(name: str, *, asynchronous: bool, stop_on: str | None = None):
    def process(self, request, response):
        CALLS.append((name, "pre" if response is None else "post",
                      None if response is None else response.status_code))
        if response is None and request.headers.get("x-stop") == name:
            return {"stopped_by": name}
        if response is not None and request.headers.get("x-replace") == name:
            return Response({"replaced_by": name}, status_code=299)
        return None

    async def async_process(self, request, response):
        return process(self, request, response)

    return type(name, (Middleware,), {"process": async_process if asynchronous else process})


First = _recording("First", asynchronous=False)
Second = _recording("Second", asynchronous=True)
Third = _recording("Third", asynchronous=False)


def validator(username, password):
    return {"sub": username, "is_admin": username == "root"} if password == "pw" else None


class NoteEndpoint(RestEndpoint):
    text: str


class AdminEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=BasicAuthentication, permission=IsAdminUser)


def _basic(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:pw".encode()).decode()}


@pytest.fixture
def client(serve):
    CALLS.clear()
    return serve({"/notes": NoteEndpoint, "/admin": AdminEndpoint},
                 middlewares=[First, Second(), Third], login_validator=validator)


async def test_pre_in_order_post_in_reverse(client):
    response = await client.post("/notes", json={"text": "a"})
    assert response.status_code == 201
    assert CALLS == [("First", "pre", None), ("Second", "pre", None), ("Third", "pre", None),
                     ("Third", "post", 201), ("Second", "post", 201), ("First", "post", 201)]


async def test_a_short_circuit_skips_the_rest_and_still_gets_a_post_phase(client):
    response = await client.get("/admin", headers={"x-stop": "Second"})  # before auth too
    assert response.status_code == 200 and response.json() == {"stopped_by": "Second"}
    assert CALLS == [("First", "pre", None), ("Second", "pre", None), ("First", "post", 200)]


@pytest.mark.parametrize(("headers", "status"), [({}, 401), (_basic("ann"), 403)])
async def test_401_and_403_pass_through_the_post_phase(client, headers, status):
    response = await client.get("/admin", headers=headers)
    assert response.status_code == status
    assert [call for call in CALLS if call[1] == "post"] == [
        ("Third", "post", status), ("Second", "post", status), ("First", "post", status)
    ]  # R12.4 (0.x skipped these)


async def test_a_post_phase_result_replaces_the_response(client):
    response = await client.get("/notes", headers={"x-replace": "Second"})
    assert (response.status_code, response.json()) == (299, {"replaced_by": "Second"})
    assert CALLS[-1] == ("First", "post", 299)  # later middlewares see the replacement


async def test_routes_outside_the_pipeline(client):
    for response in (await client.options("/notes"), await client.get("/nowhere"),
                     await client.put("/notes", json={}), await client.get("/healthz"),
                     await client.post("/auth/login", json={"username": "a", "password": "pw"})):
        assert response.status_code in (200, 204, 404, 405)
    assert CALLS == []  # R12.2
    assert (await client.head("/notes")).status_code == 200
    assert [call[0] for call in CALLS] == ["First", "Second", "Third", "Third", "Second", "First"]


class Broken(Middleware):
    async def process(self, request, response):
        raise RuntimeError("middleware bug")


async def test_a_failing_middleware_is_a_500(serve):
    client = serve({"/notes": NoteEndpoint}, middlewares=[Broken])
    response = await client.get("/notes")
    assert response.status_code == 500 and response.json() == {"detail": "Internal Server Error"}


class HeaderBackend(BaseAuthentication):
    def authenticate(self, request):
        return request.headers.get("x-user")


async def test_legacy_middlewares(serve):
    client = serve(
        {"/notes": NoteEndpoint},
        middlewares=[CORSMiddleware(allow_origins=["https://a.example"]),
                     AuthenticationMiddleware(HeaderBackend)],
        login_validator=validator,
    )
    refused = await client.get("/notes", headers={"Origin": "https://a.example"})
    assert refused.status_code == 403 and refused.json() == {"detail": "not allowed"}
    assert refused.headers["access-control-allow-origin"] == "https://a.example"
    allowed = await client.get("/notes", headers={"x-user": "ann", "Origin": "https://b.example"})
    assert allowed.status_code == 200
    assert "access-control-allow-origin" not in allowed.headers
