"""The OpenAPI 3.1 document of an app (§17), generated from its IR and its pydantic models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lightapi.app import LightApi

__all__ = ["build_openapi"]


def build_openapi(app: LightApi) -> dict[str, Any]:
    """The document of ``app`` as a dict (R17.8); the same as ``app.openapi()``."""
    return app.openapi()
