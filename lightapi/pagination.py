"""Pagination option record and style names (R1.2)."""

from typing import Final

from lightapi.config import Pagination

__all__ = ["CURSOR", "PAGE_NUMBER", "Pagination"]

PAGE_NUMBER: Final = "page_number"
CURSOR: Final = "cursor"
