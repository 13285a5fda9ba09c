"""JSON error answers (R5.5-R5.7) and the failures the runtime raises to produce them.

Every error body is ``{"detail": ...}`` with ``Content-Type: application/json``. Handlers raise
``Problem`` (or let a ``DatabaseFailure`` escape from ``db``); one wrapper turns them into
responses, so no handler builds an error body by hand.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from lightapi._runtime.encoding import encode

logger = logging.getLogger("lightapi")

JSON: Final = "application/json"
NOT_FOUND: Final = "not found"
VERSION_CONFLICT: Final = "version conflict"
PRECONDITION_FAILED: Final = "precondition failed"
INVALID_JSON: Final = "Invalid JSON body"
BODY_TOO_LARGE: Final = "Request body too large"
DATABASE_UNAVAILABLE: Final = "database unavailable"
INTERNAL_ERROR: Final = "Internal Server Error"
VALUE_REJECTED: Final = "value rejected by the database"
CLIENT_CLOSED_REQUEST: Final = 499


def error_response(status: int, detail: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = encode({"detail": detail})
    return Response(body, status_code=status, headers=headers, media_type=JSON)


class Problem(Exception):
    """An answer decided inside a handler: raised, then rendered by ``answer_failure``."""

    def __init__(self, status: int, detail: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.headers = headers

    def response(self) -> Response:
        return error_response(self.status, self.detail, self.headers)


class DatabaseFailure(Exception):
    """A database error classified by ``db`` into the answer it deserves (R5.21, R20.1)."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def validation_problem(errors: Sequence[Mapping[str, Any]]) -> Problem:
    return Problem(422, [json_safe_error(error) for error in errors])


def query_problem(param: str, message: str, value: str, kind: str = "value_error") -> Problem:
    return validation_problem(
        [{"type": kind, "loc": ["query", param], "msg": message, "input": value}]
    )


def json_safe_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """A pydantic error with ``type, loc, msg, input`` and ``ctx`` made JSON-safe; no ``url``."""
    item: dict[str, Any] = {
        "type": error["type"],
        "loc": list(error.get("loc", ())),
        "msg": error["msg"],
    }
    if "input" in error:
        item["input"] = _json_safe(error["input"])
    if error.get("ctx"):
        item["ctx"] = {key: _json_safe(value) for key, value in error["ctx"].items()}
    return item


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def path_of(request: Request) -> str:
    """The request path for log lines, from the scope: ``request.url`` parses a URL built from
    the Host header and raises ValueError on one such as ``[::1``, which would turn the answer
    being logged into an unhandled exception."""
    return str(request.scope.get("root_path", "")) + str(request.scope.get("path", ""))


def answer_failure(error: Exception, request: Request, endpoint: str) -> Response:
    """The response for an exception escaping a handler; unexpected ones are logged as 500."""
    if isinstance(error, (Problem, DatabaseFailure)):
        return error_response(error.status, error.detail, error.headers)
    if isinstance(error, HTTPException):
        return error_response(error.status_code, error.detail, error.headers)
    if isinstance(error, ClientDisconnect):
        # The client left before its body was read: nothing ran, nothing failed, and no one
        # will read the answer (nginx's 499, client closed request), which middleware still see.
        logger.debug("client left during %s %s (%s)", request.method, path_of(request), endpoint)
        return error_response(CLIENT_CLOSED_REQUEST, "client closed request")
    logger.error(
        "unhandled error in %s %s (%s)",
        request.method,
        path_of(request),
        endpoint,
        exc_info=error,
    )
    return error_response(500, INTERNAL_ERROR)


async def http_exception_handler(request: Request, error: Exception) -> Response:
    """Router 404 and any HTTPException outside an endpoint, as JSON."""
    assert isinstance(error, HTTPException)
    return error_response(error.status_code, error.detail, error.headers)


async def server_error_handler(request: Request, error: Exception) -> Response:
    logger.error("unhandled error in %s %s", request.method, path_of(request), exc_info=error)
    return error_response(500, INTERNAL_ERROR)
