"""Route specs -> Starlette routes: verb dispatch, 405 with Allow, OPTIONS, HEAD (R5.8-R5.10).

Each path is one Starlette ``Route`` that accepts every method and dispatches on a dict, so an
unserved verb gets our JSON 405 (with ``Allow``) instead of Starlette's plain-text one. Both
slash forms of a path are routed, without redirects (R5.1).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

from sqlalchemy import text
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send

from lightapi._runtime.auth import Guard
from lightapi._runtime.cache import ResponseCache
from lightapi._runtime.db import Database
from lightapi._runtime.docs import assets, static_path
from lightapi._runtime.encoding import encode
from lightapi._runtime.errors import DATABASE_UNAVAILABLE, JSON, answer_failure, error_response
from lightapi._runtime.handlers import EndpointRuntime, Handler, operation_handler
from lightapi._runtime.login import LoginSettings, login_endpoint
from lightapi._runtime.middleware import Pipeline
from lightapi._runtime.overrides import override_handler
from lightapi._runtime.setup import TableSetup
from lightapi.spec.application import allow_header
from lightapi.spec.model import (
    COLLECTION_OPERATIONS,
    DETAIL_OPERATIONS,
    Operation,
    RouteKind,
    RouteSpec,
)

Endpoint = Callable[[Request], Awaitable[Response]]

# An id no key type can hold (both maxima of R5.1 are below it): it answers the row 404.
BEYOND_ANY_KEY: Final = 2**63
_KEY_DIGITS: Final = 19  # 2**63 - 1, the largest BigInteger key, has 19 digits


class IdConvertor(Convertor[int]):
    """``{id}``: ASCII digits (R23.12). Starlette's ``int`` convertor calls ``int()`` on them,
    which refuses more than 4,300 digits (a logged 500); an id longer than any key is
    ``BEYOND_ANY_KEY`` instead, so it is the row 404 without a query (R5.1)."""

    regex = "[0-9]+"

    def convert(self, value: str) -> int:
        digits = value.lstrip("0") or "0"  # int() counts leading zeros against its limit
        return int(digits) if len(digits) <= _KEY_DIGITS else BEYOND_ANY_KEY

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("lightapi_id", IdConvertor())
OK_BODY: Final = encode({"status": "ok"})
READY_TIMEOUT: Final = 2.0


def _without_body(handler: Handler) -> Handler:
    """HEAD: GET's status and headers, Content-Length included, and no body (R5.10)."""

    async def head(request: Request) -> Response:
        response = await handler(request)
        response.body = b""
        return response

    return head


def dispatcher(
    handlers: Mapping[str, Handler],
    allow: str,
    name: str,
    setup: TableSetup,
    guard: Guard | None = None,
    pipeline: Pipeline | None = None,
) -> Endpoint:
    """One endpoint function per route, in the order of R5.2: routing (405, OPTIONS), the
    middleware pre phase, authentication, the handler; every failure becomes its JSON answer
    before the middleware post phase sees it."""
    table = dict(handlers)
    if "GET" in table:
        table["HEAD"] = table["GET"]
    allow_headers = {"Allow": allow}

    async def served(request: Request) -> Response:
        try:
            if guard is not None:
                await guard.check(request)
            if not setup.done:
                await setup.ensure()
            return await table[request.method](request)
        except Exception as error:
            return answer_failure(error, request, name)

    async def endpoint(request: Request) -> Response:
        if request.method not in table:
            if request.method == "OPTIONS":
                return Response(status_code=204, headers=allow_headers)
            return error_response(405, "Method Not Allowed", allow_headers)
        if pipeline is None:
            response = await served(request)
        else:
            try:
                response = await pipeline.run(request, served)
            except Exception as error:  # R12.5: a middleware failure is a 500
                response = answer_failure(error, request, name)
        if request.method == "HEAD":  # R5.10: GET's status and headers, no body
            response.body = b""
        return response

    return endpoint


