"""Drives wrk and turns its text report into numbers.

wrk is used rather than a Python client because a Python load generator on the same 2 cores
would be slower than the servers it measures.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from bench.cpu import pin_to

LUA_DIR: Final = Path(__file__).parent / "lua"
WRK_TIMEOUT: Final = "5s"  # per request; slower answers count as socket timeouts (errors)

_UNITS: Final = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)")
_RPS = re.compile(r"Requests/sec:\s*([\d.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_OVERRUN = re.compile(r"bench-patch-overrun: (\d+)")


class WrkMissing(SystemExit):
    """Raised at start-up when wrk is not on PATH."""


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing("wrk not found on PATH; install wrk: apt-get install wrk")
    return path


def wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    return (completed.stdout or completed.stderr).splitlines()[0].strip()


@dataclass(frozen=True)
class WrkResult:
    """One wrk run. ``errors`` counts socket errors; ``non_2xx`` counts 4xx/5xx answers."""

    requests: int
    seconds: float
    rps: float
    non_2xx: int
    errors: int
    overrun: int
    latency_ms: dict[str, float]

    @property
    def clean(self) -> bool:
        return self.non_2xx == 0 and self.errors == 0 and self.overrun == 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "clean": self.clean}


def parse(output: str) -> WrkResult:
    requests = _REQUESTS.search(output)
    rps = _RPS.search(output)
    if requests is None or rps is None:
        raise RuntimeError(f"cannot read wrk output:\n{output}")
    non_2xx = _NON_2XX.search(output)
    socket = _SOCKET.search(output)
    return WrkResult(
        requests=int(requests.group(1)),
        seconds=float(requests.group(2)) * _UNITS[requests.group(3)] / 1000.0,
        rps=float(rps.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        errors=sum(int(n) for n in socket.groups()) if socket else 0,
        overrun=sum(int(n) for n in _OVERRUN.findall(output)),
        latency_ms={
            f"p{p}": round(float(value) * _UNITS[unit], 3)
            for p, value, unit in _PERCENTILE.findall(output)
        },
    )


def run_wrk(
    wrk: str,
    url: str,
    *,
    seconds: float,
    threads: int,
    connections: int,
    script: str | None = None,
    script_args: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
    cpus: frozenset[int] | None = None,
) -> WrkResult:
    """One wrk run against ``url``; killed (by subprocess.run) if we are interrupted."""
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT}",
        "--latency",
    ]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(LUA_DIR / script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
        preexec_fn=pin_to(cpus),
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse(completed.stdout)
