"""Summarises runs into medians, spreads and ratios, and writes them as text, JSON and markdown.

Results are per engine and scenario; ratios are LightAPI's median over each other app's median
(the baseline on the same engine, and each peer), with the range of per-round ratios (runs of
one round are back to back, so these pair up).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.cpu import CpuUse
from bench.lineup import LIGHTAPI
from bench.load import WrkResult
from bench.scenarios import CACHED_SCENARIO, UNCACHED_SCENARIO


@dataclass(frozen=True)
class Run:
    """One measured run: what wrk saw, who used the CPU meanwhile, and what else went wrong
    (``problem``: a cached run that served uncached answers). ``expect_error``: every answer
    must be a 4xx (``not_found``), so wrk's non-2xx count is the number of expected answers."""

    wrk: WrkResult
    cpu: CpuUse | None
    problem: str | None = None
    expect_error: bool = False

    @property
    def unexpected(self) -> int:
        """Answers with a status other than the scenario's."""
        if self.expect_error:
            return self.wrk.requests - self.wrk.non_2xx
        return self.wrk.non_2xx

    @property
    def clean(self) -> bool:
        wrk = self.wrk
        failed = self.unexpected or wrk.errors or wrk.overrun or not wrk.requests
        return not failed and self.problem is None

    @property
    def noisy(self) -> bool:
        return self.cpu is not None and self.cpu.noisy

    def as_dict(self) -> dict[str, Any]:
        cpu = None if self.cpu is None else {**asdict(self.cpu), "noisy": self.cpu.noisy}
        return {
            **self.wrk.as_dict(),
            "clean": self.clean,
            "unexpected_status": self.unexpected,
            "cpu_cores": cpu,
            "problem": self.problem,
        }


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
    def unexpected(self) -> int:
        return sum(run.unexpected for run in self.runs)

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
            "unexpected_status": self.unexpected,
            "socket_errors_or_overruns": self.errors,
            "flagged": self.flagged,
            "problems": self.problems,
            "noisy_runs": self.noisy_runs,
            "median_latency_ms": {p: self.latency(p) for p in ("p50", "p99")},
            "runs": [run.as_dict() for run in self.runs],
        }


