"""List statements whose shape is fixed, built once and reused with bound values (R21.1).

A list request without filters, search or a queryset scope reads the whole table in one of a
few orders: its SELECT depends only on the ordering and on the kind of page (a page-number
page, a first cursor page, the page after or before a cursor). Such statements are built on
first use with bind parameters for the page size, the offset and the keyset values, and kept
per endpoint, so that a request binds values instead of building and hashing a new Select.
Requests with filters build their statement as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from sqlalchemy import BindParameter, Integer, Select, bindparam

LIMIT: Final = "lightapi_limit"
OFFSET: Final = "lightapi_offset"
MAX_SHAPES: Final = 256  # orderings are whitelisted, but their combinations are many

ShapeKey = tuple[str, str]  # the page kind and the ordering signature ("-views,title,id")


def limit_parameter() -> BindParameter[int]:
    return bindparam(LIMIT, type_=Integer)


def offset_parameter() -> BindParameter[int]:
    return bindparam(OFFSET, type_=Integer)


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
