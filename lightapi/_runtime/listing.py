"""The list query string, parsed and validated into a ``ListQuery`` (§7, §8).

Every parameter is untrusted: values are coerced by the field's type (R7.3), operators checked
against the IR's per-field list (R7.5), ordering names against the whitelist (R7.8) and page
parameters against their ranges (R8.2, R8.3, R23.5). Anything else is a 422 at
``["query", <param>]``; nothing here reaches SQL except as a bound value.
"""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import QueryParams

from lightapi._runtime.errors import query_problem, validation_problem
from lightapi.spec.filtering import RESERVED_PARAMETERS
from lightapi.spec.model import ColumnType, EndpointSpec, FieldSpec, RefKind

MAX_SEARCH_LENGTH: Final = 256
MAX_IN_ITEMS: Final = 100
MAX_PAGE: Final = 10**9
_INTEGER: Final = re.compile(r"[+-]?[0-9]{1,30}")
_FLOAT: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE: Final = frozenset({"true", "1", "yes", "on"})
_FALSE: Final = frozenset({"false", "0", "no", "off"})
_DATETIME: Final = TypeAdapter(datetime.datetime)
UTC: Final = datetime.timezone.utc


@dataclass(frozen=True, slots=True)
class FilterTerm:
    field: str
    operator: str  # exact, ne, in, gt, gte, lt, lte, isnull
    value: Any


@dataclass(frozen=True, slots=True)
class OrderItem:
    field: str
    descending: bool


@dataclass(frozen=True, slots=True)
class ListQuery:
    filters: tuple[FilterTerm, ...] = ()
    search: str | None = None
    ordering: tuple[OrderItem, ...] | None = None  # None: not asked for (or no OrderingFilter)
    page: int = 1
    page_size: int | None = None
    cursor: str | None = None


class CoercionError(ValueError):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _integer(raw: str) -> int:
    if not _INTEGER.fullmatch(raw):
        raise CoercionError(
            "int_parsing", "Input should be a valid integer, unable to parse string as an integer"
        )
    return int(raw)


def _float(raw: str) -> float:
    if not _FLOAT.fullmatch(raw):
        raise CoercionError("float_parsing", "Input should be a valid number")
    value = float(raw)
    if value in (float("inf"), float("-inf")):
        raise CoercionError("finite_number", "Input should be a finite number")
    return value


def _decimal(raw: str) -> decimal.Decimal:
    if not _DECIMAL.fullmatch(raw) or len(raw) > 100:
        raise CoercionError("decimal_parsing", "Input should be a valid decimal")
    return decimal.Decimal(raw)


def boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise CoercionError("bool_parsing", "Input should be a valid boolean")


def _datetime(raw: str) -> datetime.datetime:
    if not _ISO_DATE.match(raw):
        raise CoercionError("datetime_parsing", "Input should be a valid ISO 8601 datetime")
    try:
        value = _DATETIME.validate_strings(raw)
    except ValidationError:
        raise CoercionError(
            "datetime_parsing", "Input should be a valid ISO 8601 datetime"
        ) from None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # an offset past year 1 or 9999
        raise CoercionError("value_error", "datetime out of range in UTC") from None


def _date(raw: str) -> datetime.date:
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise CoercionError("date_parsing", "Input should be a valid date (YYYY-MM-DD)") from None


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise CoercionError("uuid_parsing", "Input should be a valid UUID") from None


COERCE: Final[dict[ColumnType, Callable[[str], Any]]] = {
    ColumnType.STRING: str,
    ColumnType.INTEGER: _integer,
    ColumnType.FLOAT: _float,
    ColumnType.DECIMAL: _decimal,
    ColumnType.BOOLEAN: boolean,
    ColumnType.DATETIME: _datetime,
    ColumnType.DATE: _date,
    ColumnType.UUID: _uuid,
    ColumnType.TIME: str,
    ColumnType.JSON: str,
}


def coerce(field: FieldSpec, raw: str) -> Any:
    """R7.3: a query string value as the field's type; CoercionError when it is not one."""
    return COERCE[field.column_type](raw)


def _filter_term(spec: EndpointSpec, field: FieldSpec, operator: str, key: str, raw: str) -> Any:
    assert spec.filtering is not None
    allowed = spec.filtering.operators[field.name]
    if operator not in allowed:
        raise query_problem(
            key,
            f"operator '{operator}' is not allowed on '{field.name}'; "
            f"allowed: {', '.join(allowed)}",
            raw,
        )
    try:
        if operator == "isnull":
            return boolean(raw)
        if operator == "in":
            items = raw.split(",")
            if raw == "" or len(items) > MAX_IN_ITEMS:
                raise CoercionError(
                    "value_error", f"expected 1 to {MAX_IN_ITEMS} comma-separated values"
                )
            return tuple(coerce(field, item) for item in items)
        return coerce(field, raw)
    except CoercionError as error:
        raise query_problem(key, str(error), raw, error.kind) from None


