"""Rows -> JSON bytes with msgspec, without a pydantic round trip (R21.2).

A projection (R2.17) becomes a msgspec Struct type whose fields are the projected names in
output order; statements select exactly those columns first, so a row becomes a Struct with one
positional call. Decimals encode as strings, aware datetimes as RFC 3339 ending in ``Z``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from lightapi.exceptions import SerializationError

_encoder = msgspec.json.Encoder(decimal_format="string")
encode = _encoder.encode

Row = Sequence[Any]


class RowEncoder:
    """Encodes rows whose first ``len(names)`` columns are ``names``, in that order."""

    __slots__ = ("names", "struct", "width")

    def __init__(self, struct_name: str, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self.width = len(self.names)
        self.struct: Callable[..., msgspec.Struct] = msgspec.defstruct(
            struct_name, [(name, Any) for name in self.names]
        )

    def one(self, row: Row) -> bytes:
        return encode(self.struct(*row[: self.width]))

    def many(self, rows: Sequence[Row]) -> list[msgspec.Struct]:
        struct, width = self.struct, self.width
        return [struct(*row[:width]) for row in rows]

    def results(self, rows: Sequence[Row]) -> bytes:
        """The unpaginated list body ``{"results": [...]}`` (R5.4)."""
        return encode({"results": self.many(rows)})


def encode_value(value: Any) -> bytes:
    """Encode a value produced by user code; SerializationError when it is not JSON-able."""
    try:
        return encode(value)
    except (TypeError, msgspec.EncodeError) as error:
        raise SerializationError(str(error)) from error
