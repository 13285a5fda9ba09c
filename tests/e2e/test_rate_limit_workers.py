"""With two uvicorn worker processes and Redis, the login limit holds across both workers
(issue #5 acceptance 2, R10.17)."""

from __future__ import annotations

import sys
import uuid

import httpx
import redis

from tests.e2e.server import ROOT, free_port, running
from tests.services import unavailable

LIMIT = 6
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable("Redis", error)


def _login(base: str, client: str) -> httpx.Response:
    # A fresh connection each time, so that the kernel spreads requests over both workers.
    with httpx.Client(base_url=base, timeout=10) as http:
        return http.post(
            "/auth/login",
            json={"username": "u", "password": "pw"},
            headers={"X-Forwarded-For": client},
        )


def test_login_limit_is_shared_by_two_workers(tmp_path):
    _redis_or_skip()
    prefix = f"e2e-{uuid.uuid4().hex}"
    env = {
        "RATE_APP_DB": str(tmp_path / "rate.db"),
        "RATE_APP_LIMIT": str(LIMIT),
        "RATE_APP_REDIS": REDIS_URL,
        "RATE_APP_PREFIX": prefix,
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "tests.e2e.apps.rate_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    with running(command, tmp_path, port, env=env) as base:
        # Each probe is another client (its own counters): find both workers' pids.
        pids = set()
        for number in range(400):
            response = _login(base, f"10.1.{number // 250}.{number % 250}")
            assert response.status_code == 200, response.text
            pids.add(response.json()["user"]["pid"])
            if len(pids) == 2:
                break
        assert len(pids) == 2, "the two workers never both answered"

        statuses, served_by = [], set()
        for _ in range(LIMIT * 4):
            response = _login(base, "10.9.9.9")
            statuses.append(response.status_code)
            if response.status_code == 200:
                served_by.add(response.json()["user"]["pid"])
        # Counters kept per process would let each worker admit LIMIT attempts.
        assert statuses.count(200) == LIMIT
        assert statuses.count(429) == LIMIT * 3
        assert statuses[:LIMIT] == [200] * LIMIT
    store = redis.Redis.from_url(REDIS_URL)
    keys = store.keys(f"{prefix}:*")
    if keys:
        store.delete(*keys)
