"""List statements built once per shape and reused with bound values (R21.1).

Every value a list request brings (filter values, the search pattern, page size and offset,
cursor keyset values) reaches SQL as a named bind parameter. What is left, the shape, is the
kind of page (a page-number page, a first cursor page, the page after or before a cursor), the
ordering and which filters are used with which operators. On endpoints without a queryset scope
or custom filter backends (whose SQL may depend on anything in the request) the statement of a
shape is built on first use and kept, so that a request binds values instead of building and
hashing a new Select.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import BigInteger, BindParameter, Select, bindparam

if TYPE_CHECKING:
    from lightapi._runtime.listing import ListQuery

LIMIT: Final = "lightapi_limit"
OFFSET: Final = "lightapi_offset"
SEARCH: Final = "lightapi_search"
MAX_SHAPES: Final = 256  # names and operators are whitelisted, but their combinations are many

# The page kind, the ordering signature ("-views,title,id") and the filters' shape.
ShapeKey = tuple[str, str, tuple[Any, ...]]


def filter_parameter(index: int) -> str:
    return f"lightapi_filter_{index}"


def query_shape(query: ListQuery) -> tuple[Any, ...]:
    """What of the filters and search changes the SQL: each filter's field and operator (and
    the value of ``isnull``, written as IS NULL or IS NOT NULL), and whether there is a search."""
    terms = tuple(
        (term.field, term.operator, term.value if term.operator == "isnull" else None)
        for term in query.filters
    )
    return (terms, query.search is not None)


def query_values(query: ListQuery, pattern: Callable[[str], str]) -> dict[str, Any]:
    """The bound values of the filters and of the search ``pattern``."""
    values = {
        filter_parameter(index): term.value
        for index, term in enumerate(query.filters)
        if term.operator != "isnull"
    }
    if query.search is not None:
        values[SEARCH] = pattern(query.search)
    return values


# BIGINT: asyncpg casts parameters to their type, and an offset of page 10^9 (R8.5) passes int4.
def limit_parameter() -> BindParameter[int]:
    return bindparam(LIMIT, type_=BigInteger)


def offset_parameter() -> BindParameter[int]:
    return bindparam(OFFSET, type_=BigInteger)


def keyset_parameters(count: int) -> list[BindParameter[Any]]:
    """One parameter per keyset column; each takes its column's type where it is compared."""
    return [bindparam(f"lightapi_keyset_{index}") for index in range(count)]


def keyset_values(values: Sequence[Any]) -> dict[str, Any]:
    return {f"lightapi_keyset_{index}": value for index, value in enumerate(values)}


class Shapes:
    """The reusable statements of one endpoint, by (page kind, ordering)."""

    def __init__(self) -> None:
        self._statements: dict[ShapeKey, Select[Any]] = {}

    def get(self, key: ShapeKey, build: Callable[[], Select[Any]]) -> Select[Any]:
        found = self._statements.get(key)
        if found is None:
            found = build()
            if len(self._statements) < MAX_SHAPES:
                self._statements[key] = found
        return found