def _filters(spec: EndpointSpec, params: QueryParams) -> tuple[FilterTerm, ...]:
    """Whitelisted ``field`` and ``field__op`` parameters; others are ignored (R7.2)."""
    filtering = spec.filtering
    if filtering is None or not filtering.fields:
        return ()
    if not any(backend.kind is RefKind.FIELD_FILTER for backend in filtering.backends):
        return ()
    fields = {name: spec.field(name) for name in filtering.fields}
    terms = []
    for key in dict.fromkeys(params.keys()):
        if key in RESERVED_PARAMETERS:
            continue
        name, separator, operator = key.partition("__")
        field = fields.get(name)
        if field is None:
            continue
        operator = operator if separator else "exact"
        value = _filter_term(spec, field, operator, key, params[key])
        terms.append(FilterTerm(field.name, operator, value))
    return tuple(terms)


def _search(spec: EndpointSpec, params: QueryParams) -> str | None:
    filtering = spec.filtering
    if filtering is None or not filtering.search or "search" not in params:
        return None
    if not any(backend.kind is RefKind.SEARCH_FILTER for backend in filtering.backends):
        return None
    term = params["search"]
    if len(term) > MAX_SEARCH_LENGTH:
        raise query_problem(
            "search",
            f"String should have at most {MAX_SEARCH_LENGTH} characters",
            term,
            "string_too_long",
        )
    if "\x00" in term:
        # R7.7 promises a literal match: SQLite's LIKE stops reading the pattern at a NUL (so
        # "%\x00%" matched every row) and PostgreSQL text cannot hold one at all.
        raise query_problem("search", "the search term cannot contain NUL characters", term)
    return term or None


def parse_ordering(spec: EndpointSpec, raw: str) -> tuple[OrderItem, ...]:
    """R7.8: ``a,-b``; items trimmed, empty ones skipped, later duplicates ignored."""
    assert spec.filtering is not None
    allowed = spec.filtering.ordering
    items: dict[str, OrderItem] = {}
    for part in raw.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.removeprefix("-").strip()
        if not name:
            continue
        if name not in allowed:
            raise query_problem(
                "ordering", f"cannot order by '{name}'; allowed: {', '.join(allowed)}", raw
            )
        items.setdefault(name, OrderItem(name, descending))
    return tuple(items.values())


def _ordering(spec: EndpointSpec, params: QueryParams) -> tuple[OrderItem, ...] | None:
    filtering = spec.filtering
    if filtering is None or "ordering" not in params:
        return None
    if not any(backend.kind is RefKind.ORDERING_FILTER for backend in filtering.backends):
        return None
    return parse_ordering(spec, params["ordering"])


def _bounded_integer(params: QueryParams, name: str, low: int, high: int) -> int | None:
    if name not in params:
        return None
    raw = params[name]
    try:
        value = _integer(raw)
    except CoercionError as error:
        raise query_problem(name, str(error), raw, error.kind) from None
    if value < low:
        raise validation_problem(
            [
                {
                    "type": "greater_than_equal",
                    "loc": ["query", name],
                    "msg": f"Input should be greater than or equal to {low}",
                    "input": raw,
                    "ctx": {"ge": low},
                }
            ]
        )
    if value > high:
        raise validation_problem(
            [
                {
                    "type": "less_than_equal",
                    "loc": ["query", name],
                    "msg": f"Input should be less than or equal to {high}",
                    "input": raw,
                    "ctx": {"le": high},
                }
            ]
        )
    return value


def parse_list_query(spec: EndpointSpec, params: QueryParams) -> ListQuery:
    """Validate every list parameter of ``spec``'s LIST; raise Problem(422) on the first bad one."""
    pagination = spec.pagination
    page, page_size, cursor = 1, None, None
    if pagination is not None:
        page_size = _bounded_integer(params, "page_size", 1, pagination.max_page_size)
        if pagination.style == "cursor":
            cursor = params.get("cursor")
        else:
            page = _bounded_integer(params, "page", 1, MAX_PAGE) or 1
    return ListQuery(
        filters=_filters(spec, params),
        search=_search(spec, params),
        ordering=_ordering(spec, params),
        page=page,
        page_size=page_size,
        cursor=cursor,
    )