@dataclass
class ScenarioResult:
    engine: str
    name: str
    description: str
    apps: dict[str, AppRuns]

    def measured(self) -> dict[str, AppRuns]:
        return {name: runs for name, runs in self.apps.items() if runs.runs}

    def ratio(self, other: str) -> float | None:
        """LightAPI's median over ``other``'s, or None when either did not run."""
        light, versus = self.apps.get(LIGHTAPI), self.apps.get(other)
        if light is None or versus is None or not light.runs or not versus.runs:
            return None
        return light.median / versus.median if versus.median else None

    def round_ratios(self, other: str) -> list[float]:
        """LightAPI/other within each round (runs back to back): how much one ratio can move."""
        return [
            light / versus
            for light, versus in zip(
                self.apps[LIGHTAPI].rates, self.apps[other].rates, strict=False
            )
            if versus
        ]

    def ratios(self) -> dict[str, float]:
        """LightAPI over every other app that ran, by app."""
        found = {name: self.ratio(name) for name in self.apps if name != LIGHTAPI}
        return {name: ratio for name, ratio in found.items() if ratio is not None}

    @property
    def flagged(self) -> bool:
        return any(runs.flagged for runs in self.apps.values())

    def summary(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "scenario": self.name,
            "description": self.description,
            "ratios_lightapi_over": {
                name: {
                    "of_medians": round(ratio, 3),
                    "per_round": [round(r, 3) for r in self.round_ratios(name)],
                }
                for name, ratio in self.ratios().items()
            },
            "flagged": self.flagged,
            "apps": {name: runs.summary() for name, runs in self.measured().items()},
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


def cache_gain(results: Sequence[ScenarioResult], engine: str) -> CacheGain | None:
    by_name = {
        result.name: result.apps[LIGHTAPI]
        for result in results
        if result.engine == engine and LIGHTAPI in result.apps
    }
    cached, uncached = by_name.get(CACHED_SCENARIO), by_name.get(UNCACHED_SCENARIO)
    if cached is None or uncached is None or not cached.runs or not uncached.runs:
        return None
    return CacheGain(
        cached.median / uncached.median,
        [a / b for a, b in zip(cached.rates, uncached.rates, strict=False)],
    )


def _engines(results: Sequence[ScenarioResult]) -> list[str]:
    return list(dict.fromkeys(result.engine for result in results))


def _latency(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _spread(runs: AppRuns) -> str:
    return f"{min(runs.rates):,.0f}-{max(runs.rates):,.0f}"


def _ratio_text(result: ScenarioResult, other: str) -> str:
    ratio = None if other == LIGHTAPI else result.ratio(other)
    if ratio is None:
        return ""
    rounds = result.round_ratios(other) or [ratio]
    return f"{ratio:.2f} ({min(rounds):.2f}-{max(rounds):.2f})"


def text_table(results: Sequence[ScenarioResult]) -> str:
    header = (
        f"{'scenario':<12} {'app':<9} {'median req/s':>12} {'min-max req/s':>17}"
        f" {'unexpected':>10} {'p50 ms':>7} {'p99 ms':>7}  LightAPI/app (rounds)"
    )
    lines = []
    for engine in _engines(results):
        lines += ["", f"engine {engine}", header, "-" * len(header)]
        for result in (result for result in results if result.engine == engine):
            for index, (name, runs) in enumerate(result.measured().items()):
                flag = "  FLAGGED: errors" if runs.flagged else ""
                if runs.problems:
                    flag = f"  FLAGGED: {runs.problems[0]}"
                if runs.noisy_runs:
                    flag += f"  ({runs.noisy_runs} noisy run(s))"
                lines.append(
                    f"{result.name if index == 0 else '':<12} {name:<9} {runs.median:>12,.0f}"
                    f" {_spread(runs):>17} {runs.unexpected:>10}"
                    f" {_latency(runs.latency('p50')):>7} {_latency(runs.latency('p99')):>7}"
                    f"  {_ratio_text(result, name)}{flag}"
                )
        gain = cache_gain(results, engine)
        if gain is not None:
            lines.append(gain.describe())
    return "\n".join(lines).lstrip("\n")


def markdown_table(results: Sequence[ScenarioResult], meta: dict[str, Any]) -> str:
    """One table per engine: median req/s (min-max) of every app, then LightAPI over each."""
    lines = []
    for engine in _engines(results):
        rows = [result for result in results if result.engine == engine]
        apps = list(dict.fromkeys(name for result in rows for name in result.measured()))
        others = [name for name in apps if name != LIGHTAPI]
        header = ["scenario", *(f"{name} req/s (min-max)" for name in apps)]
        header += [f"LightAPI/{name} (rounds)" for name in others]
        lines += [f"**{engine}**", "", "| " + " | ".join(header) + " |"]
        lines.append("|---|" + "---:|" * (len(header) - 1))
        for result in rows:
            cells = [result.name]
            for name in apps:
                runs = result.apps.get(name)
                cell = f"{runs.median:,.0f} ({_spread(runs)})" if runs and runs.runs else "-"
                cells.append(cell + (" flagged" if runs and runs.flagged else ""))
            cells += [_ratio_text(result, name) or "-" for name in others]
            lines.append("| " + " | ".join(cells) + " |")
        gain = cache_gain(results, engine)
        if gain is not None:
            lines += ["", gain.describe() + "."]
        lines.append("")
    settings = meta["settings"]
    warmup = f" after a {settings['warmup']:g} s warm-up" if settings["warmup"] else ""
    lines.append(
        f"wrk -t{settings['threads']} -c{settings['connections']}, {settings['rounds']} rounds"
        f" of {settings['duration']:g} s per app{warmup} (apps in turn, fresh servers each"
        f" round), medians; {meta['machine']['cpus']} CPUs, {meta['placement']}, SQLite files"
        f" in {meta['database_dir']}, PostgreSQL {meta['postgres']}, Python"
        f" {meta['versions']['python']}, git {meta['git']}, {meta['started_at']}."
    )
    return "\n".join(lines) + "\n"


def write_json(path: Path, results: Sequence[ScenarioResult], meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "meta": meta,
        "results": [result.summary() for result in results],
        "lightapi_cached_over_uncached": {
            engine: {
                "ratio": round(gain.ratio, 3),
                "per_round": [round(ratio, 3) for ratio in gain.round_ratios],
            }
            for engine in _engines(results)
            if (gain := cache_gain(results, engine)) is not None
        },
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
