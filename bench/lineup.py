"""The apps under test: LightAPI, its hand-written baseline, and the peer frameworks.

LightAPI and the baseline run on every engine; the peers (FastAPI + SQLModel, Litestar) only on
the peer engines (sync SQLite by default), and only when their module exists and their packages
import (``pip install -e ".[dev,bench]"``). A missing peer is SKIPPED with a message, never an
error: it is a comparison, not part of LightAPI.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec
from typing import Final

LIGHTAPI: Final = "lightapi"
RAW: Final = "raw"


@dataclass(frozen=True)
class AppTarget:
    """An app under test: a short name, its ``module:attribute`` ASGI target, and the packages
    it needs besides LightAPI's own dependencies."""

    name: str
    target: str
    peer: bool = False
    requires: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    def unavailable(self) -> str | None:
        """Why this app cannot run here (a message), or None."""
        for name in (self.module, *self.requires):
            try:
                found = find_spec(name) is not None
            except ImportError:
                found = False
            if not found:
                return f"{name} is not importable (pip install -e '.[dev,bench]')"
        return None


# In this order in every round: LightAPI first, then the baseline, then the peers.
APPS: Final = {
    app.name: app
    for app in (
        AppTarget(LIGHTAPI, "bench.apps.lightapi_app:asgi"),
        AppTarget(RAW, "bench.apps.raw:asgi"),
        AppTarget("fastapi", "bench.apps.fastapi_app:app", True, ("fastapi", "sqlmodel")),
        AppTarget("litestar", "bench.apps.litestar_app:app", True, ("litestar",)),
    )
}
PEERS: Final = tuple(name for name, app in APPS.items() if app.peer)
