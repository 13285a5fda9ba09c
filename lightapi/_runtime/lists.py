"""The built-in LIST: scope, filter backends in order, ordering, then one of three bodies.

| pagination  | ordering (R7.10, R8.6)                          | body                         |
|-------------|-------------------------------------------------|------------------------------|
| none        | ?ordering, else queryset ORDER BY; then id      | results                      |
| page_number | ?ordering, else queryset ORDER BY; then id      | count, pages, next, previous |
| cursor      | ?ordering (queryset ORDER BY unused); then id   | next, previous, results      |
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import Column, Select, select
from starlette.requests import Request
from starlette.responses import Response

from lightapi._runtime import ops
from lightapi._runtime.cursors import Boundary
from lightapi._runtime.encoding import encode
from lightapi._runtime.errors import JSON
from lightapi._runtime.listing import ListQuery, parse_list_query
from lightapi._runtime.queries import (
    count_statement,
    filter_condition,
    keyset_condition,
    order_clauses,
    ordering_items,
    search_condition,
    search_pattern,
)
from lightapi._runtime.scope import Scope, onto_table
from lightapi._runtime.shapes import (
    LIMIT,
    OFFSET,
    SEARCH,
    Shapes,
    filter_parameter,
    keyset_parameters,
    keyset_values,
    limit_parameter,
    offset_parameter,
    query_shape,
    query_values,
)
from lightapi.spec.model import RefKind

if TYPE_CHECKING:
    from lightapi._runtime.handlers import EndpointRuntime

Handler = Callable[[Request], Awaitable[Response]]
OrderItems = tuple[tuple[Column[Any], bool], ...]


def _apply_built_in(
    runtime: EndpointRuntime, statement: Select[Any], query: ListQuery, kind: RefKind
) -> Select[Any]:
    """A FieldFilter's or SearchFilter's conditions, values left to bind parameters."""
    filtering = runtime.spec.filtering
    assert filtering is not None
    table = runtime.statements.table
    if kind is RefKind.FIELD_FILTER:
        for index, term in enumerate(query.filters):
            condition = filter_condition(table.c[term.field], term, filter_parameter(index))
            statement = statement.where(condition)
    elif kind is RefKind.SEARCH_FILTER and query.search:
        columns = [table.c[name] for name in filtering.search]
        statement = statement.where(search_condition(columns, query.search, SEARCH))
    return statement


def _apply_built_ins(
    runtime: EndpointRuntime, statement: Select[Any], query: ListQuery
) -> Select[Any]:
    """Every backend of an endpoint that has only the built-in ones, in their order."""
    filtering = runtime.spec.filtering
    for backend in filtering.backends if filtering is not None else ():
        statement = _apply_built_in(runtime, statement, query, backend.kind)
    return statement


async def _apply_backends(
    runtime: EndpointRuntime, request: Request, statement: Select[Any], query: ListQuery
) -> Select[Any]:
    """Run the active filter backends in their order (R7.1); custom ones get the statement and
    the endpoint instance, may be async, and must return a Select."""
    filtering = runtime.spec.filtering
    if filtering is None:
        return statement
    table = runtime.statements.table
    for backend in filtering.backends:
        if backend.kind is not RefKind.CUSTOM_FILTER:
            statement = _apply_built_in(runtime, statement, query, backend.kind)
            continue
        instance = backend.value()
        result = instance.filter_queryset(request, statement, runtime.view(request))
        if inspect.isawaitable(result):
            result = await result
        if not isinstance(result, Select):
            raise TypeError(f"{backend.name}.filter_queryset() did not return a Select")
        statement = onto_table(table, result)
    return statement


def _page_link(request: Request, page: int) -> str:
    """R8.4: the request's URL with ``page`` replaced, every other parameter kept, encoded."""
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "page"]
    base = str(request.url).partition("?")[0]
    return f"{base}?{urlencode([*kept, ('page', page)])}"


def _signature(items: OrderItems) -> str:
    return ",".join(("-" if descending else "") + str(column.name) for column, descending in items)


def _selected_columns(layout_columns: Sequence[Column[Any]], items: OrderItems) -> list[Any]:
    """The projection, then ordering columns outside it: cursor tokens need the keyset values,
    and the encoder does not look past the projection."""
    selected: list[Any] = [*layout_columns]
    names = {column.name for column in selected}  # names: Column == builds SQL, not a bool
    return selected + [column for column, _ in items if column.name not in names]


StatementFor = Callable[[str, Callable[[Select[Any]], Select[Any]]], Select[Any]]


