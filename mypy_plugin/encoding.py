"""Known values <-> JSON, so that what the plugin read from a class can live in mypy's cache.

mypy serialises ``TypeInfo.metadata`` with the class; storing each class's own declarations
there lets a subclass in another module be checked when that module comes from the cache
(incremental mode, R18.1). Values are literals (``mypy_plugin.values``): JSON scalars stay as
they are, everything else is a tagged object.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any, Final

from mypy_plugin.values import UNKNOWN

_TEXT_TYPES: Final[dict[str, tuple[type, Callable[[str], Any]]]] = {
    "decimal": (decimal.Decimal, decimal.Decimal),
    "datetime": (datetime.datetime, datetime.datetime.fromisoformat),
    "date": (datetime.date, datetime.date.fromisoformat),
    "uuid": (uuid.UUID, uuid.UUID),
}
_SEQUENCES: Final[dict[str, type]] = {"list": list, "tuple": tuple, "set": set}


def encode(value: Any) -> Any:
    if value is UNKNOWN:
        return {"$": "unknown"}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return {"$": "float", "v": repr(value)}  # JSON has no nan/inf
    if isinstance(value, (datetime.date, decimal.Decimal, uuid.UUID)):
        tag = _tag(value)
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        return {"$": tag, "v": text}
    if isinstance(value, (list, tuple, set)):
        return {"$": type(value).__name__, "v": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[encode(key), encode(item)] for key, item in value.items()]}
    return {"$": "unknown"}


def _tag(value: datetime.date | decimal.Decimal | uuid.UUID) -> str:
    # datetime before date: a datetime is a date too.
    return next(tag for tag, (kind, _) in _TEXT_TYPES.items() if isinstance(value, kind))


def decode(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    tag = data["$"]
    if tag == "unknown":
        return UNKNOWN
    if tag == "float":
        return float(data["v"])
    if tag in _TEXT_TYPES:
        return _TEXT_TYPES[tag][1](data["v"])
    if tag in _SEQUENCES:
        return _SEQUENCES[tag](decode(item) for item in data["v"])
    return {decode(key): decode(item) for key, item in data["v"]}
