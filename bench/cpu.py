"""Who used the 2 cores during a run: the server, wrk, or someone else.

On a shared machine a busy neighbour (a test suite, a build) silently halves a run's throughput;
measuring the CPU nobody in the benchmark used makes such runs visible instead of misleading.
Linux only (``/proc``); elsewhere the numbers are None.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final

TICKS: Final = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
NOISY_CORES: Final = 0.25  # other processes using more than this taint a run


def _machine_busy_seconds() -> float | None:
    """CPU seconds spent not idle, over all cores (steal counts: it is taken from us)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


def _process_seconds(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, all threads


def wait_until_idle(pid: int, timeout: float = 10.0) -> bool:
    """Wait until ``pid`` has used no more than one clock tick in 200 ms.

    wrk closes its connections when its time is up, but requests already inside the server keep
    running in its thread pool; resetting the database under them would let a late PATCH bump a
    row that the next run expects at version 1.
    """
    deadline = time.monotonic() + timeout
    previous = _process_seconds(pid)
    while previous is not None and time.monotonic() < deadline:
        time.sleep(0.2)
        current = _process_seconds(pid)
        if current is None or current - previous <= 1 / TICKS:
            return True
        previous = current
    if previous is None:  # no /proc: give in-flight requests a generous moment
        time.sleep(0.5)
        return True
    return False


def processes_named(name: str) -> tuple[int, ...]:
    """Pids of the processes whose command name is ``name`` (e.g. every ``postgres``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return tuple(pids)


def _own_and_reaped_children() -> float:
    """This process plus waited-for children (wrk, once subprocess.run has reaped it)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class CpuUse:
    """Average cores used during the run."""

    server: float | None
    load_generator: float
    other: float | None
    # Redis (get_cached) and PostgreSQL's processes: part of the work, not noise.
    services: float | None = None

    @property
    def noisy(self) -> bool:
        return self.other is not None and self.other > NOISY_CORES


class CpuMeter:
    """Context manager around one wrk run; ``result`` is set on exit."""

    def __init__(self, server_pid: int, service_pids: tuple[int, ...] = ()) -> None:
        self.server_pid = server_pid
        self.service_pids = service_pids
        self.result: CpuUse | None = None

    def __enter__(self) -> CpuMeter:
        self._start = (
            time.monotonic(),
            _machine_busy_seconds(),
            _process_seconds(self.server_pid),
            _own_and_reaped_children(),
            self._services(),
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        started, busy0, server0, ours0, services0 = self._start
        wall = max(time.monotonic() - started, 1e-6)
        busy1, server1 = _machine_busy_seconds(), _process_seconds(self.server_pid)
        services1 = self._services()
        ours = _own_and_reaped_children() - ours0
        server = None if server0 is None or server1 is None else server1 - server0
        services = None
        if services0 is not None and services1 is not None:
            services = services1 - services0
        other = None
        if busy0 is not None and busy1 is not None and server is not None:
            other = max(0.0, (busy1 - busy0) - server - ours - (services or 0.0))
        self.result = CpuUse(
            server=None if server is None else round(server / wall, 2),
            load_generator=round(ours / wall, 2),
            other=None if other is None else round(other / wall, 2),
            services=None if services is None else round(services / wall, 2),
        )

    def _services(self) -> float | None:
        """CPU seconds of the service processes that are still alive (a PostgreSQL backend
        can end during the run; its share is then lost, not counted as noise's)."""
        if not self.service_pids:
            return None
        return sum(_process_seconds(pid) or 0.0 for pid in self.service_pids)


@dataclass(frozen=True)
class Placement:
    """Which CPUs the server and wrk may use; None means anywhere (the default).

    ``--pin`` puts the server on the last CPU and wrk on the others. On 2 cores this removes the
    cross-core GIL hand-offs between the server's thread-pool threads, which otherwise make
    throughput swing by tens of percent depending on what else the machine is doing.
    """

    server: frozenset[int] | None = None
    load_generator: frozenset[int] | None = None

    @classmethod
    def pinned(cls) -> Placement:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            raise SystemExit("--pin needs at least 2 CPUs")
        return cls(frozenset(cpus[-1:]), frozenset(cpus[:-1]))

    def describe(self) -> str:
        if self.server is None or self.load_generator is None:
            return "not pinned"
        return f"server on CPU {sorted(self.server)}, wrk on CPU {sorted(self.load_generator)}"


def pin_to(cpus: frozenset[int] | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that restricts the child to ``cpus`` before it starts any thread."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)
