"""``lightapi check [TARGET ...]`` (SPEC §4): every diagnostic of the targets, in one of three
formats, and an exit code a CI job can use (R4.9, R4.10)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Literal

from lightapi._commands.gathering import gather, usage_error
from lightapi._targets import TargetError
from lightapi.spec.diagnostics import Diagnostic, render_github, render_json, render_text

Format = Literal["text", "json", "github"]
FailLevel = Literal["error", "warning"]
FORMATS: tuple[Format, ...] = ("text", "json", "github")
FAIL_LEVELS: tuple[FailLevel, ...] = ("error", "warning")


def render(diagnostics: Sequence[Diagnostic], output: Format, *, silenced: int = 0) -> str:
    """The report in the R4.6 (text), R4.7 (json) or R4.8 (github) format, no final newline."""
    if output == "json":
        return render_json(diagnostics, silenced=silenced)
    if output == "github":
        return render_github(diagnostics, silenced=silenced)
    return render_text(diagnostics, silenced=silenced)


def exit_code(diagnostics: Sequence[Diagnostic], fail_level: FailLevel) -> int:
    """R4.9, R4.10: 1 when an unsilenced diagnostic is at or above the fail level."""
    failing = [item for item in diagnostics if item.is_error or fail_level == "warning"]
    return 1 if failing else 0


def run(
    targets: Sequence[str],
    *,
    output: Format = "text",
    fail_level: FailLevel = "error",
    deploy: bool = False,
    show_traceback: bool = False,
) -> int:
    try:
        gathered = gather(targets, deploy=deploy)
    except TargetError as error:
        return usage_error(error, show_traceback=show_traceback)
    sys.stdout.write(render(gathered.shown, output, silenced=gathered.silenced) + "\n")
    return exit_code(gathered.shown, fail_level)
