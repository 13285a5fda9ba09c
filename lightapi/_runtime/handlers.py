"""One async handler factory per operation; a handler is a closure over what was compiled.

Handlers raise ``Problem`` for client errors and let classified database failures escape; the
route dispatcher (``routing``) renders both. Nothing here builds a statement, a model or an
encoder: those come ready-made in ``EndpointRuntime``.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from typing_extensions import assert_never

from lightapi._runtime import ops
from lightapi._runtime.cursors import CursorCodec
from lightapi._runtime.db import Database
from lightapi._runtime.encoding import RowEncoder
from lightapi._runtime.errors import (
    JSON,
    NOT_FOUND,
    PRECONDITION_FAILED,
    VERSION_CONFLICT,
    Problem,
    validation_problem,
)
from lightapi._runtime.inputs import (
    IfMatch,
    if_none_match_hits,
    make_etag,
    parse_if_match,
    query_version,
    raw_body_version,
    read_body,
    validate_body,
    version_error,
    version_in,
)
from lightapi._runtime.lists import list_handler
from lightapi._runtime.models import EndpointModels
from lightapi._runtime.queries import Layout, Statements, VersionCheck
from lightapi._runtime.scope import UNSCOPED, Scope, scope_of
from lightapi.spec.model import EndpointSpec, Operation, QuerysetKind

Handler = Callable[[Request], Awaitable[Response]]
UTC: Final = datetime.timezone.utc


@dataclass(frozen=True, slots=True)
class EndpointRuntime:
    """Everything compiled for one registered endpoint."""

    spec: EndpointSpec
    endpoint_class: type
    path: str
    db: Database
    statements: Statements
    read: RowEncoder
    write: RowEncoder
    models: EndpointModels
    max_body_size: int | None
    cursors: CursorCodec
    app: Any = None  # the serving LightApi, exposed to hooks as ``self.app``

    @property
    def locking(self) -> bool:
        return self.spec.locking.enabled

    @property
    def scoped(self) -> bool:
        return self.spec.overrides.queryset is not QuerysetKind.NONE

    def view(self, request: Request) -> Any:
        """The per-request endpoint instance user hooks run on (R2.21)."""
        instance = self.endpoint_class()
        instance.request = request
        instance.app = self.app
        instance._lightapi_runtime = self
        instance._lightapi_tasks = []
        return instance

    async def scope(self, request: Request) -> Scope:
        """The queryset's scope for this request (R9.1, R9.2); sync querysets run in a worker
        thread, async ones on the loop (R13.3)."""
        kind = self.spec.overrides.queryset
        if kind is QuerysetKind.NONE:
            return UNSCOPED
        if kind is QuerysetKind.STATIC:
            selected = self.endpoint_class.queryset  # type: ignore[attr-defined]
        elif kind is QuerysetKind.ASYNC:
            selected = await self.view(request).queryset(request)
        else:
            selected = await run_in_threadpool(self.view(request).queryset, request)
        return scope_of(self.statements.table, selected)


def _etag_headers(row: Any, layout: Layout, locking: bool) -> dict[str, str]:
    if not locking:
        return {}
    return {"ETag": make_etag(row[layout.id_index], row[layout.version_index])}


def checked_pk(runtime: EndpointRuntime, pk: int) -> int:
    if pk > runtime.statements.pk_max:  # R5.1: no query for ids the column cannot hold
        raise Problem(404, NOT_FOUND)
    return pk


def _path_pk(request: Request) -> int:
    pk: int = request.path_params["id"]
    return pk


async def retrieve(runtime: EndpointRuntime, request: Request, pk: int) -> Response:
    """RETRIEVE: the row in the scope, with its ETag; 304 for a matching If-None-Match."""
    statements = runtime.statements
    scope = await runtime.scope(request)
    row = await runtime.db.read(ops.fetch_one, statements, checked_pk(runtime, pk), scope)
    if row is None:
        raise Problem(404, NOT_FOUND)
    headers = _etag_headers(row, statements.read, runtime.locking)
    if headers and if_none_match_hits(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(runtime.read.one(row), media_type=JSON, headers=headers)


def retrieve_handler(runtime: EndpointRuntime) -> Handler:
    async def handle(request: Request) -> Response:
        return await retrieve(runtime, request, _path_pk(request))

    return handle


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


async def insert(runtime: EndpointRuntime, instance: BaseModel) -> Response:
    """CREATE from a validated body: automatic columns set here (R2.12), 201 with Location."""
    statements, layout, locking = runtime.statements, runtime.statements.write, runtime.locking
    now = _now()
    # Omitted fields are left to the column defaults: the declared ones, or the database's own
    # on reflected tables.
    values = instance.model_dump(exclude_unset=True)
    values.update(dict.fromkeys(statements.timestamps, now))
    if locking:
        values["version"] = 1
    row = await runtime.db.write(ops.insert_row, statements, values)
    headers = _etag_headers(row, layout, locking)
    headers["Location"] = f"{runtime.path.rstrip('/')}/{row[layout.id_index]}"
    return Response(runtime.write.one(row), status_code=201, media_type=JSON, headers=headers)


def create_handler(runtime: EndpointRuntime) -> Handler:
    model, limit = runtime.models.create, runtime.max_body_size

    async def handle(request: Request) -> Response:
        instance, errors = validate_body(model, await read_body(request, limit))
        if instance is None:
            raise validation_problem(errors)
        return await insert(runtime, instance)

    return handle


@dataclass(frozen=True, slots=True)
class WriteCondition:
    """Which versions a write may apply to, and what a failed check answers (R5.17, R6.3)."""

    check: VersionCheck
    expected: Any
    from_header: bool


UNCONDITIONAL: Final = WriteCondition(VersionCheck.NONE, None, from_header=False)


def _write_condition(
    if_match: IfMatch | None, body_version: Any, version_given: bool
) -> tuple[WriteCondition, dict[str, Any] | None]:
    """The version rules of PUT/PATCH (R5.17): the condition, or the version error."""
    if if_match is None:
        error = version_error(body_version)
        return UNCONDITIONAL if error else WriteCondition(
            VersionCheck.EQUALS, body_version, from_header=False
        ), error
    if not version_given or body_version is None:
        return _header_condition(if_match), None
    error = version_error(body_version)
    if error:
        return UNCONDITIONAL, error
    if if_match.any_version:
        return WriteCondition(VersionCheck.EQUALS, body_version, from_header=False), None
    if not version_in(body_version, if_match.versions):
        return UNCONDITIONAL, {
            "type": "value_error",
            "loc": ["version"],
            "msg": "version does not match If-Match",
            "input": body_version,
        }
    return _header_condition(if_match), None


def _header_condition(if_match: IfMatch) -> WriteCondition:
    if if_match.any_version:
        return UNCONDITIONAL
    return WriteCondition(VersionCheck.ANY_OF, list(if_match.versions), from_header=True)


def _refused(outcome: ops.Outcome, condition: WriteCondition) -> Problem:
    if outcome is ops.Outcome.MISSING:
        return Problem(404, NOT_FOUND)
    if condition.from_header:
        return Problem(412, PRECONDITION_FAILED)
    return Problem(409, VERSION_CONFLICT)


@dataclass(frozen=True, slots=True)
class Validated:
    """A write body after validation: the instance, or the errors (field and version alike)."""

    instance: BaseModel | None
    errors: list[Any]
    version: Any
    version_given: bool


def if_match_of(runtime: EndpointRuntime, request: Request, pk: int) -> IfMatch | None:
    """The parsed If-Match of a locking endpoint; 400 when unparsable (R23.3)."""
    if not runtime.locking:
        return None
    return parse_if_match(request.headers.get("if-match"), pk)


async def change(
    runtime: EndpointRuntime,
    request: Request,
    pk: int,
    body: Validated,
    if_match: IfMatch | None,
    *,
    partial: bool,
) -> Response:
    """REPLACE/UPDATE: the version rules, then one compare-and-swap UPDATE (R5.17, R5.19)."""
    statements, locking = runtime.statements, runtime.locking
    condition, errors = UNCONDITIONAL, list(body.errors)
    if locking:
        condition, error = _write_condition(if_match, body.version, body.version_given)
        if error:
            errors.append(error)
    if body.instance is None or errors:
        raise validation_problem(errors)
    values = body.instance.model_dump(exclude_unset=partial)
    pk = checked_pk(runtime, pk)
    scope = await runtime.scope(request)
    result = await runtime.db.write(
        ops.update_row,
        statements,
        pk,
        values,
        condition.check,
        condition.expected,
        _now(),
        scope,
    )
    if isinstance(result, ops.Outcome):
        raise _refused(result, condition)
    headers = _etag_headers(result, statements.write, locking)
    return Response(runtime.write.one(result), media_type=JSON, headers=headers)


def update_handler(runtime: EndpointRuntime, *, partial: bool) -> Handler:
    """PUT (replace) or PATCH (update) from the request body."""
    limit = runtime.max_body_size
    model: type[BaseModel] = runtime.models.update if partial else runtime.models.replace

    async def handle(request: Request) -> Response:
        pk = _path_pk(request)
        body = await read_body(request, limit)
        if_match = if_match_of(runtime, request, pk)  # a 400 comes before validation
        instance, errors = validate_body(model, body)
        if instance is not None:
            version, given = (
                getattr(instance, "version", None),
                "version" in instance.model_fields_set,
            )
        else:
            version = raw_body_version(body)
            given = version is not None
        validated = Validated(instance, errors, version, given)
        return await change(runtime, request, pk, validated, if_match, partial=partial)

    return handle


async def destroy(runtime: EndpointRuntime, request: Request, pk: int) -> Response:
    """DELETE: unconditional, or version-checked by ``?version=`` or If-Match (R5.20)."""
    condition = UNCONDITIONAL
    if runtime.locking:
        if_match = parse_if_match(request.headers.get("if-match"), pk)
        version = query_version(request)
        if if_match is not None:
            condition = _header_condition(if_match)
        elif version is not None:
            condition = WriteCondition(VersionCheck.EQUALS, version, from_header=False)
    pk = checked_pk(runtime, pk)
    scope = await runtime.scope(request)
    outcome = await runtime.db.write(
        ops.delete_row, runtime.statements, pk, condition.check, condition.expected, scope
    )
    if outcome is not ops.Outcome.DELETED:
        raise _refused(outcome, condition)
    return Response(status_code=204)


def delete_handler(runtime: EndpointRuntime) -> Handler:
    async def handle(request: Request) -> Response:
        return await destroy(runtime, request, _path_pk(request))

    return handle


def operation_handler(runtime: EndpointRuntime, operation: Operation) -> Handler:
    """The built-in handler of ``operation``."""
    match operation:
        case Operation.LIST:
            return list_handler(runtime)
        case Operation.RETRIEVE:
            return retrieve_handler(runtime)
        case Operation.CREATE:
            return create_handler(runtime)
        case Operation.REPLACE:
            return update_handler(runtime, partial=False)
        case Operation.UPDATE:
            return update_handler(runtime, partial=True)
        case Operation.DELETE:
            return delete_handler(runtime)
        case _:
            assert_never(operation)
