"""``python -m bench.startup`` runs end to end (issue #12): a handful of endpoints, one round,
no assertion about time (a shared 2-core machine cannot hold a bound)."""

from __future__ import annotations

import pytest

from bench.mypy_plugin import KINDS
from bench.startup import PHASES, main, measure, summary


def test_every_phase_is_measured_in_a_fresh_interpreter() -> None:
    runs = measure(endpoints=len(KINDS) + 1, rounds=1)
    assert len(runs) == 1
    assert set(runs[0]) == set(PHASES)
    assert all(runs[0][phase] > 0 for phase in PHASES)


def test_the_goal_is_judged_on_declaration_and_build() -> None:
    runs = [
        {"imports": 5.0, "declare": 0.2, "build": 0.3},
        {"imports": 5.0, "declare": 0.4, "build": 0.5},
        {"imports": 5.0, "declare": 0.3, "build": 0.4},
    ]
    assert summary(runs)["app"] == pytest.approx(0.7)  # imports are not the app's start-up


def test_the_command_prints_the_figures(capsys) -> None:
    main(["--endpoints", str(len(KINDS) + 1), "--rounds", "1"])  # its status is a timing
    printed = capsys.readouterr().out
    assert "declare+register" in printed and "goal < 1.0" in printed