def list_handler(runtime: EndpointRuntime) -> Handler:
    """The LIST handler of one endpoint: a closure over its runtime (handlers.EndpointRuntime)."""
    spec, db, encoder = runtime.spec, runtime.db, runtime.read
    statements = runtime.statements
    table, layout = statements.table, statements.read
    pagination = spec.pagination
    cursor_style = pagination is not None and pagination.style == "cursor"
    plain = spec.filtering is None and pagination is None and not runtime.scoped
    single_table = spec.filtering is None or not any(
        backend.kind is RefKind.CUSTOM_FILTER for backend in spec.filtering.backends
    )
    # Without a queryset or custom backends, a request's SQL depends only on its shape.
    shapes = Shapes() if single_table and not runtime.scoped else None

    async def handle(request: Request) -> Response:
        if plain:  # nothing varies per request: the statement built at start-up
            rows = await db.read(ops.fetch_rows, statements.select_all)
            return Response(encoder.results(rows), media_type=JSON)
        query = parse_list_query(spec, request.query_params)
        scope: Scope = await runtime.scope(request)
        items = ordering_items(query.ordering, table)
        signature = _signature(items)
        selected = _selected_columns(layout.columns, items)
        bound = query_values(query, search_pattern)
        statement_for: StatementFor
        if shapes is not None:
            shape = query_shape(query)

            def statement_for(kind: str, build: Callable[[Select[Any]], Select[Any]]) -> Any:
                return shapes.get(
                    (kind, signature, shape),
                    lambda: build(_apply_built_ins(runtime, select(*selected), query)),
                )

        else:
            base = select(*selected)
            if scope.where is not None:
                base = base.where(scope.where)
            base = await _apply_backends(runtime, request, base, query)

            def statement_for(kind: str, build: Callable[[Select[Any]], Select[Any]]) -> Any:
                return build(base)

        if cursor_style:
            order = [column.name for column in selected]
            positions = [order.index(column.name) for column, _ in items]
            return await _cursor_page(
                runtime, statement_for, query, items, signature, positions, bound
            )
        clauses = order_clauses(items)
        if query.ordering is None and scope.order_by:
            clauses = [*scope.order_by, *([] if scope.orders_by_id else clauses[-1:])]
        if pagination is None:
            ordered = statement_for("all", lambda base: base.order_by(*clauses))
            rows = await db.read(ops.fetch_rows, ordered, bound)
            return Response(encoder.results(rows), media_type=JSON)
        size = query.page_size or pagination.page_size
        page_rows = statement_for(
            "page",
            lambda base: (
                base.order_by(*clauses).limit(limit_parameter()).offset(offset_parameter())
            ),
        )
        counted = statement_for(
            "count", lambda base: count_statement(base, table, single_table=single_table)
        )
        window = {**bound, LIMIT: size, OFFSET: (query.page - 1) * size}
        rows, count = await db.read(ops.fetch_page, page_rows, counted, window)
        pages = math.ceil(count / size)
        previous = min(query.page - 1, pages) if query.page > 1 and pages else None
        body = {
            "count": count,
            "pages": pages,
            "next": _page_link(request, query.page + 1) if query.page < pages else None,
            "previous": _page_link(request, previous) if previous else None,
            "results": encoder.many(rows),
        }
        return Response(encode(body), media_type=JSON)

    return handle


async def _cursor_page(
    runtime: EndpointRuntime,
    statement_for: StatementFor,
    query: ListQuery,
    items: OrderItems,
    signature: str,
    positions: Sequence[int],
    bound: dict[str, Any],
) -> Response:
    """R8.8: read ``size + 1`` rows past (or before) the boundary to learn if more exist."""
    pagination = runtime.spec.pagination
    assert pagination is not None
    size = query.page_size or pagination.page_size
    fields = [runtime.spec.field(str(column.name)) for column, _ in items[:-1]]
    boundary: Boundary | None = None
    if query.cursor is not None:
        boundary = runtime.cursors.decode(query.cursor, signature, fields)
    forward = boundary is None or boundary.forward
    directed = items if forward else tuple((column, not desc) for column, desc in items)

    def build(base: Select[Any]) -> Select[Any]:
        if boundary is not None:
            keys = keyset_parameters(len(items))
            base = base.where(keyset_condition(items, keys, forward=forward))
        return base.order_by(*order_clauses(directed)).limit(limit_parameter())

    kind = "first" if boundary is None else "after" if forward else "before"
    values = {**bound, LIMIT: size + 1, **(keyset_values(boundary.values) if boundary else {})}
    rows: Sequence[Any] = await runtime.db.read(ops.fetch_rows, statement_for(kind, build), values)
    more = len(rows) > size
    rows = list(rows[:size])
    if not forward:
        rows.reverse()

    def token(row: Any, ahead: bool) -> str:
        return runtime.cursors.encode(signature, [row[index] for index in positions], ahead)

    if forward:
        has_next, has_previous = more, boundary is not None
    else:
        has_next, has_previous = True, more
    body = {
        "next": token(rows[-1], True) if has_next and rows else None,
        "previous": token(rows[0], False) if has_previous and rows else None,
        "results": runtime.read.many(rows),
    }
    return Response(encode(body), media_type=JSON)
