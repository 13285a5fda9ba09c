"""Recognising what the user passed: classes and instances become ``ObjectRef``s of a kind.

Kinds are decided by ``issubclass``/``isinstance`` against LightAPI's own classes, never by name
(R10.1); the compiler then reasons on kinds only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lightapi.authentication import (
    AllowAny,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
)
from lightapi.filters import BaseFilter, FieldFilter, OrderingFilter, SearchFilter
from lightapi.rate_limiter import RateLimiter
from lightapi.spec.model import ObjectRef, RefKind


def _class_of(value: Any) -> type | None:
    if isinstance(value, type):
        return value
    return type(value)


def _name(value: Any) -> str:
    kind = value if isinstance(value, type) else type(value)
    return kind.__name__


def _first_kind(value: Any, table: tuple[tuple[type, RefKind], ...], fallback: RefKind) -> RefKind:
    klass = _class_of(value)
    for base, kind in table:
        if klass is not None and issubclass(klass, base):
            return kind
    return fallback


_BACKENDS = (
    (JWTAuthentication, RefKind.JWT_BACKEND),
    (BasicAuthentication, RefKind.BASIC_BACKEND),
    (BaseAuthentication, RefKind.CUSTOM_BACKEND),
)
_PERMISSIONS = (
    (AllowAny, RefKind.ALLOW_ANY),
    (IsAdminUser, RefKind.IS_ADMIN_USER),
    (IsAuthenticated, RefKind.IS_AUTHENTICATED),
    (BasePermission, RefKind.CUSTOM_PERMISSION),
)
_FILTERS = (
    (FieldFilter, RefKind.FIELD_FILTER),
    (SearchFilter, RefKind.SEARCH_FILTER),
    (OrderingFilter, RefKind.ORDERING_FILTER),
    (BaseFilter, RefKind.CUSTOM_FILTER),
)


def backend_ref(value: Any) -> ObjectRef | None:
    if value is None:
        return None
    return ObjectRef(
        kind=_first_kind(value, _BACKENDS, RefKind.INVALID), name=_name(value), value=value
    )


def permission_ref(value: Any) -> ObjectRef:
    return ObjectRef(
        kind=_first_kind(value, _PERMISSIONS, RefKind.INVALID), name=_name(value), value=value
    )


def permission_refs(value: Any) -> ObjectRef | Mapping[Any, ObjectRef] | None:
    """One permission, or a verb map of them, as written."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {key: permission_ref(item) for key, item in value.items()}
    return permission_ref(value)


def filter_ref(value: Any) -> ObjectRef:
    """Filter backends are classes (R7.1); an instance of one is not."""
    kind = (
        _first_kind(value, _FILTERS, RefKind.INVALID)
        if isinstance(value, type)
        else (RefKind.INVALID)
    )
    return ObjectRef(kind=kind, name=_name(value), value=value)


def rate_limiter_ref(value: Any) -> ObjectRef | None:
    if value is None:
        return None
    if isinstance(value, RateLimiter):
        return ObjectRef(kind=RefKind.RATE_LIMITER, name="RateLimiter", value=value)
    if isinstance(value, Mapping):
        return ObjectRef(kind=RefKind.LIMITS, name="dict", value=dict(value))
    return ObjectRef(kind=RefKind.INVALID, name=_name(value), value=value)
