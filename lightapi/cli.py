"""The ``lightapi`` command (R0.5). Subcommands arrive with their issues: check, inspect,
openapi and serve."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from lightapi._version import __version__

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lightapi", description="LightAPI: one annotated class, one REST resource."
    )
    parser.add_argument("--version", action="version", version=f"lightapi {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 problems found, 2 usage error)."""
    parser = _parser()
    try:
        parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    parser.print_help()
    return 0
