"""Authentication backends and permission classes (SPEC §10).

The permission classes are complete here: their decisions are pure functions of the request's
user (R10.6). The JWT and Basic backends are declared with their 0.x constructors so that
endpoints can name them and the compiler can check them; verifying tokens and credentials is
their runtime part.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

__all__ = [
    "AllowAny",
    "BaseAuthentication",
    "BasePermission",
    "BasicAuthentication",
    "IsAdminUser",
    "IsAuthenticated",
    "JWTAuthentication",
    "constant_time_equals",
]


class BaseAuthentication:
    """A backend turns a request into a user (any truthy value) or ``None``."""

    def authenticate(self, request: Any) -> Any:
        return None

    def authenticate_header(self, request: Any) -> str | None:
        """The ``WWW-Authenticate`` value of a 401 answer; None sends no header (R10.5)."""
        return None


class JWTAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` verified with the app's single HMAC algorithm."""

    def __init__(
        self, algorithm: str | None = None, expiration: int | None = None, rate_limiter: Any = None
    ) -> None:
        self.algorithm = algorithm
        self.expiration = expiration
        self.rate_limiter = rate_limiter

    def authenticate_header(self, request: Any) -> str | None:
        return "Bearer"


class BasicAuthentication(BaseAuthentication):
    """``Authorization: Basic <base64(user:password)>`` checked by the app's login_validator."""

    def __init__(self, rate_limiter: Any = None, login_validator: Any = None) -> None:
        self.rate_limiter = rate_limiter
        self.login_validator = login_validator

    def authenticate_header(self, request: Any) -> str | None:
        return 'Basic realm="LightAPI", charset="UTF-8"'


class BasePermission:
    """A permission says whether the request may proceed; denies unless overridden."""

    def has_permission(self, request: Any) -> bool:
        return False


class AllowAny(BasePermission):
    def has_permission(self, request: Any) -> bool:
        return True


def _user(request: Any) -> Any:
    return getattr(getattr(request, "state", None), "user", None)


class IsAuthenticated(BasePermission):
    def has_permission(self, request: Any) -> bool:
        return _user(request) is not None


class IsAdminUser(BasePermission):
    """Admins are users whose mapping has ``is_admin`` exactly ``True`` (not ``"true"``)."""

    def has_permission(self, request: Any) -> bool:
        user = _user(request)
        return isinstance(user, Mapping) and user.get("is_admin") is True


def constant_time_equals(a: str, b: str) -> bool:
    """Compare two strings in time independent of where they differ (R10.14)."""
    return hmac.compare_digest(a.encode(), b.encode())
