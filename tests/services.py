"""Access to the real services on 127.0.0.1 (PostgreSQL, Redis) for tests.

A service that is down skips its tests locally but fails them under ``CI=true``: CI must never
pass by skipping what it was meant to check.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

PG_HOST = os.environ.get("LIGHTAPI_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("LIGHTAPI_TEST_PG_PORT", "5432"))
PG_DATABASE = os.environ.get("LIGHTAPI_TEST_PG_DATABASE", "test")
PG_USER = os.environ.get("LIGHTAPI_TEST_PG_USER", os.environ.get("USER", "root"))


def pg_url(driver: str) -> str:
    return f"postgresql+{driver}://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}"


def unavailable(service: str, error: Exception) -> None:
    message = f"{service} is not reachable on 127.0.0.1: {error}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _pg_connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, dbname=PG_DATABASE, user=PG_USER, autocommit=True,
        connect_timeout=3,
    )


@contextlib.contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    try:
        connection = _pg_connect()
    except Exception as error:  # any connection failure means the service is unusable
        unavailable("PostgreSQL", error)
        raise
    name = f"t_{uuid.uuid4().hex[:16]}"
    with connection:
        connection.execute(f'CREATE SCHEMA "{name}"')
        try:
            yield name
        finally:
            connection.execute(f'DROP SCHEMA "{name}" CASCADE')
