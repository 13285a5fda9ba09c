"""The server's resident memory, read from ``/proc/<pid>/status`` (Linux; no psutil).

``VmRSS`` is what the kernel charges the process for: the pages of its heap, stacks and mapped
libraries that are in RAM. It is what an operator's monitoring shows and what an OOM killer
acts on, so it is the figure a leak would move.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_VMRSS: Final = re.compile(r"^VmRSS:\s+(\d+)\s+kB\s*$", re.MULTILINE)
_THREADS: Final = re.compile(r"^Threads:\s+(\d+)\s*$", re.MULTILINE)


def parse_vmrss(status: str) -> int:
    """Bytes of ``VmRSS`` in the text of a ``/proc/<pid>/status`` file."""
    found = _VMRSS.search(status)
    if found is None:
        raise ValueError("no VmRSS line (a kernel thread, or a process that has exited)")
    return int(found.group(1)) * 1024


def parse_threads(status: str) -> int:
    found = _THREADS.search(status)
    return int(found.group(1)) if found else 0


def read_status(pid: int) -> tuple[int, int]:
    """RSS bytes and thread count of ``pid``; OSError or ValueError once it has gone."""
    status = Path(f"/proc/{pid}/status").read_text()
    return parse_vmrss(status), parse_threads(status)


@dataclass(frozen=True)
class Sample:
    """One reading: seconds since the load started, the server's RSS, its threads (the thread
    pool grows and shrinks with the load) and the requests sent so far."""

    elapsed: float
    rss: int
    requests: int
    threads: int = 0


class RssSampler:
    """Collects a sample of the server's RSS each time ``take`` is called (every second)."""

    def __init__(self, pid: int, started: float | None = None) -> None:
        self.pid = pid
        self.started = time.monotonic() if started is None else started
        self.samples: list[Sample] = []
        self.gone = False  # the process exited (or is a zombie): no more samples

    def take(self, requests: int) -> Sample | None:
        try:
            rss, threads = read_status(self.pid)
        except (OSError, ValueError):
            self.gone = True
            return None
        sample = Sample(round(time.monotonic() - self.started, 2), rss, requests, threads)
        self.samples.append(sample)
        return sample

    def at(self, elapsed: float) -> Sample:
        """The first sample taken at or after ``elapsed`` seconds (the last one if none; an
        empty one if the server never gave one)."""
        for sample in self.samples:
            if sample.elapsed >= elapsed:
                return sample
        return self.samples[-1] if self.samples else Sample(0.0, 0, 0)


def mib(value: int) -> float:
    return value / 1_048_576
