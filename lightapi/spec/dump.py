"""``to_dict``: a spec as JSON-ready data with a stable key order (R3.6)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import uuid
from collections.abc import Mapping
from typing import Any


def to_dict(spec: Any) -> Any:
    """Dataclasses become dicts in field order; classes and callables print as module.qualname."""
    if dataclasses.is_dataclass(spec) and not isinstance(spec, type):
        return {item.name: to_dict(getattr(spec, item.name)) for item in dataclasses.fields(spec)}
    if isinstance(spec, enum.Enum):
        return spec.value if isinstance(spec.value, str) else spec.name
    if isinstance(spec, Mapping):
        return {str(key): to_dict(value) for key, value in spec.items()}
    if isinstance(spec, frozenset):
        return sorted((to_dict(item) for item in spec), key=repr)
    if isinstance(spec, (tuple, list)):
        return [to_dict(item) for item in spec]
    if isinstance(spec, (datetime.date, datetime.time, decimal.Decimal, uuid.UUID)):
        return str(spec)
    if isinstance(spec, type) or callable(spec):
        return _qualified(spec)
    try:
        json.dumps(spec)
    except (TypeError, ValueError):
        if _default_repr(spec):  # "<... at 0x...>" differs on every run
            return f"{_qualified(type(spec))}()"
        return repr(spec)
    return spec


def _default_repr(value: Any) -> bool:
    repr_of_type: Any = type(value).__repr__
    return repr_of_type is object.__repr__


def _qualified(function: Any) -> str:
    """``module.qualname``; a method bound to a class (``date.today``) names the class's module."""
    owner = getattr(function, "__self__", None)
    module = getattr(function, "__module__", None)
    if module is None and isinstance(owner, type):
        module = owner.__module__
    name = getattr(function, "__qualname__", None) or type(function).__qualname__
    return f"{module or type(function).__module__}.{name}"
