"""``Middleware`` and the 0.x helpers kept for compatibility (R1.2, §12).

``Middleware.process(request, response)`` is called twice per request: with ``None`` before the
endpoint (return a response to answer early) and with the response after it (return one to
replace it). ``CORSMiddleware`` and ``AuthenticationMiddleware`` are the 0.x classes; prefer
``LightApi(cors_origins=...)`` and ``Meta.authentication`` in new code.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.responses import Response as StarletteResponse

from lightapi._runtime.encoding import encode_value

__all__ = ["AuthenticationMiddleware", "CORSMiddleware", "Middleware", "Response"]


class Response(StarletteResponse):
    """A JSON response whose body is encoded with msgspec (compatible)."""

    media_type = "application/json"

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        content_type: str | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, content_type or media_type)

    def render(self, content: Any) -> bytes:
        if isinstance(content, (bytes, bytearray)):
            return bytes(content)
        return encode_value(content)


class Middleware:
    """Subclass and override ``process``; it may be ``async def``."""

    def process(self, request: Any, response: Any) -> Any:
        return None


class CORSMiddleware(Middleware):
    """Adds CORS headers to every response, in place (R12.5)."""

    def __init__(
        self,
        allow_origins: Iterable[str] | None = None,
        allow_methods: Iterable[str] | None = None,
        allow_headers: Iterable[str] | None = None,
    ) -> None:
        self.allow_origins = list(allow_origins or ["*"])
        self.allow_methods = list(allow_methods or ["GET", "POST", "PUT", "PATCH", "DELETE"])
        self.allow_headers = list(allow_headers or ["Authorization", "Content-Type"])

    def process(self, request: Any, response: Any) -> Any:
        if response is None:
            return None
        origin = request.headers.get("origin")
        allowed = (
            "*" if "*" in self.allow_origins else (origin if origin in self.allow_origins else None)
        )
        if allowed is not None:
            response.headers["Access-Control-Allow-Origin"] = allowed
            response.headers["Access-Control-Allow-Methods"] = ", ".join(self.allow_methods)
            response.headers["Access-Control-Allow-Headers"] = ", ".join(self.allow_headers)
        return None


class AuthenticationMiddleware(Middleware):
    """Answers 403 ``{"detail": "not allowed"}`` when its backend finds no user (R12.5)."""

    def __init__(self, authentication_class: Any = None) -> None:
        backend = authentication_class
        self.backend = backend() if isinstance(backend, type) else backend

    async def process(self, request: Any, response: Any) -> Any:
        if response is not None or self.backend is None:
            return None
        user = self.backend.authenticate(request)
        if inspect.isawaitable(user):
            user = await user
        if not user:
            return Response({"detail": "not allowed"}, status_code=403)
        request.state.user = user
        return None
