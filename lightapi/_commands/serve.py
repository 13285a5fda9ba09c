"""``lightapi serve [TARGET]`` (R16.7): compile first, then hand the app to uvicorn.

The target is a YAML file or ``module:attr`` naming a LightApi (or any ASGI app). It is compiled
before any port is bound, so a declaration error is printed like ``lightapi check`` prints it and
the command exits 1. Worker processes and ``--reload`` need something each process can import: a
``module:attr`` string as given, or, for a YAML file, ``from_environment`` below with the file
named by ``LIGHTAPI_CONFIG``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from lightapi.exceptions import ConfigurationError, SpecError
from lightapi.spec.diagnostics import render_text

YAML_SUFFIXES = (".yaml", ".yml")


class UsageError(Exception):
    """Exit 2 (R16.7)."""


def from_environment() -> Any:
    """The uvicorn factory of YAML targets: the app of the file LIGHTAPI_CONFIG names."""
    from lightapi.app import LightApi

    return LightApi.from_config(os.environ["LIGHTAPI_CONFIG"])


def _port(given: str | None) -> int:
    raw = given if given is not None else os.environ.get("LIGHTAPI_PORT", "8000")
    try:
        port = int(raw)
    except ValueError:
        raise UsageError(f"invalid port {raw!r}: expected an integer") from None
    if not 0 < port < 65536:
        raise UsageError(f"invalid port {port}: expected 1 to 65535")
    return port


def _load(target: str) -> tuple[Any, str, bool]:
    """The app object (compiled), the import string workers use, and whether it is a factory."""
    if target.endswith(YAML_SUFFIXES):
        path = Path(target)
        if not path.is_file():
            raise UsageError(f"cannot find {target}: no such file")
        from lightapi.app import LightApi

        os.environ["LIGHTAPI_CONFIG"] = str(path.resolve())
        return LightApi.from_config(path), f"{__name__}:from_environment", True
    module_name, separator, attribute = target.partition(":")
    if not separator or not attribute:
        raise UsageError(f"invalid target {target!r}: expected a .yaml file or module:attr")
    import importlib

    sys.path.insert(0, os.getcwd())
    try:
        value: Any = importlib.import_module(module_name)
        for part in attribute.split("."):
            value = getattr(value, part)
    except SpecError:
        raise
    except Exception as error:
        raise UsageError(f"cannot import {target}: {type(error).__name__}: {error}") from None
    return value, target, False


def run(
    target: str | None,
    *,
    host: str | None,
    port: str | None,
    workers: int,
    reload: bool,
    log_level: str,
) -> int:
    target = target or os.environ.get("LIGHTAPI_CONFIG")
    try:
        if not target:
            raise UsageError("no target: pass a YAML file or module:app, or set LIGHTAPI_CONFIG")
        bind_port = _port(port)
        app, import_string, factory = _load(target)
        build = getattr(app, "build_app", None)
        if build is not None:
            build()  # R16.7: compiled before the port is bound
    except UsageError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except SpecError as error:
        sys.stdout.write(render_text(error.diagnostics) + "\n")
        return 1
    except ConfigurationError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    import uvicorn

    separate = workers > 1 or reload
    uvicorn.run(
        import_string if separate else app,
        host=host or os.environ.get("LIGHTAPI_HOST", "127.0.0.1"),
        port=bind_port,
        workers=workers if workers > 1 else None,
        reload=reload,
        log_level=log_level,
        factory=factory and separate,
    )
    return 0
