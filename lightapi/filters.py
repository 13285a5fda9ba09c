"""Filter backends (§7). The three built-ins are markers the compiler recognises; their
behaviour is compiled into the list statement from the endpoint's whitelists. Custom backends
subclass ``BaseFilter`` and refine the statement themselves."""

from __future__ import annotations

from typing import Any

__all__ = ["BaseFilter", "FieldFilter", "OrderingFilter", "SearchFilter"]


class BaseFilter:
    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        """Return the (possibly narrowed) ``Select``; may be ``async def`` (R7.1)."""
        return queryset


class FieldFilter(BaseFilter):
    """``?field=value`` and ``?field__op=value`` on ``Filtering.fields`` (R7.3, R7.4)."""


class SearchFilter(BaseFilter):
    """``?search=term`` over ``Filtering.search`` (R7.7)."""


class OrderingFilter(BaseFilter):
    """``?ordering=a,-b`` over ``Filtering.ordering`` (R7.8)."""
