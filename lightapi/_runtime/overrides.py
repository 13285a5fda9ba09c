"""User hooks in the request path: verb overrides, overridden CRUD helpers, background tasks.

Dispatch for an operation (R2.24), decided once per route when the app is built:

| defined by the endpoint            | runs                                                |
|------------------------------------|-----------------------------------------------------|
| the verb's method (get, post, ...) | it, with ``self.body``/``self.data`` ready (R23.6)  |
| else the operation's helper        | it: list, retrieve, create, update, destroy, a twin |
| else                               | the built-in handler                                |

Sync hooks run in a worker thread and async ones on the loop, on either engine kind (R13.3).
A hook's result: a dict or list is a 200 JSON answer, a Starlette Response is sent as is,
anything else is a logged 500 (R2.24).
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any, Final

import msgspec
from starlette.background import BackgroundTasks
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from lightapi._runtime.encoding import encode_value
from lightapi._runtime.errors import INVALID_JSON, JSON, Problem
from lightapi._runtime.handlers import EndpointRuntime, Handler
from lightapi._runtime.inputs import UNDECODABLE, read_body
from lightapi.spec.compile import HELPER_TWINS
from lightapi.spec.model import Operation

logger = logging.getLogger("lightapi")

BODY_VERBS: Final = frozenset({"POST", "PUT", "PATCH"})
VERB_OF: Final = {
    Operation.LIST: "get",
    Operation.RETRIEVE: "get",
    Operation.CREATE: "post",
    Operation.REPLACE: "put",
    Operation.UPDATE: "patch",
    Operation.DELETE: "delete",
}
HELPER_OF: Final = {
    Operation.LIST: "list",
    Operation.RETRIEVE: "retrieve",
    Operation.CREATE: "create",
    Operation.REPLACE: "update",
    Operation.UPDATE: "update",
    Operation.DELETE: "destroy",
}
TASKS: Final = "_lightapi_tasks"


async def call_hook(function: Callable[..., Any], *arguments: Any) -> Any:
    """Async hooks on the loop, sync ones in a worker thread (R13.3)."""
    if inspect.iscoroutinefunction(function):
        return await function(*arguments)
    result = await run_in_threadpool(function, *arguments)
    return await result if inspect.isawaitable(result) else result


def as_response(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, (dict, list)):
        return Response(encode_value(result), media_type=JSON)
    raise TypeError(f"a hook returned {type(result).__name__}; return a dict, list or Response")


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")  # R23.2


def _parsed(body: bytes) -> Any:
    """R23.6: ``self.data``; an empty body is ``{}``, invalid JSON (too deep, or not UTF-8:
    R5.11) a 400 before the hook runs.

    msgspec refuses numbers it cannot hold (``1e400``) as it refuses invalid JSON; such a
    document is valid JSON, so the standard parser reads it (``1e400`` is ``inf``) and the
    field's validation answers, a 422 as on the built-in operations (R23.2)."""
    if not body.strip():
        return {}
    try:
        return msgspec.json.decode(body)
    except msgspec.ValidationError:
        pass  # a subclass of DecodeError: caught first
    except UNDECODABLE:
        raise Problem(400, INVALID_JSON) from None
    try:
        return json.loads(body, parse_constant=_not_json)
    except (ValueError, RecursionError):  # includes integers past int()'s 4,300 digits
        raise Problem(400, INVALID_JSON) from None


def attach_tasks(view: Any, response: Response) -> Response:
    """Run the hook's queued background tasks after the response is sent (R13.4)."""
    tasks = getattr(view, TASKS, None)
    if tasks:
        background = BackgroundTasks()
        for task in tasks:
            background.add_task(task)
        response.background = background
    return response


def task(name: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """One queued task: sync in a worker thread, async on the loop; a failure is logged with
    the endpoint's name and the later tasks still run."""

    async def run() -> None:
        try:
            await call_hook(partial(function, *args, **kwargs))
        except Exception:
            logger.exception(
                "background task %s of %s failed", getattr(function, "__qualname__", function), name
            )

    return run


def _hook(runtime: EndpointRuntime, operation: Operation) -> tuple[str, bool] | None:
    """The hook that replaces the built-in operation, and whether it is a verb method."""
    hooks = {hook.name for hook in runtime.spec.overrides.hooks}
    verb = VERB_OF[operation]
    if verb in hooks:
        return verb, True
    helper = HELPER_OF[operation]
    for name in (helper, HELPER_TWINS[helper]):
        if name in hooks:
            return name, False
    return None


def override_handler(runtime: EndpointRuntime, operation: Operation) -> Handler | None:
    """The handler running the endpoint's own hook for ``operation``, or None for the built-in."""
    chosen = _hook(runtime, operation)
    if chosen is None:
        return None
    name, is_verb = chosen
    limit = runtime.max_body_size
    arguments = _helper_arguments(operation)

    async def handle(request: Request) -> Response:
        view = runtime.view(request)
        if request.method in BODY_VERBS:
            view.body = await read_body(request, limit)
            view.data = _parsed(view.body)
        method = getattr(view, name)
        if is_verb:
            result = await call_hook(method, request)
        else:
            result = await call_hook(method, *arguments(view, request))
        return attach_tasks(view, as_response(result))

    return handle


def _helper_arguments(operation: Operation) -> Callable[[Any, Request], tuple[Any, ...]]:
    """What each helper receives (R2.23)."""

    def pk(request: Request) -> int:
        value: int = request.path_params["id"]
        return value

    table: dict[Operation, Callable[[Any, Request], tuple[Any, ...]]] = {
        Operation.LIST: lambda view, request: (request,),
        Operation.RETRIEVE: lambda view, request: (request, pk(request)),
        Operation.CREATE: lambda view, request: (view.data,),
        Operation.REPLACE: lambda view, request: (view.data, pk(request), False),
        Operation.UPDATE: lambda view, request: (view.data, pk(request), True),
        Operation.DELETE: lambda view, request: (request, pk(request)),
    }
    return table[operation]
