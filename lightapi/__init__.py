"""LightAPI: one annotated class is at once a SQLAlchemy table, a Pydantic schema and a REST
endpoint.

Names are resolved on first use (PEP 562), so ``import lightapi`` stays cheap and loads neither
Starlette, uvicorn, Redis, msgspec nor apispec until something that needs them is touched (R1.1).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from lightapi._version import __version__ as __version__

if TYPE_CHECKING:
    from lightapi.app import LightApi
    from lightapi.authentication import (
        AllowAny,
        BaseAuthentication,
        BasePermission,
        BasicAuthentication,
        IsAdminUser,
        IsAuthenticated,
        JWTAuthentication,
    )
    from lightapi.cache import RedisCache
    from lightapi.config import Authentication, Cache, Filtering, Pagination, Serializer
    from lightapi.core import AuthenticationMiddleware, CORSMiddleware, Middleware, Response
    from lightapi.exceptions import (
        ConfigurationError,
        LightApiWarning,
        SerializationError,
        SpecError,
    )
    from lightapi.fields import Field
    from lightapi.filters import BaseFilter, FieldFilter, OrderingFilter, SearchFilter
    from lightapi.methods import HttpMethod
    from lightapi.rate_limiter import RateLimiter
    from lightapi.rest import RestEndpoint
    from lightapi.schema import SchemaFactory
    from lightapi.session import get_async_session, get_sync_session
    from lightapi.spec import collect_diagnostics, diagnose, inspect

_HOMES = {
    "LightApi": "lightapi.app",
    "RestEndpoint": "lightapi.rest",
    "Field": "lightapi.fields",
    "HttpMethod": "lightapi.methods",
    "Authentication": "lightapi.config",
    "Filtering": "lightapi.config",
    "Pagination": "lightapi.config",
    "Serializer": "lightapi.config",
    "Cache": "lightapi.config",
    "SchemaFactory": "lightapi.schema",
    "Middleware": "lightapi.core",
    "CORSMiddleware": "lightapi.core",
    "AuthenticationMiddleware": "lightapi.core",
    "Response": "lightapi.core",
    "RedisCache": "lightapi.cache",
    "BaseAuthentication": "lightapi.authentication",
    "BasicAuthentication": "lightapi.authentication",
    "JWTAuthentication": "lightapi.authentication",
    "BasePermission": "lightapi.authentication",
    "AllowAny": "lightapi.authentication",
    "IsAuthenticated": "lightapi.authentication",
    "IsAdminUser": "lightapi.authentication",
    "RateLimiter": "lightapi.rate_limiter",
    "BaseFilter": "lightapi.filters",
    "FieldFilter": "lightapi.filters",
    "SearchFilter": "lightapi.filters",
    "OrderingFilter": "lightapi.filters",
    "ConfigurationError": "lightapi.exceptions",
    "SpecError": "lightapi.exceptions",
    "SerializationError": "lightapi.exceptions",
    "LightApiWarning": "lightapi.exceptions",
    "get_sync_session": "lightapi.session",
    "get_async_session": "lightapi.session",
    "inspect": "lightapi.spec",
    "diagnose": "lightapi.spec",
    "collect_diagnostics": "lightapi.spec",
}

__all__ = [
    "AllowAny",
    "Authentication",
    "AuthenticationMiddleware",
    "BaseAuthentication",
    "BaseFilter",
    "BasePermission",
    "BasicAuthentication",
    "CORSMiddleware",
    "Cache",
    "ConfigurationError",
    "Field",
    "FieldFilter",
    "Filtering",
    "HttpMethod",
    "IsAdminUser",
    "IsAuthenticated",
    "JWTAuthentication",
    "LightApi",
    "LightApiWarning",
    "Middleware",
    "OrderingFilter",
    "Pagination",
    "RateLimiter",
    "RedisCache",
    "Response",
    "RestEndpoint",
    "SchemaFactory",
    "SearchFilter",
    "SerializationError",
    "Serializer",
    "SpecError",
    "collect_diagnostics",
    "diagnose",
    "get_async_session",
    "get_sync_session",
    "inspect",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'lightapi' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])
