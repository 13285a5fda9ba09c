"""The per-request authentication and permission decision (R10.4), compiled per endpoint.

| verb's permission   | backend runs                       | no user      | permission false |
|---------------------|------------------------------------|--------------|------------------|
| AllowAny (or sub)   | only with an Authorization header  | proceed      | (always true)    |
| anything else       | always                             | 401          | 403              |

Basic credential checks are rate limited: a client at or over a limit gets 429 before its
credentials are checked, and each failed check counts (R10.15). HEAD uses GET's permission;
OPTIONS is never checked (R10.3).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from lightapi._runtime.errors import Problem
from lightapi._runtime.ratelimit import Limiter
from lightapi.authentication import (
    AllowAny,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    IsAuthenticated,
    JWTAuthentication,
)
from lightapi.spec.model import AuthSpec, ObjectRef, RefKind

AUTHENTICATION_REQUIRED: Final = "Authentication required"
INSUFFICIENT_PERMISSIONS: Final = "Insufficient permissions"
_BUILT_IN: Final = {RefKind.ALLOW_ANY: AllowAny, RefKind.IS_AUTHENTICATED: IsAuthenticated}


def instance_of(ref: ObjectRef) -> Any:
    """A permission or backend object: the given instance, or one made with no arguments."""
    value = ref.value if ref.value is not None else _BUILT_IN[ref.kind]
    return value() if isinstance(value, type) else value


async def _outcome(function: Any, *arguments: Any, inline: bool) -> Any:
    """Call user code: async on the loop; sync in a worker thread unless it is our own and
    cheap (``inline``) (R13.3)."""
    if inspect.iscoroutinefunction(function):
        return await function(*arguments)
    result = function(*arguments) if inline else await run_in_threadpool(function, *arguments)
    return await result if inspect.isawaitable(result) else result


class Guard:
    """Authentication and permissions of one endpoint."""

    def __init__(
        self,
        backend: BaseAuthentication | None,
        permissions: Mapping[str, BasePermission],
        limiter: Limiter | None,
    ) -> None:
        self.backend = backend
        self.permissions = dict(permissions)
        if "GET" in self.permissions:
            self.permissions["HEAD"] = self.permissions["GET"]
        self.limiter = limiter if isinstance(backend, BasicAuthentication) else None
        # Our JWT check is a quick HMAC: run it inline. User code runs in a worker thread.
        self._inline = (
            isinstance(backend, JWTAuthentication)
            and type(backend).authenticate is JWTAuthentication.authenticate
        )

    async def check(self, request: Request) -> None:
        request.state.user = None
        permission = self.permissions.get(request.method)
        if permission is None:
            return
        if isinstance(permission, AllowAny):
            if self.backend is not None and "authorization" in request.headers:
                request.state.user = await self._authenticate(request)
            return
        user = await self._authenticate(request) if self.backend is not None else None
        request.state.user = user
        if not user:
            header = self.backend.authenticate_header(request) if self.backend else None
            raise Problem(
                401, AUTHENTICATION_REQUIRED, {"WWW-Authenticate": header} if header else None
            )
        allowed = await _outcome(permission.has_permission, request, inline=True)
        if not allowed:
            raise Problem(403, INSUFFICIENT_PERMISSIONS)

    async def _authenticate(self, request: Request) -> Any:
        assert self.backend is not None
        if self.limiter is not None:
            await self.limiter.refuse_if_over(request)
        user = await _outcome(self.backend.authenticate, request, inline=self._inline)
        if not user and self.limiter is not None and "authorization" in request.headers:
            await self.limiter.count(request)
        return user or None


def guard_for(spec: AuthSpec, backend: BaseAuthentication | None, limiter: Limiter | None) -> Guard:
    permissions = {verb: instance_of(ref) for verb, ref in spec.permissions.items()}
    return Guard(backend, permissions, limiter)
