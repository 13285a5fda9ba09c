"""``python -m bench.soak``: the command line.

Exit status: 0 passed; 1 failed (errors, lost or phantom writes, or RSS growth >= 10 %);
2 could not run (Redis or PostgreSQL unreachable, the server did not start); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import NoReturn

from bench.soak import report
from bench.soak.runner import CannotRun, Settings, run, say

DEFAULT_PG_URL = "postgresql://{user}@127.0.0.1:5432/test"


def default_warmup(duration: float) -> float:
    """The first 10 % of the run, at least 5 s (see docs/reliability.md, Soak)."""
    return max(5.0, duration / 10)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak",
        description="A LightAPI app under sustained mixed load: errors, lost writes, RSS growth.",
    )
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load (600)")
    parser.add_argument(
        "--warmup",
        type=float,
        help="seconds of load before the start RSS is taken (default: 10 %% of the duration,"
        " at least 5)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--concurrency", type=int, default=16, help="closed-loop clients (16)")
    parser.add_argument("--json", type=Path, help="also write the results to FILE")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("SOAK_PG_URL")
        or DEFAULT_PG_URL.format(user=os.environ.get("USER", "root")),
        help="PostgreSQL for --database postgres, without a driver; a schema is created in it"
        " and dropped afterwards (default postgresql://$USER@127.0.0.1:5432/test)",
    )
    parser.add_argument("--tmpdir", help="where the SQLite file and the server log go")
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="server on the last CPU, the load on the others (default: on with 2+ CPUs)",
    )
    parser.add_argument(
        "--inject-leak",
        type=int,
        default=0,
        metavar="BYTES",
        help="self-test: the server keeps BYTES per request, so the RSS check must fail",
    )
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    warmup = args.warmup if args.warmup is not None else default_warmup(args.duration)
    if args.duration < 10 or not 0 < warmup < args.duration or args.concurrency < 1:
        raise SystemExit("--duration must be >= 10, 0 < --warmup < --duration, --concurrency >= 1")
    return Settings(
        duration=args.duration,
        warmup=warmup,
        database=args.database,
        concurrency=args.concurrency,
        pin=args.pin and len(os.sched_getaffinity(0)) >= 2,
        pg_url=args.pg_url,
        tmpdir=args.tmpdir,
        inject_leak=max(0, args.inject_leak),
    )


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    """SIGTERM/SIGHUP unwind like Ctrl-C, so the server is stopped and its files removed."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _interrupt)
    try:
        outcome = run(settings)
    except KeyboardInterrupt:
        print("\ninterrupted; server stopped, temporary files removed", file=sys.stderr)
        return 130
    except CannotRun as error:
        print(f"cannot run the soak: {error}", file=sys.stderr)
        return 2
    document = outcome.document
    say("")
    say(report.details(document))
    say(report.summary_line(outcome.figures))
    reasons = report.failures(outcome.figures)
    if args.json is not None:
        report.write_json(args.json, document)
        say(f"results: {args.json}")
    if reasons:
        say("FAILED: " + "; ".join(reasons))
        return 1
    say("PASSED: no errors, no lost writes, RSS growth under 10 %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
