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
from lightapi._runtime.tables import INTEGER_MAX
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


def _primary_key(request: Request) -> int:
    pk: int = request.path_params["id"]
    if pk > INTEGER_MAX:  # R5.1: no query for ids the column cannot hold
        raise Problem(404, NOT_FOUND)
    return pk


def retrieve_handler(runtime: EndpointRuntime) -> Handler:
    db, statements, encoder = runtime.db, runtime.statements, runtime.read
    layout, locking = statements.read, runtime.locking

    async def handle(request: Request) -> Response:
        pk = _primary_key(request)
        row = await db.read(ops.fetch_one, statements, pk, await runtime.scope(request))
        if row is None:
            raise Problem(404, NOT_FOUND)
        headers = _etag_headers(row, layout, locking)
        if headers and if_none_match_hits(request.headers.get("if-none-match"), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        return Response(encoder.one(row), media_type=JSON, headers=headers)

    return handle


def _now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


def create_handler(runtime: EndpointRuntime) -> Handler:
    db, statements, encoder = runtime.db, runtime.statements, runtime.write
    layout, locking, model = statements.write, runtime.locking, runtime.models.create
    limit, base = runtime.max_body_size, runtime.path.rstrip("/")

    async def handle(request: Request) -> Response:
        instance, errors = validate_body(model, await read_body(request, limit))
        if instance is None:
            raise validation_problem(errors)
        now = _now()
        values = instance.model_dump()
        values.update(created_at=now, updated_at=now)
        if locking:
            values["version"] = 1
        row = await db.write(ops.insert_row, statements, values)
        headers = _etag_headers(row, layout, locking)
        headers["Location"] = f"{base}/{row[layout.id_index]}"
        return Response(encoder.one(row), status_code=201, media_type=JSON, headers=headers)

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


def update_handler(runtime: EndpointRuntime, *, partial: bool) -> Handler:
    """PUT (replace) or PATCH (update): validate, then one compare-and-swap UPDATE (R5.19)."""
    db, statements, encoder = runtime.db, runtime.statements, runtime.write
    layout, locking, limit = statements.write, runtime.locking, runtime.max_body_size
    model: type[BaseModel] = runtime.models.update if partial else runtime.models.replace

    async def handle(request: Request) -> Response:
        pk: int = request.path_params["id"]
        body = await read_body(request, limit)
        if_match = parse_if_match(request.headers.get("if-match"), pk) if locking else None
        instance, errors = validate_body(model, body)
        condition = UNCONDITIONAL
        if locking:
            if instance is not None:
                version = getattr(instance, "version", None)
                given = "version" in instance.model_fields_set
            else:
                version = raw_body_version(body)
                given = version is not None
            condition, error = _write_condition(if_match, version, given)
            if error:
                errors.append(error)
        if instance is None or errors:
            raise validation_problem(errors)
        values = instance.model_dump(exclude_unset=partial)
        pk = _primary_key(request)
        scope = await runtime.scope(request)
        result = await db.write(
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
        headers = _etag_headers(result, layout, locking)
        return Response(encoder.one(result), media_type=JSON, headers=headers)

    return handle


def delete_handler(runtime: EndpointRuntime) -> Handler:
    """DELETE: unconditional, or version-checked by ``?version=`` or If-Match (R5.20)."""
    db, statements, locking = runtime.db, runtime.statements, runtime.locking

    async def handle(request: Request) -> Response:
        pk: int = request.path_params["id"]
        condition = UNCONDITIONAL
        if locking:
            if_match = parse_if_match(request.headers.get("if-match"), pk)
            version = query_version(request)
            if if_match is not None:
                condition = _header_condition(if_match)
            elif version is not None:
                condition = WriteCondition(VersionCheck.EQUALS, version, from_header=False)
        pk = _primary_key(request)
        scope = await runtime.scope(request)
        outcome = await db.write(
            ops.delete_row, statements, pk, condition.check, condition.expected, scope
        )
        if outcome is not ops.Outcome.DELETED:
            raise _refused(outcome, condition)
        return Response(status_code=204)

    return handle


def operation_handler(runtime: EndpointRuntime, operation: Operation) -> Handler:
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
