"""R4.5: ``check`` and ``inspect`` never open a database connection, contact Redis, bind a port
or start a server; nor does ``openapi`` for an app without reflected tables (R17.9).

The target apps' database URLs (``postgresql+psycopg``, ``postgresql+asyncpg``) and Redis URLs
point at a socket this test listens on and never accepts from; one target calls ``app.run()``
at import. After each command, ``select()`` with a zero timeout proves that no connection ever
arrived (a connection attempt, even one closed since, would leave the socket readable).
"""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator

import pytest

from tests.cli.support import run_process, target

TARGETS = (target("cli_no_io.py"), target("cli_runs.py"))


@pytest.fixture
def listener(monkeypatch) -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    monkeypatch.setenv("LIGHTAPI_TEST_LISTENER_PORT", str(server.getsockname()[1]))
    yield server
    server.close()


def assert_never_contacted(server: socket.socket) -> None:
    readable, _, _ = select.select([server], [], [], 0)
    assert readable == [], "a connection reached the database/Redis listener"


@pytest.mark.parametrize(
    "args",
    [
        ["check", *TARGETS],
        ["check", *TARGETS, "--deploy", "--format", "json"],
        ["inspect", f"{TARGETS[0]}:sync_app", "--json"],
        ["inspect", f"{TARGETS[0]}:async_app"],
        ["inspect", TARGETS[1]],
        ["openapi", f"{TARGETS[0]}:async_app"],
        ["openapi", TARGETS[1]],
    ],
)
def test_commands_never_connect_in_process(cli, listener, args):
    result = cli(*args)
    assert (result.code, result.err) == (0, "")
    assert_never_contacted(listener)


def test_check_never_connects_in_a_real_process(listener):
    port = str(listener.getsockname()[1])
    result = run_process("check", *TARGETS, "--deploy", env={"LIGHTAPI_TEST_LISTENER_PORT": port})
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "0 errors, 2 warnings (0 silenced)"
    assert_never_contacted(listener)
    inspected = run_process("inspect", TARGETS[1], env={"LIGHTAPI_TEST_LISTENER_PORT": port})
    assert inspected.code == 0, inspected.err
    assert "postgresql+asyncpg://tick:***@127.0.0.1:" in inspected.out
    assert_never_contacted(listener)


def test_the_listener_does_see_a_real_connection(listener):
    """The probe works: a plain connect() makes the listening socket readable."""
    with socket.create_connection(listener.getsockname(), timeout=5):
        readable, _, _ = select.select([listener], [], [], 5)
    assert readable == [listener]
