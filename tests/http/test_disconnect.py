"""A client that leaves before its body is read is not a server error (R20.3, R5.5).

The ASGI server tells the app with an ``http.disconnect`` message in place of the rest of the
body, as uvicorn does when the socket closes (the fault suite, tests/reliability/test_faults.py,
does it with real sockets). That used to be logged at ERROR with a traceback as an unhandled
error and answered 500; nothing ran and nothing failed, so nothing is logged at WARNING or
above, nothing is written, and the answer no one reads is 499 (client closed request).
"""

from __future__ import annotations

import logging

import pytest

from lightapi import Authentication, JWTAuthentication, LightApi, RestEndpoint
from tests.conftest import client_for
from tests.http.models import BookEndpoint


class LockedEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)


def validator(username: str, password: str) -> dict[str, str]:
    return {"sub": username}


async def _leave_mid_body(asgi, method: str, path: str, host: bytes = b"testserver") -> list[dict]:
    """Send half a body, then the disconnect; the messages the app sent back."""
    incoming = [
        {"type": "http.request", "body": b'{"title": "Du', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", host), (b"content-length", b"100")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    await asgi(scope, receive, send)
    return sent


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/books"), ("PUT", "/books/1"), ("PATCH", "/books/1"), ("POST", "/auth/login")],
)
async def test_a_client_leaving_mid_body_is_not_an_error(tmp_path, caplog, method, path):
    app = LightApi(
        database_url=f"sqlite:///{tmp_path}/books.db",
        jwt_secret="s" * 40,
        login_validator=validator,
    )
    app.register({"/books": BookEndpoint, "/locked": LockedEndpoint})
    async with client_for(app) as client:
        created = await client.post("/books", json={"title": "Dune", "author": "Herbert"})
        assert created.status_code == 201
        with caplog.at_level(logging.WARNING, logger="lightapi"):
            sent = await _leave_mid_body(app.build_app(), method, path)
        assert caplog.records == []
        assert sent[0]["status"] == 499
        rows = (await client.get("/books")).json()["results"]
        assert [(row["title"], row["version"]) for row in rows] == [("Dune", 1)]


async def test_a_client_leaving_with_a_host_that_is_no_url(tmp_path, caplog):
    """The debug line named the path through request.url, which parses the Host header: with
    ``Host: [::1`` that raised ValueError and the 499 became an unhandled exception (found by
    the hostile-input corpus of issue #11: uvicorn refusing a bad chunk size mid-body)."""
    app = LightApi(database_url=f"sqlite:///{tmp_path}/books.db")
    app.register({"/books": BookEndpoint})
    with caplog.at_level(logging.DEBUG, logger="lightapi"):
        sent = await _leave_mid_body(app.build_app(), "POST", "/books", host=b"[::1")
    assert sent[0]["status"] == 499
    assert "client left during POST /books" in caplog.text
