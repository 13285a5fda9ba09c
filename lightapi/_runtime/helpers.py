"""The built-in CRUD helpers that overrides may call (R2.23).

Each takes what its operation needs and returns a Response, errors included (they are returned,
not raised). The async helpers are the implementation; a sync helper is its async twin run on
the event loop from the worker thread that sync hooks run in, so there is one implementation
for both engine kinds. Called on the event-loop thread, a sync helper raises RuntimeError
naming its twin, since it would block the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import anyio.from_thread
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from lightapi._runtime.errors import answer_failure, validation_problem
from lightapi._runtime.handlers import (
    EndpointRuntime,
    Validated,
    change,
    destroy,
    if_match_of,
    insert,
    retrieve,
)
from lightapi._runtime.lists import list_handler


def _runtime_of(view: Any) -> EndpointRuntime:
    runtime = getattr(view, "_lightapi_runtime", None)
    if runtime is None:
        raise RuntimeError(f"{type(view).__name__} is not serving a request of an app")
    runtime_: EndpointRuntime = runtime
    return runtime_


def _validated(model: type[BaseModel], data: Any) -> Validated:
    """A body given as a dict, validated like bytes would be (lax mode, the same models)."""
    version = data.get("version") if isinstance(data, Mapping) else None
    given = isinstance(data, Mapping) and "version" in data
    try:
        return Validated(model.model_validate(data), [], version, given)
    except ValidationError as error:
        return Validated(None, list(error.errors(include_url=False)), version, given)


async def _answer(view: Any, request: Request, work: Any) -> Response:
    try:
        response: Response = await work
    except Exception as error:
        return answer_failure(error, request, type(view).__name__)
    return response


async def list_async(view: Any, request: Request) -> Response:
    return await _answer(view, request, list_handler(_runtime_of(view))(request))


async def retrieve_async(view: Any, request: Request, pk: int) -> Response:
    return await _answer(view, request, retrieve(_runtime_of(view), request, int(pk)))


async def create_async(view: Any, data: Any) -> Response:
    runtime = _runtime_of(view)

    async def work() -> Response:
        body = _validated(runtime.models.create, data)
        if body.instance is None:
            raise validation_problem(body.errors)
        return await insert(runtime, body.instance)

    return await _answer(view, view.request, work())


async def update_async(view: Any, data: Any, pk: int, partial: bool = False) -> Response:
    runtime = _runtime_of(view)
    model = runtime.models.update if partial else runtime.models.replace

    async def work() -> Response:
        if_match = if_match_of(runtime, view.request, int(pk))
        body = _validated(model, data)
        return await change(runtime, view.request, int(pk), body, if_match, partial=partial)

    return await _answer(view, view.request, work())


async def destroy_async(view: Any, request: Request, pk: int) -> Response:
    return await _answer(view, request, destroy(_runtime_of(view), request, int(pk)))


def run_twin(view: Any, sync_name: str, async_name: str, *arguments: Any) -> Response:
    """A sync helper: its async twin, run on the loop from a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        result: Response = anyio.from_thread.run(getattr(view, async_name), *arguments)
        return result
    raise RuntimeError(
        f"{sync_name}() blocks the event loop; in async code use await self.{async_name}(...)"
    )
