"""CORS over every route (§11), Starlette's middleware with JSON refusals."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from lightapi._runtime.errors import error_response
from lightapi.spec.model import CorsSpec


class JSONCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware; a preflight it refuses answers ``{"detail": ...}`` (R11.2)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        detail = bytes(response.body).decode("utf-8", "replace")
        kept = {
            name: value
            for name, value in response.headers.items()
            if name not in ("content-type", "content-length")
        }
        return error_response(response.status_code, detail, kept)


def cors_middleware(spec: CorsSpec) -> Middleware:
    return Middleware(
        JSONCORSMiddleware,
        allow_origins=list(spec.origins),
        allow_credentials=spec.allow_credentials,
        allow_methods=list(spec.allow_methods),
        allow_headers=list(spec.allow_headers),
        expose_headers=list(spec.expose_headers),
        max_age=spec.max_age,
    )