class _AnyMethod:
    """An ASGI app around an endpoint function, so that Starlette routes every method to it
    (a plain function would be limited to GET) and our dispatcher answers 405 itself."""

    __slots__ = ("endpoint",)

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.endpoint(Request(scope, receive, send))
        await response(scope, receive, send)


def _both_slash_forms(path: str, endpoint: Endpoint) -> list[BaseRoute]:
    app = _AnyMethod(endpoint)
    if path == "/":
        return [Route(path, app)]
    return [Route(path, app), Route(path + "/", app)]


def _handler(
    runtime: EndpointRuntime, verb: str, operation: Operation, cache: ResponseCache | None
) -> Handler:
    """The verb's handler: the endpoint's hook or the built-in, within the cache (R2.24, §14):
    built-in reads are served from it, and any successful write invalidates it."""
    spec = runtime.spec
    override = override_handler(runtime, operation)
    handler = override or operation_handler(runtime, operation)
    if cache is None or spec.cache is None:
        return handler
    if verb == "GET":
        return handler if override else cache.reader(spec.name, spec.cache, handler)
    return cache.writer(spec.name, handler)


def endpoint_routes(
    route: RouteSpec,
    runtime: EndpointRuntime,
    setup: TableSetup,
    guard: Guard | None,
    pipeline: Pipeline | None,
    cache: ResponseCache | None = None,
) -> list[BaseRoute]:
    operations = COLLECTION_OPERATIONS if route.kind is RouteKind.COLLECTION else DETAIL_OPERATIONS
    handlers = {verb: _handler(runtime, verb, operations[verb], cache) for verb in route.methods}
    endpoint = dispatcher(
        handlers, allow_header(route.methods), runtime.spec.name, setup, guard, pipeline
    )
    path = route.path.replace("{id}", "{id:lightapi_id}")
    return _both_slash_forms(path, endpoint)


def login_route(path: str, settings: LoginSettings) -> list[BaseRoute]:
    """POST only; no middleware and no authentication run on it (R10.11, R12.2)."""
    return _both_slash_forms(path, login_endpoint(settings))


def health_route(path: str) -> list[BaseRoute]:
    async def healthz(request: Request) -> Response:
        return Response(OK_BODY, media_type=JSON)

    return _both_slash_forms(path, _simple_get(healthz))


def ready_route(path: str, db: Database, setup: TableSetup) -> list[BaseRoute]:
    """R19.8: ready when ``SELECT 1`` answers within 2 seconds and tables are set up."""

    def ping(connection: object) -> None:
        connection.execute(text("SELECT 1"))  # type: ignore[attr-defined]

    async def readyz(request: Request) -> Response:
        try:
            await asyncio.wait_for(setup.ensure(), READY_TIMEOUT)
            await asyncio.wait_for(db.read(ping), READY_TIMEOUT)
        except Exception:
            return error_response(503, DATABASE_UNAVAILABLE, {"Retry-After": "1"})
        return Response(OK_BODY, media_type=JSON)

    return _both_slash_forms(path, _simple_get(readyz))


def document_route(path: str, body: bytes) -> list[BaseRoute]:
    """R17.1: the OpenAPI document, rendered once at build and served as stored bytes."""

    async def openapi(request: Request) -> Response:
        return Response(body, media_type=JSON)

    return _both_slash_forms(path, _simple_get(openapi))


def docs_routes(path: str, page: bytes) -> list[BaseRoute]:
    """R17.7: the Swagger UI page and, under ``<path>/static/``, its own assets."""

    async def docs(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    return [*_both_slash_forms(path, _simple_get(docs)), Mount(static_path(path), assets())]


def _simple_get(handler: Handler) -> Endpoint:
    """GET and HEAD for built-in routes; no middleware, no authentication."""
    table = {"GET": handler, "HEAD": _without_body(handler)}
    allow = {"Allow": "GET, HEAD"}

    async def endpoint(request: Request) -> Response:
        chosen = table.get(request.method)
        if chosen is not None:
            return await chosen(request)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=allow)
        return error_response(405, "Method Not Allowed", allow)

    return endpoint
