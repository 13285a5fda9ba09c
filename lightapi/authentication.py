"""Authentication backends and permission classes (SPEC §10).

Permissions decide from the request's user alone (R10.6). The JWT and Basic backends are bound
to their app's settings when the app is built (R10.1); unbound, they fall back to
``lightapi.config.config`` and the environment (R1.6). Backends keep no per-request state: what
a 401 needs to know about the attempt is kept on ``request.state``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import inspect
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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

logger = logging.getLogger("lightapi")
REJECTED_TOKEN = "lightapi_rejected_token"


class BaseAuthentication:
    """A backend turns a request into a user (any truthy value) or ``None``."""

    def authenticate(self, request: Any) -> Any:
        return None

    def authenticate_header(self, request: Any) -> str | None:
        """The ``WWW-Authenticate`` value of a 401 answer; None sends no header (R10.5)."""
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class JwtSettings:
    """What an app signs and verifies tokens with (R10.7-R10.9); never printed."""

    secret: str = field(repr=False)
    algorithm: str = "HS256"
    expiration: int = 3600
    issuer: str | None = None
    audience: str | None = None
    require_exp: bool = False


def _unbound_settings(expiration: int | None) -> JwtSettings:
    """R1.6: a backend not bound to an app signs with ``config`` and the environment."""
    from lightapi.config import config
    from lightapi.exceptions import ConfigurationError

    secret = config.jwt_secret or os.environ.get("LIGHTAPI_JWT_SECRET")
    if not secret:
        raise ConfigurationError("no JWT secret: set LIGHTAPI_JWT_SECRET or config.jwt_secret")
    algorithm = config.jwt_algorithm
    if algorithm == "HS256":
        algorithm = os.environ.get("LIGHTAPI_JWT_ALGORITHM", "HS256")
    return JwtSettings(
        secret=secret, algorithm=algorithm, expiration=expiration or config.jwt_expiration
    )


class JWTAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` verified with the app's single HMAC algorithm."""

    def __init__(
        self, algorithm: str | None = None, expiration: int | None = None, rate_limiter: Any = None
    ) -> None:
        self.algorithm = algorithm
        self.expiration = expiration
        self.rate_limiter = rate_limiter
        self._settings: JwtSettings | None = None

    def bind(self, settings: JwtSettings) -> None:
        """Called once by the app that serves this backend (R10.1)."""
        self._settings = settings

    @property
    def settings(self) -> JwtSettings:
        return self._settings or _unbound_settings(self.expiration)

    def authenticate(self, request: Any) -> Any:
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        import jwt

        try:
            payload = self.decode(token.strip())
        except jwt.PyJWTError:
            setattr(request.state, REJECTED_TOKEN, True)
            return None
        return payload

    def decode(self, token: str) -> dict[str, Any]:
        """Verify ``token`` with exactly the app's algorithm: ``alg: none`` and algorithm
        confusion fail (R10.7)."""
        import jwt

        settings = self.settings
        required = ["exp"] if settings.require_exp else []
        required += [
            name for name, value in (("iss", settings.issuer), ("aud", settings.audience)) if value
        ]
        payload = jwt.decode(
            token,
            settings.secret,
            algorithms=[settings.algorithm],
            issuer=settings.issuer,
            audience=settings.audience,
            options={"require": required, "verify_aud": settings.audience is not None},
        )
        if not isinstance(payload, dict):
            raise jwt.InvalidTokenError("payload is not an object")
        return payload

    def authenticate_header(self, request: Any) -> str | None:
        if getattr(request.state, REJECTED_TOKEN, False):
            return 'Bearer error="invalid_token"'
        return "Bearer"

    def generate_token(self, payload: Mapping[str, Any], expiration: int | None = None) -> str:
        """A token of ``payload`` plus ``iat`` and ``exp`` (and ``iss``/``aud`` when set)."""
        import jwt

        settings = self.settings
        now = int(time.time())
        claims = dict(payload)
        claims.update(iat=now, exp=now + (expiration or settings.expiration))
        if settings.issuer:
            claims["iss"] = settings.issuer
        if settings.audience:
            claims["aud"] = settings.audience
        return jwt.encode(claims, settings.secret, algorithm=settings.algorithm)


Validator = Callable[[str, str], Any]


def parse_basic(header: str) -> tuple[str, str] | None:
    """R10.10, R23.8: ``Basic <padded base64 of user:password>`` in UTF-8; None if malformed."""
    scheme, _, encoded = header.strip().partition(" ")
    token = encoded.strip()
    if scheme.lower() != "basic" or not token:
        return None
    try:
        raw = base64.b64decode(token, validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if base64.b64encode(raw).decode("ascii") != token:
        return None  # b64decode lets excess padding ("...LXB3=") and stray bits through
    username, separator, password = decoded.partition(":")
    return (username, password) if separator else None


async def call_validator(validator: Validator, username: str, password: str) -> Any:
    """Run a login validator, sync in a worker thread or async on the loop (R13.3); an
    exception is logged (without the credentials) and counts as a failure (R10.10)."""
    from starlette.concurrency import run_in_threadpool

    try:
        if inspect.iscoroutinefunction(validator):
            return await validator(username, password)
        result = await run_in_threadpool(validator, username, password)
        return await result if inspect.isawaitable(result) else result
    except Exception as error:
        logger.warning("login_validator raised %s", type(error).__name__)
        return None


class BasicAuthentication(BaseAuthentication):
    """``Authorization: Basic <base64(user:password)>`` checked by a login validator."""

    def __init__(self, rate_limiter: Any = None, login_validator: Any = None) -> None:
        self.rate_limiter = rate_limiter
        self.login_validator = login_validator
        self._app_validator: Validator | None = None

    def bind(self, login_validator: Validator | None) -> None:
        """Called once by the app: its validator, unless this backend has its own."""
        self._app_validator = login_validator

    async def authenticate(self, request: Any) -> Any:
        header = request.headers.get("authorization")
        credentials = None if header is None else parse_basic(header)
        if credentials is None:
            return None
        result = self.validate_credentials(*credentials)
        return await result if inspect.isawaitable(result) else result

    async def validate_credentials(self, username: str, password: str) -> Any:
        """The validator's result for these credentials; None (a failure) without one."""
        validator = self.login_validator or self._app_validator
        if validator is None:
            return None
        return await call_validator(validator, username, password)

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
