"""Raw declarations: what a front end read, before any rule ran.

The runtime front end (``lightapi.rest``) builds these from classes, the YAML loader from a
mapping and the mypy plugin from mypy's tree; the compiler turns them into specs. Values are kept
as written so that rules can report them in the user's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lightapi.spec.model import (
    EMPTY_MAPPING,
    MISSING,
    UNKNOWN_LOCATION,
    ObjectRef,
    QuerysetKind,
    SourceLocation,
)
from lightapi.spec.types import TypeRef


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDecl:
    name: str
    type: TypeRef | None
    type_error: str | None = None
    # Field() keywords as written (pydantic's and LightAPI's); unset ones are absent.
    options: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)
    unknown_options: tuple[str, ...] = ()
    default: Any = MISSING
    default_factory: Callable[[], Any] | None = None
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class SerializerDecl:
    fields: tuple[str, ...] | None = None
    read: tuple[str, ...] | None = None
    write: tuple[str, ...] | None = None
    location: SourceLocation = UNKNOWN_LOCATION
    # For the class form, where each of fields/read/write was assigned (R3.9).
    part_locations: Mapping[str, SourceLocation] = field(default_factory=lambda: EMPTY_MAPPING)

    def location_of(self, part: str) -> SourceLocation:
        return self.part_locations.get(part, self.location)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaginationDecl:
    style: Any = "page_number"
    page_size: Any = 20
    max_page_size: Any = None
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class FilteringDecl:
    backends: tuple[ObjectRef, ...] = ()
    backends_given: bool = False
    fields: tuple[Any, ...] = ()
    search: tuple[Any, ...] = ()
    ordering: tuple[Any, ...] = ()
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthenticationDecl:
    backend: ObjectRef | None = None
    # One permission for every verb, or a verb map with the keys as written.
    permission: ObjectRef | Mapping[Any, ObjectRef] | None = None
    jwt_expiration: Any = None
    jwt_extra_claims: tuple[Any, ...] = ()
    jwt_algorithm: Any = None
    rate_limiter: ObjectRef | None = None
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheDecl:
    ttl: Any = 60
    vary_on: tuple[Any, ...] = ()
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionDecl:
    """One ``Meta`` attribute: a ``*Decl`` for option records, the raw value otherwise."""

    name: str
    value: Any
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class HookDecl:
    """An overridden hook; ``signature_problem`` says what is wrong with its parameters."""

    name: str
    is_async: bool
    signature_problem: str | None = None
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class QuerysetDecl:
    kind: QuerysetKind | None  # None: neither callable nor a Select (LA107)
    actual: str = ""
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointDecl:
    name: str
    qualname: str
    module: str
    location: SourceLocation
    fields: tuple[FieldDecl, ...]
    meta: tuple[OptionDecl, ...] = ()
    methods: frozenset[str] | None = None  # None: no HttpMethod mixin, every verb
    hooks: tuple[HookDecl, ...] = ()
    queryset: QuerysetDecl | None = None
    docstring: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationDecl:
    """One ``path: Endpoint`` pair of a ``register()`` call, with the compiled endpoint."""

    path: str
    endpoint: Any  # EndpointSpec, compiled when the class statement ran
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class CorsDecl:
    origins: tuple[str, ...]
    allow_credentials: bool | None = None
    allow_methods: tuple[str, ...] | None = None
    allow_headers: tuple[str, ...] | None = None
    expose_headers: tuple[str, ...] | None = None
    max_age: int = 600


@dataclass(frozen=True, slots=True, kw_only=True)
class AppDecl:
    """The arguments of one ``LightApi(...)`` and its registrations."""

    registrations: tuple[RegistrationDecl, ...]
    location: SourceLocation = UNKNOWN_LOCATION
    auth_path: str = "/auth"
    cors: CorsDecl | None = None
    middlewares: tuple[str, ...] = ()
    max_body_size: int | None = 1_048_576
    openapi_url: str | None = "/openapi.json"
    docs_url: str | None = "/docs"
    title: str = "LightAPI"
    version: str = "1.0.0"
    description: str | None = None
    health_url: str | None = "/healthz"
    ready_url: str | None = "/readyz"
    database: Any = None  # DatabaseSpec or None
    redis_url: str | None = None  # explicit: LightApi(redis_url=...) or LIGHTAPI_REDIS_URL
    cache_prefix: str = "lightapi"
    # JWT sources, before the compiler chooses (R10.8, R10.9); the secret only by its length.
    jwt_secret_length: int | None = None
    jwt_algorithm: Any = None
    jwt_algorithm_fallback: str | None = None  # config.jwt_algorithm if changed, else env
    jwt_expiration: Any = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_require_exp: bool = False
    login_validator: CallableDecl | None = None
    rate_limiter: ObjectRef | None = None
    rate_limiter_disabled: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CallableDecl:
    """A callable the user passed (e.g. ``login_validator``) and what is wrong with it."""

    name: str
    problem: str | None = None
