"""``python -m bench``: the command line; everything else lives in the modules it calls."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import NoReturn

from bench.load import require_wrk
from bench.parity import ParityError
from bench.report import markdown_table, text_table, write_json
from bench.runner import Settings, plan_cache, run, say
from bench.scenarios import SCENARIOS

RESULTS: Path = Path(__file__).parent / "results" / "latest.json"
QUICK = {"duration": 2.0, "warmup": 1.0, "rounds": 2}
DEFAULTS = {"duration": 10.0, "warmup": 1.0, "rounds": 3}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="LightAPI vs a hand-written Starlette + SQLAlchemy Core + msgspec baseline.",
    )
    parser.add_argument("--duration", type=float, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds before each measured run (1)")
    parser.add_argument("--rounds", type=int, help="A B rounds per scenario (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (default 2)")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated subset of {','.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run of about two minutes (2 s x 2 rounds)"
    )
    parser.add_argument("--markdown", type=Path, help="also write a markdown table to FILE")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--tmpdir", help="where the SQLite files go (default: system temp dir)")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="server on one CPU, wrk on the others (default: on; --no-pin lets the OS place them)",
    )
    parser.add_argument("--no-parity", action="store_true", help="skip the response parity check")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    base = QUICK if args.quick else DEFAULTS
    names = tuple(name.strip() for name in args.scenarios.split(",") if name.strip())
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown or not names:
        raise SystemExit(f"unknown scenarios {unknown}; choose from {', '.join(SCENARIOS)}")
    settings = Settings(
        duration=args.duration if args.duration is not None else base["duration"],
        warmup=args.warmup if args.warmup is not None else base["warmup"],
        rounds=args.rounds if args.rounds is not None else int(base["rounds"]),
        threads=args.threads,
        connections=args.connections,
        scenarios=names,
        tmpdir=args.tmpdir,
        parity=not args.no_parity,
        pin=args.pin and len(os.sched_getaffinity(0)) >= 2,
    )
    if settings.duration < 1 or settings.rounds < 1 or settings.warmup < 0:
        raise SystemExit("--duration must be >= 1, --rounds >= 1, --warmup >= 0")
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
    settings = plan_cache(settings)  # get_cached: a Redis key prefix, or skipped without Redis
    # Ctrl-C even when started from a script that ignores SIGINT for background jobs; SIGHUP
    # unless nohup asked to ignore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _interrupt)
    say(
        f"wrk -t{settings.threads} -c{settings.connections}; {settings.rounds} rounds x"
        f" {settings.duration:g} s per app, warm-up {settings.warmup:g} s;"
        f" scenarios {', '.join(settings.scenarios)}; {settings.placement.describe()};"
        f" about {settings.estimated_seconds() / 60:.1f} min"
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
    flagged = [result.name for result in results if result.flagged]
    if flagged:
        say(
            "FLAGGED (non-2xx, socket errors, PATCH rows overrun or uncached answers in"
            f" get_cached): {', '.join(flagged)}"
        )
    if settings.skipped:
        say(f"SKIPPED (Redis not reachable): {', '.join(settings.skipped)}")
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown_table(results, meta))
        say(f"markdown: {args.markdown}")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
