"""App-level authentication settings (phase B): JWT settings, login routes, the rate limiter.

JWT settings resolve in this order (R10.8, R10.9), the first that is set winning:

| setting    | LightApi(...)  | endpoints' Authentication         | fallback                   |
|------------|----------------|-----------------------------------|----------------------------|
| algorithm  | jwt_algorithm  | jwt_algorithm, all equal (LA407)  | config, env (LA406), HS256 |
| expiration | jwt_expiration | the first JWT endpoint's (LA408)  | 3600                       |
| secret     | jwt_secret     | -                                 | config, env; none: LA801   |
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lightapi.spec.authentication import JWT_ALGORITHMS
from lightapi.spec.declarations import AppDecl
from lightapi.spec.findings import Findings
from lightapi.spec.model import (
    EndpointSpec,
    JwtSettingsSpec,
    ObjectRef,
    RateLimitSpec,
    RefKind,
    RouteKind,
    RouteSpec,
)

DEFAULT_ALGORITHM: Final = "HS256"
DEFAULT_EXPIRATION: Final = 3600
MINIMUM_SECRET_BYTES: Final = 32
# R10.16: the app limiter's windows when none (or a partial dict) is given.
DEFAULT_LIMITS: Final = {
    "requests_per_minute": 1000,
    "requests_per_hour": 10000,
    "requests_per_day": 100000,
}
LOGIN_BACKENDS: Final = frozenset({RefKind.JWT_BACKEND, RefKind.BASIC_BACKEND})


def _backend_kind(spec: EndpointSpec) -> RefKind | None:
    if spec.auth is None or spec.auth.backend is None:
        return None
    return spec.auth.backend.kind


def jwt_endpoints(endpoints: Sequence[EndpointSpec]) -> list[EndpointSpec]:
    return [spec for spec in endpoints if _backend_kind(spec) is RefKind.JWT_BACKEND]


def serves_login(endpoints: Sequence[EndpointSpec]) -> bool:
    """R10.11: login routes exist when any endpoint authenticates with JWT or Basic."""
    return any(_backend_kind(spec) in LOGIN_BACKENDS for spec in endpoints)


def login_routes(decl: AppDecl, endpoints: Sequence[EndpointSpec]) -> tuple[RouteSpec, ...]:
    if not serves_login(endpoints):
        return ()
    base = decl.auth_path.rstrip("/")
    return (
        RouteSpec(path=f"{base}/login", endpoint=None, kind=RouteKind.LOGIN, methods=("POST",)),
        RouteSpec(path=f"{base}/token", endpoint=None, kind=RouteKind.TOKEN, methods=("POST",)),
    )


def _algorithm(decl: AppDecl, users: list[EndpointSpec], found: Findings) -> str:
    chosen = decl.jwt_algorithm
    if chosen is not None and chosen not in JWT_ALGORITHMS:
        found.add("LA406", "app.jwt_algorithm", decl.location, algorithm=chosen)
        chosen = None
    reference: tuple[str, str] | None = (chosen, "LightApi") if chosen else None
    for spec in users:
        assert spec.auth is not None
        algorithm = spec.auth.jwt_algorithm
        if algorithm is None or algorithm not in JWT_ALGORITHMS:
            continue
        if reference is None:
            reference = (algorithm, spec.name)
        elif algorithm != reference[0]:
            found.add(
                "LA407",
                f"{spec.name}.Meta.authentication",
                spec.auth.location,
                algorithm=algorithm,
                endpoint=spec.name,
                other=reference[0],
            )
    if reference is not None:
        return reference[0]
    fallback = decl.jwt_algorithm_fallback
    if fallback is None:
        return DEFAULT_ALGORITHM
    if fallback not in JWT_ALGORITHMS:
        # config or LIGHTAPI_JWT_ALGORITHM names an algorithm the app cannot use: say so rather
        # than sign with HS256 behind the user's back (R10.7). Only apps using JWT care.
        if users:
            found.add("LA406", "app.jwt_algorithm", decl.location, algorithm=fallback)
        return DEFAULT_ALGORITHM
    return fallback


def _first_wins(option: str, users: list[EndpointSpec], found: Findings) -> EndpointSpec | None:
    """The first JWT endpoint that sets ``option``; later different values are LA408."""
    first: EndpointSpec | None = None
    for spec in users:
        assert spec.auth is not None
        value = getattr(spec.auth, option)
        if not value:
            continue
        if first is None:
            first = spec
        elif value != getattr(first.auth, option):
            found.add(
                "LA408",
                f"{spec.name}.Meta.authentication",
                spec.auth.location,
                option=option,
                endpoint=first.name,
                other=spec.name,
            )
    return first


def jwt_settings(
    decl: AppDecl, endpoints: Sequence[EndpointSpec], found: Findings
) -> JwtSettingsSpec:
    users = jwt_endpoints(endpoints)
    algorithm = _algorithm(decl, users, found)
    expiration = decl.jwt_expiration if isinstance(decl.jwt_expiration, int) else None
    if expiration is None:
        first = _first_wins("jwt_expiration", users, found)
        expiration = first.auth.jwt_expiration if first and first.auth else None
    claims_owner = _first_wins("jwt_extra_claims", users, found)
    extra_claims = claims_owner.auth.jwt_extra_claims if claims_owner and claims_owner.auth else ()
    length = decl.jwt_secret_length
    if users and length is None:
        found.add("LA801", "app.jwt_secret", decl.location)
    elif users and length is not None and length < MINIMUM_SECRET_BYTES:
        found.add("LA802", "app.jwt_secret", decl.location, length=length)
    return JwtSettingsSpec(
        used=bool(users),
        algorithm=algorithm,
        expiration=expiration or DEFAULT_EXPIRATION,
        issuer=decl.jwt_issuer,
        audience=decl.jwt_audience,
        require_exp=decl.jwt_require_exp,
        secret_configured=decl.jwt_secret_length is not None,
        extra_claims=extra_claims,
    )


def check_login_validator(
    decl: AppDecl, endpoints: Sequence[EndpointSpec], found: Findings
) -> None:
    """LA410 when credentials are checked but nothing can check them; LA411 for a bad one."""
    validator = decl.login_validator
    if validator is not None and validator.problem:
        found.add("LA411", "app.login_validator", decl.location)
    if validator is None and serves_login(endpoints):
        found.add("LA410", "app.login_validator", decl.location)


def rate_limit(decl: AppDecl) -> RateLimitSpec:
    """The app's limiter: on unless ``rate_limiter=False``, shared when Redis is configured."""
    limiter = decl.rate_limiter
    proxies = (
        limiter.value.trusted_proxies if limiter and limiter.kind is RefKind.RATE_LIMITER else ()
    )
    return RateLimitSpec(
        enabled=not decl.rate_limiter_disabled,
        shared=decl.redis_url is not None,
        trusted_proxies=tuple(proxies),
        **limits_of(limiter),
    )


def limits_of(limiter: ObjectRef | None) -> dict[str, int]:
    """R10.16: a RateLimiter's windows, a dict's (missing keys defaulted), or the defaults."""
    limits = dict(DEFAULT_LIMITS)
    if limiter is not None and limiter.kind is RefKind.RATE_LIMITER:
        limits = {key: getattr(limiter.value, key) for key in DEFAULT_LIMITS}
    elif limiter is not None and limiter.kind is RefKind.LIMITS:
        limits.update({key: limiter.value[key] for key in DEFAULT_LIMITS if key in limiter.value})
    return limits
