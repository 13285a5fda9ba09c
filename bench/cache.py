"""Redis for the ``get_cached`` scenario: is it there, a key prefix per run, and cleaning up.

LightAPI's cache never fails a request: when Redis is down or slow it serves uncached answers
(``X-Cache: MISS``) and logs ``cache unavailable``. A ``get_cached`` run that silently measured
uncached answers would be a wrong number, so after every measured LightAPI run the harness asks
for one more answer (it must be a HIT) and reads the server's log for that warning.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Final

from bench.apps import REDIS_URL

TIMEOUT: Final = 2.0
UNAVAILABLE_LOG: Final = "cache unavailable"  # lightapi's WARNING when it suspends the cache


def _client() -> Any:
    import redis  # a LightAPI dependency; imported here so the rest of bench does not need it

    return redis.Redis.from_url(REDIS_URL, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)


def unreachable() -> str | None:
    """Why Redis cannot be used (a message), or None when it answers PING."""
    try:
        client = _client()
        try:
            if not client.ping():
                return f"Redis at {REDIS_URL} did not answer PING"
        finally:
            client.close()
    except Exception as error:  # ImportError, connection refused, timeout, auth...
        return f"Redis at {REDIS_URL} is not reachable ({type(error).__name__}: {error})"
    return None


def server_pid() -> int | None:
    """The Redis server's process id when it runs on this machine (its CPU is then reported
    apart from other processes'), else None."""
    try:
        client = _client()
        try:
            pid = int(client.info("server")["process_id"])
        finally:
            client.close()
    except Exception:
        return None
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def new_prefix() -> str:
    """A key prefix no other run uses (no glob characters, so it is safe in SCAN MATCH)."""
    return f"lightapi-bench-{uuid.uuid4().hex[:12]}"


def delete_keys(prefix: str) -> int:
    """Delete every key of this run (``<prefix>:*``); the number deleted, -1 if Redis failed."""
    try:
        client = _client()
        try:
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            return int(client.delete(*keys)) if keys else 0
        finally:
            client.close()
    except Exception:
        return -1


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def warnings_since(path: Path, offset: int) -> int:
    """How many times the server logged that it suspended its cache, after byte ``offset``."""
    try:
        with path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except OSError:
        return 0
    return text.count(UNAVAILABLE_LOG)
