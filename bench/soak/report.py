"""The soak's outcome: the figures, the verdict against the thresholds, text and JSON.

A run fails when any of these holds (``failures``):

- errors > 0: a 5xx, a transport error, an unexpected status or a wrong answer (409/412 on the
  shared row and the deliberate 401/404/422 are expected and counted apart), or a traceback or
  a suspended cache in the server's log;
- lost writes > 0, or phantom writes (rows changed without an answer) > 0;
- RSS growth >= 10 % between the end of the warm-up and the end of the load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from bench.soak.memory import Sample, mib

MAX_RSS_GROWTH_PCT: Final = 10.0


@dataclass(frozen=True)
class Figures:
    """What a run measured; ``failures`` judges it."""

    duration: float  # seconds of load
    warmup: float  # seconds of it before the start RSS was taken
    requests: int
    errors: dict[str, int]  # by status ("503") or kind ("ReadTimeout", "wrong body", "log: ...")
    lost_writes: int
    phantom_writes: int
    rss_start: int  # bytes, at the end of the warm-up
    rss_end: int  # bytes, when the load stopped
    expected_conflicts: dict[str, int] = field(default_factory=dict)
    expected_rejections: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    @property
    def rss_growth_pct(self) -> float:
        if self.rss_start <= 0:
            return 0.0  # no sample (the server died): failures() says so
        return (self.rss_end - self.rss_start) * 100 / self.rss_start


def failures(figures: Figures, max_growth_pct: float = MAX_RSS_GROWTH_PCT) -> list[str]:
    """Why the run failed; empty when it passed."""
    found = []
    if figures.error_count:
        detail = ", ".join(f"{kind} x{n}" for kind, n in sorted(figures.errors.items()))
        found.append(f"{figures.error_count} errors ({detail})")
    if figures.lost_writes:
        found.append(f"{figures.lost_writes} lost writes")
    if figures.phantom_writes:
        found.append(f"{figures.phantom_writes} phantom writes")
    if figures.rss_growth_pct >= max_growth_pct:
        found.append(
            f"RSS grew {figures.rss_growth_pct:.1f} % ({mib(figures.rss_start):.1f} ->"
            f" {mib(figures.rss_end):.1f} MiB), limit {max_growth_pct:g} %"
        )
    if figures.rss_start <= 0 or figures.rss_end <= 0:
        found.append("the server's RSS could not be read")
    if figures.requests == 0:
        found.append("no request was sent")
    return found


def summary_line(figures: Figures) -> str:
    """One line with every figure, for logs (the pytest run prints it)."""
    return (
        f"soak {figures.duration:g} s: {figures.requests:,} requests,"
        f" {figures.throughput:,.0f} req/s, errors {figures.error_count},"
        f" lost writes {figures.lost_writes}, RSS {mib(figures.rss_start):.1f} ->"
        f" {mib(figures.rss_end):.1f} MiB ({figures.rss_growth_pct:+.1f} %,"
        f" start after {figures.warmup:g} s warm-up)"
    )


def progress_header() -> str:
    return (
        f"{'elapsed s':>9} {'requests':>10} {'req/s':>7} {'errors':>6} {'threads':>7}"
        f" {'RSS MiB':>8}  vs start"
    )


def progress_line(sample: Sample, previous: Sample | None, errors: int, start: int | None) -> str:
    rate = 0.0
    if previous is not None and sample.elapsed > previous.elapsed:
        rate = (sample.requests - previous.requests) / (sample.elapsed - previous.elapsed)
    versus = "" if not start else f"{(sample.rss - start) * 100 / start:+.1f} %"
    return (
        f"{sample.elapsed:>9.0f} {sample.requests:>10,} {rate:>7,.0f} {errors:>6}"
        f" {sample.threads:>7}"
        f" {mib(sample.rss):>8.1f}  {versus}"
    )


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def load_figures(document: dict[str, Any]) -> Figures:
    """The ``figures`` of a JSON document written by ``--json``."""
    data = document["figures"]
    keys = Figures.__dataclass_fields__
    return Figures(**{key: value for key, value in data.items() if key in keys})


def details(document: dict[str, Any]) -> str:
    """The breakdown printed before the summary: operations, statuses, latency, cache, CPU,
    verification and the first error messages."""
    latency = document["latency_ms"]
    lines = [f"{'operation':<15} {'requests':>10} {'p50 ms':>8} {'p99 ms':>8}"]
    for op, count in document["requests_by_operation"].items():
        cuts = latency.get(op, {"p50": 0.0, "p99": 0.0})
        lines.append(f"{op:<15} {count:>10,} {cuts['p50']:>8.1f} {cuts['p99']:>8.1f}")
    every = latency["all"]
    lines.append(f"{'all':<15} {document['figures']['requests']:>10,} {every['p50']:>8.1f}"
                 f" {every['p99']:>8.1f}")  # fmt: skip
    figures = document["figures"]
    statuses = ", ".join(f"{k}: {v:,}" for k, v in document["statuses"].items())
    lines.append(f"statuses: {statuses}")
    lines.append(
        f"expected conflicts (races on the shared row): {figures['expected_conflicts'] or 0};"
        f" expected rejections (401/404/422 on purpose): {figures['expected_rejections'] or 0}"
    )
    lines.append(f"X-Cache on cached GETs: {document['x_cache']}")
    cpu = document["cpu_cores"]
    if cpu is not None and cpu["server"] is not None:
        lines.append(
            f"CPU cores used: server {cpu['server']:.2f}, load generator"
            f" {cpu['load_generator']:.2f}, redis {cpu['services'] or 0:.2f},"
            f" other {cpu['other']:.2f}"
        )
    check = document["verification"]
    lines.append(
        f"verified against the database: {check['rows_checked']:,} acknowledged rows,"
        f" {len(check['lost'])} lost, {len(check['phantom'])} phantom,"
        f" {check['uncertain']} uncertain (write without an answer)"
    )
    lines.extend(f"  LOST {line}" for line in check["lost"][:10])
    lines.extend(f"  PHANTOM {line}" for line in check["phantom"][:10])
    lines.append(f"RSS peak {mib(document['rss_peak']):.1f} MiB")
    if figures["errors"]:
        lines.append("errors: " + ", ".join(f"{k} x{v}" for k, v in figures["errors"].items()))
        lines.extend(f"  {example}" for example in document["error_examples"][:10])
    return "\n".join(lines)
