"""``python -m bench``: the command line; everything else lives in the modules it calls."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import FrameType
from typing import NoReturn

from bench.docs import PERFORMANCE_DOC, write_results
from bench.engines import ENGINES
from bench.lineup import APPS
from bench.load import require_wrk
from bench.parity import ParityError
from bench.plan import Settings, plan_apps, plan_cache, plan_engines
from bench.report import markdown_table, text_table, write_json
from bench.runner import run, say
from bench.scenarios import SCENARIOS

RESULTS: Path = Path(__file__).parent / "results" / "latest.json"
QUICK = {"duration": 1.0, "warmup": 0.0, "rounds": 1}
DEFAULTS = {"duration": 2.0, "warmup": 1.0, "rounds": 3}
SHM = "/dev/shm"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="LightAPI against a hand-written Starlette + SQLAlchemy Core + msgspec"
        " baseline on four engines, and against FastAPI + SQLModel and Litestar.",
    )
    parser.add_argument("--duration", type=float, help="seconds per measured run (default 2)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds before each measured run (1)")
    parser.add_argument("--rounds", type=int, help="rounds, fresh servers each (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (default 2)")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated subset of {','.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help=f"comma-separated subset of {','.join(ENGINES)} (default all)",
    )
    parser.add_argument(
        "--apps",
        default=",".join(APPS),
        help=f"comma-separated subset of {','.join(APPS)} (default all available)",
    )
    parser.add_argument(
        "--peer-engines",
        default="sqlite",
        help="engines the peers (fastapi, litestar) run on (default sqlite)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1 round of 1 s runs, no warm-up (about 4 min)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the markdown table to FILE")
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="write the markdown table into docs/performance.md, between its markers",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument(
        "--tmpdir",
        help=f"where the SQLite files go (default {SHM} when it exists: writes without fsync)",
    )
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="server on one CPU, wrk on the others (default: on; --no-pin lets the OS place them)",
    )
    parser.add_argument("--no-parity", action="store_true", help="skip the response parity check")
    return parser.parse_args(argv)


def _choice(option: str, text: str, known: Mapping[str, object]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise SystemExit(f"{option}: unknown {unknown}; choose from {', '.join(known)}")
    return names


def _tmpdir(requested: str | None) -> str | None:
    if requested is not None:
        return requested
    return SHM if os.path.isdir(SHM) and os.access(SHM, os.W_OK) else None


def settings_from(args: argparse.Namespace) -> Settings:
    base = QUICK if args.quick else DEFAULTS
    settings = Settings(
        duration=args.duration if args.duration is not None else base["duration"],
        warmup=args.warmup if args.warmup is not None else base["warmup"],
        rounds=args.rounds if args.rounds is not None else int(base["rounds"]),
        threads=args.threads,
        connections=args.connections,
        scenarios=_choice("--scenarios", args.scenarios, SCENARIOS),
        engines=_choice("--engines", args.engines, ENGINES),
        apps=_choice("--apps", args.apps, APPS),
        peer_engines=_choice("--peer-engines", args.peer_engines, ENGINES),
        tmpdir=_tmpdir(args.tmpdir),
        parity=not args.no_parity,
        pin=args.pin and len(os.sched_getaffinity(0)) >= 2,
    )
    if "lightapi" not in settings.apps:
        raise SystemExit("--apps must include lightapi: every ratio is LightAPI's")
    if settings.duration <= 0 or settings.rounds < 1 or settings.warmup < 0:
        raise SystemExit("--duration must be > 0, --rounds >= 1, --warmup >= 0")
    if settings.connections < settings.threads:
        raise SystemExit("--connections must be at least --threads")
    return settings


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    """SIGTERM/SIGHUP unwind like Ctrl-C, so every server is stopped and temp files removed."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    wrk = require_wrk()
    settings = plan_engines(settings)  # PostgreSQL engines skipped when it does not answer
    settings = plan_apps(settings)  # peers skipped when not installed
    settings = plan_cache(settings)  # get_cached: a Redis key prefix, or skipped without Redis
    # Ctrl-C even when started from a script that ignores SIGINT for background jobs; SIGHUP
    # unless nohup asked to ignore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _interrupt)
    lineup = "; ".join(
        f"{group.engine.name}: {', '.join(app.name for app in group.apps)}"
        for group in settings.groups()
    )
    where = settings.tmpdir or "the system temp dir"
    fsync = " (tmpfs: writes without fsync)" if settings.tmpdir == SHM else ""
    say(
        f"wrk -t{settings.threads} -c{settings.connections}; {settings.rounds} rounds x"
        f" {settings.measured_seconds(settings.duration):g} s per app, warm-up"
        f" {settings.measured_seconds(settings.warmup):g} s; scenarios"
        f" {', '.join(settings.scenarios)}; {lineup}; SQLite files in {where}{fsync};"
        f" {settings.placement.describe()}; about {settings.estimated_seconds() / 60:.1f} min"
    )
    try:
        results, meta = run(settings, wrk)
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped, temporary files removed", file=sys.stderr)
        return 130
    except ParityError as error:
        print(f"parity check failed, nothing measured: {error}", file=sys.stderr)
        return 2
    say("")
    say(text_table(results))
    write_json(args.output, results, meta)
    say(f"\nresults: {args.output}")
    flagged = [f"{result.engine} {result.name}" for result in results if result.flagged]
    if flagged:
        say(
            "FLAGGED (unexpected statuses, socket errors, PATCH rows overrun or uncached answers"
            f" in get_cached): {', '.join(flagged)}"
        )
    for message in settings.skipped:
        say(f"SKIPPED {message}")
    table = markdown_table(results, meta)
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table)
        say(f"markdown: {args.markdown}")
    if args.write_docs:
        write_results(table)
        say(f"written into {PERFORMANCE_DOC}")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
