"""Summarises runs into medians, spreads and ratios, and writes them as text, JSON and markdown."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.cpu import CpuUse
from bench.load import WrkResult
from bench.scenarios import CACHED_SCENARIO, UNCACHED_SCENARIO

LIGHTAPI = "lightapi"
RAW = "raw"


@dataclass(frozen=True)
class Run:
    """One measured run: what wrk saw, who used the CPU meanwhile, and what else went wrong
    (``problem``: a cached run that served uncached answers)."""

    wrk: WrkResult
    cpu: CpuUse | None
    problem: str | None = None

    @property
    def clean(self) -> bool:
        return self.wrk.clean and self.problem is None

    @property
    def noisy(self) -> bool:
        return self.cpu is not None and self.cpu.noisy

    def as_dict(self) -> dict[str, Any]:
        cpu = None if self.cpu is None else {**asdict(self.cpu), "noisy": self.cpu.noisy}
        return {**self.wrk.as_dict(), "cpu_cores": cpu, "problem": self.problem}


@dataclass
class AppRuns:
    runs: list[Run] = field(default_factory=list)

    @property
    def rates(self) -> list[float]:
        return [run.wrk.rps for run in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    @property
    def non_2xx(self) -> int:
        return sum(run.wrk.non_2xx for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.wrk.errors + run.wrk.overrun for run in self.runs)

    @property
    def flagged(self) -> bool:
        return not all(run.clean for run in self.runs)

    @property
    def problems(self) -> list[str]:
        return [run.problem for run in self.runs if run.problem is not None]

    @property
    def noisy_runs(self) -> int:
        return sum(run.noisy for run in self.runs)

    def latency(self, percentile: str) -> float | None:
        values = [
            run.wrk.latency_ms[percentile] for run in self.runs if percentile in run.wrk.latency_ms
        ]
        return statistics.median(values) if values else None

    def summary(self) -> dict[str, Any]:
        return {
            "median_rps": round(self.median, 1),
            "min_rps": round(min(self.rates), 1),
            "max_rps": round(max(self.rates), 1),
            "non_2xx": self.non_2xx,
            "socket_errors_or_overruns": self.errors,
            "flagged": self.flagged,
            "problems": self.problems,
            "noisy_runs": self.noisy_runs,
            "median_latency_ms": {p: self.latency(p) for p in ("p50", "p99")},
            "runs": [run.as_dict() for run in self.runs],
        }


@dataclass
class ScenarioResult:
    name: str
    description: str
    apps: dict[str, AppRuns]

    @property
    def ratio(self) -> float:
        return self.apps[LIGHTAPI].median / self.apps[RAW].median

    @property
    def round_ratios(self) -> list[float]:
        """LightAPI/raw within each round (runs back to back): how much one ratio can move."""
        return [
            light / raw
            for light, raw in zip(self.apps[LIGHTAPI].rates, self.apps[RAW].rates, strict=False)
        ]

    @property
    def flagged(self) -> bool:
        return any(runs.flagged for runs in self.apps.values())

    def summary(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "ratio_lightapi_over_raw": round(self.ratio, 3),
            "ratio_per_round": [round(ratio, 3) for ratio in self.round_ratios],
            "flagged": self.flagged,
            **{name: runs.summary() for name, runs in self.apps.items()},
        }


@dataclass(frozen=True)
class CacheGain:
    """LightAPI ``get_cached`` over LightAPI ``get_one``: the same request, cached and not.

    Both runs of a round hit the same server process, so the per-round ratios pair them.
    """

    ratio: float
    round_ratios: list[float]

    def describe(self) -> str:
        rounds = self.round_ratios
        return (
            f"LightAPI cached / uncached ({CACHED_SCENARIO} / {UNCACHED_SCENARIO}, medians):"
            f" {self.ratio:.2f} (rounds {min(rounds):.2f}-{max(rounds):.2f})"
        )


def cache_gain(results: Sequence[ScenarioResult]) -> CacheGain | None:
    by_name = {result.name: result.apps[LIGHTAPI] for result in results}
    cached, uncached = by_name.get(CACHED_SCENARIO), by_name.get(UNCACHED_SCENARIO)
    if cached is None or uncached is None or not cached.runs or not uncached.runs:
        return None
    return CacheGain(
        cached.median / uncached.median,
        [a / b for a, b in zip(cached.rates, uncached.rates, strict=False)],
    )


def _latency(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def text_table(results: Sequence[ScenarioResult]) -> str:
    header = (
        f"{'scenario':<12} {'app':<9} {'median req/s':>12} {'min-max req/s':>17}"
        f" {'non-2xx':>8} {'p50 ms':>7} {'p99 ms':>7}  LightAPI/raw of medians"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        for index, (name, runs) in enumerate(result.apps.items()):
            spread = f"{min(runs.rates):,.0f}-{max(runs.rates):,.0f}"
            ratio = ""
            if index == 0:
                rounds = result.round_ratios
                ratio = f"{result.ratio:.2f} (rounds {min(rounds):.2f}-{max(rounds):.2f})"
            flag = "  FLAGGED: errors" if runs.flagged else ""
            if runs.problems:
                flag = f"  FLAGGED: {runs.problems[0]}"
            if runs.noisy_runs:
                flag += f"  ({runs.noisy_runs} noisy run(s))"
            lines.append(
                f"{result.name if index == 0 else '':<12} {name:<9} {runs.median:>12,.0f}"
                f" {spread:>17} {runs.non_2xx:>8} {_latency(runs.latency('p50')):>7}"
                f" {_latency(runs.latency('p99')):>7}  {ratio}{flag}"
            )
    gain = cache_gain(results)
    if gain is not None:
        lines.append("")
        lines.append(gain.describe())
    return "\n".join(lines)


def markdown_table(results: Sequence[ScenarioResult], meta: dict[str, Any]) -> str:
    lines = [
        "| scenario | LightAPI req/s (min-max) | raw req/s (min-max) | LightAPI/raw"
        " (per-round range) | non-2xx |",
        "|---|---:|---:|---:|---:|",
    ]
    for result in results:
        light, raw = result.apps[LIGHTAPI], result.apps[RAW]
        cells = [
            f"{result.name}" + (" (flagged)" if result.flagged else ""),
            f"{light.median:,.0f} ({min(light.rates):,.0f}-{max(light.rates):,.0f})",
            f"{raw.median:,.0f} ({min(raw.rates):,.0f}-{max(raw.rates):,.0f})",
            f"{result.ratio:.2f} ({min(result.round_ratios):.2f}-{max(result.round_ratios):.2f})",
            f"{light.non_2xx} / {raw.non_2xx}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    gain = cache_gain(results)
    if gain is not None:
        lines.append("")
        lines.append(gain.describe() + ".")
    settings = meta["settings"]
    lines.append("")
    lines.append(
        f"wrk -t{settings['threads']} -c{settings['connections']}, {settings['rounds']} rounds"
        f" of {settings['duration']} s per app (A B alternating), median shown;"
        f" {meta['machine']['cpus']} CPUs, {meta['placement']}, SQLite files in"
        f" {meta['database_dir']}, Python {meta['versions']['python']}."
    )
    return "\n".join(lines) + "\n"


def write_json(path: Path, results: Sequence[ScenarioResult], meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "meta": meta,
        "scenarios": {result.name: result.summary() for result in results},
    }
    gain = cache_gain(results)
    if gain is not None:
        document["lightapi_cached_over_uncached"] = {
            "ratio": round(gain.ratio, 3),
            "per_round": [round(ratio, 3) for ratio in gain.round_ratios],
        }
    path.write_text(json.dumps(document, indent=2) + "\n")
