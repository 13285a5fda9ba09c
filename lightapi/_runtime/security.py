"""An app's authentication runtime, built once from its AppSpec (§10).

Backends and permissions are instantiated once per app (R10.1): JWT backends are bound to the
app's signing settings, Basic backends to its login validator. One limiter per app counts login
attempts and failed Basic checks; an endpoint's own ``Authentication(rate_limiter=...)`` replaces
it for that endpoint's Basic checks (R10.16).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lightapi._runtime.auth import Guard, guard_for, instance_of
from lightapi._runtime.login import LoginSettings
from lightapi._runtime.ratelimit import Limiter, Limits, MemoryStore, RedisStore, Store
from lightapi.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    JWTAuthentication,
    JwtSettings,
    Validator,
)
from lightapi.spec.login import limits_of
from lightapi.spec.model import AppSpec, EndpointSpec, ObjectRef


@dataclass(frozen=True, slots=True)
class Security:
    guards: Mapping[str, Guard]  # by endpoint name; endpoints without authentication absent
    login: LoginSettings | None


def _limits(ref: ObjectRef | None) -> Limits:
    values = limits_of(ref)
    return Limits(
        values["requests_per_minute"], values["requests_per_hour"], values["requests_per_day"]
    )


def _backend(ref: ObjectRef, jwt: JwtSettings | None, validator: Validator | None) -> Any:
    backend = instance_of(ref)
    if ref.value is not None and not isinstance(ref.value, type):
        backend = copy.copy(backend)  # an instance shared by several apps is bound per app
    if isinstance(backend, JWTAuthentication) and jwt is not None:
        backend.bind(jwt)
    if isinstance(backend, BasicAuthentication):
        backend.bind(validator)
    return backend


def build_security(
    spec: AppSpec,
    secret: str | None,
    validator: Validator | None,
    max_body_size: int | None,
    cache_prefix: str,
) -> Security:
    settings = spec.jwt
    jwt = None
    if settings.used and secret:
        jwt = JwtSettings(
            secret=secret,
            algorithm=settings.algorithm,
            expiration=settings.expiration,
            issuer=settings.issuer,
            audience=settings.audience,
            require_exp=settings.require_exp,
        )
    store: Store = MemoryStore()
    if spec.rate_limit.shared and spec.cache.redis_url:
        store = RedisStore(spec.cache.redis_url, cache_prefix)
    limits = spec.rate_limit
    app_limiter = None
    if limits.enabled:
        app_limiter = Limiter(
            Limits(limits.requests_per_minute, limits.requests_per_hour, limits.requests_per_day),
            store,
            limits.trusted_proxies,
        )
    guards = {
        endpoint.name: _guard(endpoint, jwt, validator, app_limiter, store)
        for endpoint in spec.endpoints
        if endpoint.auth is not None
    }
    login = None
    if spec.login_routes:
        signer = None
        if jwt is not None:
            signer = JWTAuthentication()
            signer.bind(jwt)
        login = LoginSettings(
            validator=validator,
            limiter=app_limiter,
            signer=signer,
            extra_claims=settings.extra_claims,
            max_body_size=max_body_size,
        )
    return Security(guards=guards, login=login)


def _guard(
    endpoint: EndpointSpec,
    jwt: JwtSettings | None,
    validator: Validator | None,
    app_limiter: Limiter | None,
    store: Store,
) -> Guard:
    auth = endpoint.auth
    assert auth is not None
    backend: BaseAuthentication | None = None
    if auth.backend is not None:
        backend = _backend(auth.backend, jwt, validator)
    limiter = app_limiter
    if auth.rate_limiter is not None:
        limiter = Limiter(_limits(auth.rate_limiter), store)
    return guard_for(auth, backend, limiter)
