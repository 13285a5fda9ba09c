"""What ``check``, ``inspect`` and ``openapi`` share: import the targets in collect mode,
gather every diagnostic once (R3.13), and drop silenced warnings (R3.14).

Diagnostics come from three places (R4.4): those recorded while the targets were imported (an
option record at module level that no endpoint uses reports only there), each endpoint class of
a target module, and each app's ``check()``. The same problem from two places is kept once,
under the more specific subject.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from lightapi._targets import (
    ImportFailure,
    Loaded,
    TargetError,
    Workspace,
    apps_of,
    project_config,
    resolve_targets,
)
from lightapi.spec.diagnostics import (
    Diagnostic,
    collect_diagnostics,
    same_problem,
    unique_sorted,
)

if TYPE_CHECKING:
    from lightapi.app import LightApi

# Rank of a diagnostic's source when the same problem is found twice: a class's or an app's
# own diagnostics name the endpoint option (BookEndpoint.Meta.pagination), while one recorded
# at import may still name the record (Pagination.page_size), R3.8.
RECORDED, OWNED = 0, 1


def merge(groups: Iterable[tuple[int, Iterable[Diagnostic]]]) -> list[Diagnostic]:
    """Each problem once; a later sighting of equal or higher rank replaces the earlier one."""
    kept: list[tuple[int, Diagnostic]] = []
    for rank, items in groups:
        for item in items:
            for index, (known_rank, known) in enumerate(kept):
                if same_problem(known, item):
                    if rank >= known_rank:
                        kept[index] = (rank, item)
                    break
            else:
                kept.append((rank, item))
    return [item for _, item in kept]


@dataclass(slots=True)
class Gathered:
    """The targets, imported, and their report: ``shown`` is sorted, silenced warnings out."""

    workspace: Workspace
    shown: list[Diagnostic]
    silenced: int

    @property
    def errors(self) -> list[Diagnostic]:
        return [item for item in self.shown if item.is_error]


def gather(texts: Sequence[str], *, deploy: bool = False) -> Gathered:
    """Resolve and import the targets; raises TargetError (exit 2) for usage problems."""
    config = project_config()
    targets = resolve_targets(texts, config)
    workspace = Workspace()
    with collect_diagnostics() as recorded:
        workspace.load_all(targets)
        owned = [item for cls in workspace.endpoints() for item in cls.__lightapi_diagnostics__]
        apps = [app for _, app in workspace.apps()]
        for app in apps:
            owned.extend(app.check(deploy=deploy))
    merged = merge([(RECORDED, [*recorded, *workspace.escaped]), (OWNED, owned)])
    # An app's silence= covers its endpoints' warnings, which classes also report themselves,
    # so every silenced code applies to the whole report.
    silence = set(config.silence).union(*(app._silence for app in apps))
    shown = [item for item in merged if item.is_error or item.code not in silence]
    return Gathered(workspace, unique_sorted(shown), len(merged) - len(shown))


def usage_error(error: TargetError, *, show_traceback: bool = False) -> int:
    """Print a target or project problem as R4.10 asks and return exit code 2."""
    if show_traceback and isinstance(error, ImportFailure):
        sys.stderr.write(error.format_traceback())
    sys.stderr.write(f"error: {error}\n")
    return 2


def module_app(loaded: Loaded) -> tuple[str, LightApi] | None:
    """The app a target names with ``:attr``, else the one app bound in its module; a module
    binding several is a usage error (name one)."""
    if loaded.obj is not None and not isinstance(loaded.obj, type):
        return loaded.target.attr or "app", cast("LightApi", loaded.obj)
    apps = apps_of(loaded.module) if loaded.module is not None else []
    if len(apps) > 1:
        names = ", ".join(name for name, _ in apps)
        raise TargetError(
            f"{loaded.target.text} binds {len(apps)} LightApi apps ({names}); "
            f"name one, e.g. {loaded.target.text}:{apps[0][0]}"
        )
    return apps[0] if apps else None
