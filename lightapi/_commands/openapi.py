"""``lightapi openapi TARGET [-o FILE] [--check FILE]`` (R17.9): export the document, or tell
whether a committed copy is still the one the app generates.

The target is imported in collect mode, as ``lightapi check`` imports it, so a module that calls
``app.run()`` does not start a server. With an error among its diagnostics, they are printed as
``lightapi check`` prints them and the exit code is 1. The document is then generated outside
collect mode, which reads the tables of ``Meta.reflect`` endpoints: the only database access.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

from lightapi._commands.gathering import gather, module_app, usage_error
from lightapi._targets import TargetError
from lightapi.exceptions import ConfigurationError, SpecError
from lightapi.openapi.document import render
from lightapi.spec.diagnostics import render_text


def _document(target: str) -> str:
    gathered = gather([target])
    loaded = gathered.workspace.loaded[0]
    found = None if isinstance(loaded.obj, type) else module_app(loaded)
    if found is None:
        raise TargetError(f"{target} names no LightApi app; name one as module:attr")
    if gathered.errors:
        raise SpecError(tuple(gathered.errors))
    return render(found[1].openapi())


def _changed_keys(old: Any, new: Any, what: str) -> list[str]:
    old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
    lines = [f"  + {what} {key}" for key in new if key not in old]
    lines += [f"  - {what} {key}" for key in old if key not in new]
    lines += [f"  ~ {what} {key}" for key in new if key in old and old[key] != new[key]]
    return lines


def summary(committed: str, generated: str) -> list[str]:
    """What changed, by path and by schema, before the line-by-line diff."""
    try:
        old = json.loads(committed)
    except ValueError:
        return ["  the committed file is not a JSON document"]
    new = json.loads(generated)
    if not isinstance(old, dict):
        return ["  the committed file is not an OpenAPI document"]
    lines = _changed_keys(old.get("paths"), new.get("paths"), "path")
    lines += _changed_keys(
        old.get("components", {}).get("schemas"), new["components"].get("schemas"), "schema"
    )
    rest = {key for key in {*old, *new} if key != "paths"} - {"components"}
    components = {*old.get("components", {}), *new["components"]} - {"schemas"}
    if any(old.get(key) != new.get(key) for key in rest) or any(
        old.get("components", {}).get(key) != new["components"].get(key) for key in components
    ):
        lines.append("  ~ other parts (info, responses or security schemes)")
    return lines or ["  the same document, formatted otherwise (expected: indent 2, final newline)"]


def _differences(committed: str, generated: str, name: str) -> str:
    lines = difflib.unified_diff(
        committed.splitlines(), generated.splitlines(), fromfile=name, tofile="generated"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def run(target: str, *, output: str | None, check: str | None, show_traceback: bool = False) -> int:
    """0: written, printed or the same; 1: errors in the target or a different document;
    2: usage or import errors."""
    try:
        if check is not None and not Path(check).is_file():
            raise TargetError(f"cannot read {check}: no such file")
        document = _document(target)
    except TargetError as error:
        return usage_error(error, show_traceback=show_traceback)
    except SpecError as error:
        sys.stdout.write(render_text(error.diagnostics) + "\n")
        return 1
    except ConfigurationError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    if check is not None:
        committed = Path(check).read_text(encoding="utf-8")
        if committed == document:
            sys.stdout.write(f"{check} is up to date\n")
            return 0
        sys.stdout.write(f"{check} differs from the generated document:\n")
        sys.stdout.write("".join(line + "\n" for line in summary(committed, document)))
        sys.stdout.write(_differences(committed, document, check))
        sys.stdout.write(f"regenerate it with: lightapi openapi {target} -o {check}\n")
        return 1
    if output is not None:
        Path(output).write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    return 0
