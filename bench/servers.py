"""Starts one uvicorn subprocess per app and guarantees it is stopped.

Every app runs with identical uvicorn options (1 worker, 127.0.0.1, warning log level, no access
log, uvicorn's default loop and HTTP implementation), so only the app differs. The app learns
its database URL and JWT secret from the environment (``bench.apps``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Final

from bench.apps import CACHE_PREFIX_ENV, DB_URL_ENV
from bench.cpu import pin_to
from bench.lineup import AppTarget

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
START_TIMEOUT: Final = 30.0
STOP_TIMEOUT: Final = 10.0
READY_PATH: Final = "/books/1"


def uvicorn_command(target: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Server:
    """One app in one uvicorn process; use as a context manager so it is always stopped."""

    def __init__(
        self,
        app: AppTarget,
        db_url: str,
        log_dir: Path,
        cpus: frozenset[int] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.cpus = cpus
        self.env = dict(env or {})  # on top of ours, e.g. the run's cache prefix
        self.db_url = db_url
        self.log_path = log_dir / f"{app.name}.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start on a free port (retrying if another process grabs it first) and wait until a
        seeded row is served."""
        for _attempt in range(3):
            self.port = free_port()
            inherited = {k: v for k, v in os.environ.items() if k != CACHE_PREFIX_ENV}
            env = {
                **inherited,
                **self.env,
                DB_URL_ENV: self.db_url,
                "PYTHONDONTWRITEBYTECODE": "1",
            }
            with self.log_path.open("ab") as log:
                # Own session: a terminal Ctrl-C reaches only the harness, which stops us in order.
                self.process = subprocess.Popen(
                    uvicorn_command(self.app.target, self.port),
                    cwd=REPO_ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=pin_to(self.cpus),  # noqa: PLW1509 - harness has one thread
                )
            if self._wait_ready():
                return
            self.stop()
            if "address already in use" not in self.log_tail().lower():
                break
        raise RuntimeError(f"{self.app.name} server did not start:\n{self.log_tail()}")

    def _wait_ready(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.base_url + READY_PATH, timeout=2) as answer:
                    if answer.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        """SIGTERM (uvicorn's graceful shutdown), then SIGKILL; only our own process id."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
