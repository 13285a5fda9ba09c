"""The middleware pipeline around an endpoint route (§12).

``process(request, None)`` runs for each middleware in declaration order (the pre phase); the
first non-None result becomes the response and skips the rest, authentication included. Then
every response produced - the endpoint's, a 401/403/429, a short-circuit - passes through
``process(request, response)`` of each middleware whose pre phase ran, in reverse order; a
non-None result replaces it, keeping its background tasks (R12.3, R12.4). Sync ``process`` runs
inline and must not block (R13.3).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from lightapi._runtime.overrides import as_response

Inner = Callable[[Request], Awaitable[Response]]


async def _process(middleware: Any, request: Request, response: Response | None) -> Any:
    result = middleware.process(request, response)
    return await result if inspect.isawaitable(result) else result


def _replaced(previous: Response, result: Any) -> Response:
    response = as_response(result)
    if response is not previous and response.background is None:
        response.background = previous.background  # R12.4: tasks stay attached
    return response


class Pipeline:
    def __init__(self, middlewares: Sequence[Any]) -> None:
        self.middlewares = tuple(middlewares)

    async def run(self, request: Request, inner: Inner) -> Response:
        """Raises what a middleware raises: the caller answers it as a 500 (R12.5)."""
        ran: list[Any] = []
        response: Response | None = None
        for middleware in self.middlewares:
            result = await _process(middleware, request, None)
            if result is not None:
                response = as_response(result)
                break
            ran.append(middleware)
        if response is None:
            response = await inner(request)
        for middleware in reversed(ran):
            result = await _process(middleware, request, response)
            if result is not None:
                response = _replaced(response, result)
        return response


def instances(middlewares: Sequence[Any]) -> list[Any]:
    """Classes are instantiated once per app with no arguments (R12.1)."""
    return [item() if isinstance(item, type) else item for item in middlewares]
