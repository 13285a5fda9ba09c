"""A PostgreSQL cluster of the test's own, on a free port of 127.0.0.1, that a test may stop and
start at will (issue #11). Never the machine's shared server on 5432.

initdb and postgres refuse to run as root: when the tests run as root, every cluster command
runs as the ``postgres`` OS user (``runuser``), with the data directory in a temporary folder
that user owns. As another user they run as that user. Missing binaries, or root without a
``postgres`` user, make the cluster unavailable (``tests.services.unavailable``: a skip locally,
a failure under ``CI=true``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.e2e.server import free_port
from tests.services import unavailable

USER = "postgres"  # the database role initdb creates, and the OS user when running as root
COMMAND_TIMEOUT = 60


def _version(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path))


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<ver>/bin holding initdb and pg_ctl, else PATH's."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
    for folder in candidates:
        if all(os.access(Path(folder, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


class PgCluster:
    """initdb once; ``start``/``stop`` as often as a test wants; ``remove`` at the end."""

    def __init__(self, bindir: Path, root: Path, port: int, runas: list[str]) -> None:
        self.bindir = bindir
        self.root = root
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = port
        self.runas = runas
        self.running = False

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.runas, str(self.bindir / tool), *args]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{tool} failed ({result.returncode}): {result.stdout}{result.stderr}\n"
                f"server log:\n{self.log_text()}"
            )

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def initdb(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync"
        )

    def start(self) -> None:
        """Start and wait until it accepts connections (``pg_ctl -w``)."""
        # fsync=off only skips flushing to disk: a stopped or killed server keeps what it
        # committed (the OS holds the pages). synchronous_commit stays on, so an acknowledged
        # commit is in the WAL before the client hears of it.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root} -c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "30",
            "-o",
            options,
        )
        self.running = True

    def stop(self, mode: str = "fast", wait: bool = True) -> None:
        """``fast`` ends sessions with an admin-shutdown error; ``immediate`` kills the server
        without a clean shutdown (crash recovery at the next start); ``smart`` waits for the
        open sessions to end, refusing new connections meanwhile ("the database system is
        shutting down"). Without ``wait``, return once the shutdown is requested."""
        waiting = ["-w", "-t", "30"] if wait else ["-W"]
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, *waiting)
        self.running = False

    def wait_stopped(self, seconds: float = 30) -> None:
        """After ``stop(wait=False)``: poll until the postmaster is gone."""
        pid_file = self.data / "postmaster.pid"
        deadline = time.monotonic() + seconds
        while pid_file.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not stop:\n{self.log_text()}")
            time.sleep(0.02)  # polling the pid file with a deadline

    def url(self, driver: str, database: str) -> str:
        return f"postgresql+{driver}://{USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            dbname=database,
            user=USER,
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self, name: str) -> None:
        with self.connect() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _runas() -> list[str] | None:
    """The prefix that runs cluster commands as a user initdb accepts; None if there is none."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return None
    return [runuser, "-u", USER, "--"] if runuser else None


@contextlib.contextmanager
def own_cluster() -> Iterator[PgCluster]:
    """A started cluster on a free port, removed afterwards."""
    bindir = find_bindir()
    if bindir is None:
        unavailable("PostgreSQL binaries", FileNotFoundError("initdb/pg_ctl"))
    runas = _runas()
    if runas is None:
        unavailable("PostgreSQL (own cluster)", PermissionError("root without a postgres user"))
    assert bindir is not None and runas is not None
    root = Path(tempfile.mkdtemp(prefix="lightapi-pg-"))
    if os.geteuid() == 0:
        entry = pwd.getpwnam(USER)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = PgCluster(bindir, root, free_port(), runas)
    try:
        cluster.initdb()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
