"""The ``lightapi`` command (R0.5): ``check`` (§4), ``inspect`` (R3.6), ``openapi`` (R17.9) and
``serve`` (R16.7), which plain ``lightapi`` runs too (compatible).

Exit codes (R4.10): 0 no problem at or above the fail level, 1 at least one, 2 a usage error,
a target that cannot be found or imported, or an invalid ``[tool.lightapi]`` table. This module
stays cheap to import: each command's module, and whatever a target needs, is loaded only when
the command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lightapi._version import __version__

__all__ = ["main"]

TARGET_HELP = (
    "a .py file, a .yaml/.yml file, a dotted module, or module:attr naming a LightApi app or an "
    'endpoint class; default: app = "..." under [tool.lightapi] in pyproject.toml'
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lightapi", description="LightAPI: one annotated class, one REST resource."
    )
    parser.add_argument("--version", action="version", version=f"lightapi {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="report every problem of the targets without serving them",
        description="Import the targets in collect mode and report every diagnostic. Never "
        "opens a database connection, contacts Redis, binds a port or starts a server.",
    )
    check.add_argument("targets", nargs="*", metavar="TARGET", help=TARGET_HELP)
    check.add_argument(
        "--format", choices=("text", "json", "github"), default="text", dest="output_format"
    )
    check.add_argument(
        "--fail-level",
        choices=("error", "warning"),
        default="error",
        help="exit 1 on errors only (default) or on errors and unsilenced warnings",
    )
    check.add_argument(
        "--deploy",
        action="store_true",
        help="add the deployment checks, reading the environment as the server would",
    )
    check.add_argument(
        "--traceback", action="store_true", help="show the traceback of an import failure"
    )

    inspect = commands.add_parser(
        "inspect",
        help="print the compiled spec of a target",
        description="Print the compiled spec of an app or of endpoint classes; with errors, "
        "print them instead and exit 1.",
    )
    inspect.add_argument("target", nargs="?", metavar="TARGET", help=TARGET_HELP)
    inspect.add_argument("--json", action="store_true", help="print the spec as JSON")
    inspect.add_argument(
        "--traceback", action="store_true", help="show the traceback of an import failure"
    )
    openapi = commands.add_parser(
        "openapi",
        help="print or write the OpenAPI document of an app, or check a committed copy",
        description="Print the OpenAPI 3.1 document of an app (indent 2), write it to a file, "
        "or exit 1 with a diff when a committed copy differs.",
    )
    openapi.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    written = openapi.add_mutually_exclusive_group()
    written.add_argument("-o", "--output", metavar="FILE", help="write the document to FILE")
    written.add_argument(
        "--check", metavar="FILE", help="exit 1 with a diff when FILE is not the document"
    )
    openapi.add_argument(
        "--traceback", action="store_true", help="show the traceback of an import failure"
    )
    serve = commands.add_parser(
        "serve",
        help="compile a YAML file or module:app, then serve it with uvicorn",
        description="Serve a YAML file or module:attr (a LightApi or any ASGI app); without a "
        "target, the YAML file named by LIGHTAPI_CONFIG.",
    )
    add_serve_arguments(serve)
    return parser


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", metavar="TARGET")
    parser.add_argument("--host", help="default: LIGHTAPI_HOST, else 127.0.0.1")
    parser.add_argument("--port", help="default: LIGHTAPI_PORT, else 8000")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--log-level", default="info", dest="log_level")


def _serve(args: argparse.Namespace) -> int:
    from lightapi._commands import serve

    return serve.run(
        args.target,
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        log_level=args.log_level,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 problems found, 2 usage error)."""
    parser = _parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    first = arguments[0] if arguments else None
    if first not in ("check", "inspect", "openapi", "serve", "-h", "--help", "--version"):
        arguments.insert(0, "serve")  # plain ``lightapi [TARGET]`` serves (R16.7)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    if args.command == "check":
        from lightapi._commands import check

        return check.run(
            args.targets,
            output=args.output_format,
            fail_level=args.fail_level,
            deploy=args.deploy,
            show_traceback=args.traceback,
        )
    if args.command == "inspect":
        from lightapi._commands import inspect as inspect_command

        return inspect_command.run(args.target, as_json=args.json, show_traceback=args.traceback)
    if args.command == "openapi":
        from lightapi._commands import openapi

        return openapi.run(
            args.target, output=args.output, check=args.check, show_traceback=args.traceback
        )
    return _serve(args)
