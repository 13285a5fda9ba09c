"""The IR: frozen, comparable data that every consumer reads instead of the user's classes.

The compiler (``compile.py``) is the only producer. Containers are tuples, frozensets or read-only
mappings, and endpoints refer to each other by name, so a spec can be compared with ``==``, printed
and dumped to JSON (``to_dict``) without cycles.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

EMPTY_MAPPING: Final[Mapping[str, Any]] = MappingProxyType({})


class _Missing(enum.Enum):
    """Marks "no default" in a FieldSpec (``None`` is a real default)."""

    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing.MISSING


class Operation(enum.Enum):
    """What a route does; derived from the allowed verbs (R2.20)."""

    LIST = "list"
    CREATE = "create"
    RETRIEVE = "retrieve"
    REPLACE = "replace"
    UPDATE = "update"
    DELETE = "delete"


class ColumnType(enum.Enum):
    """Column kinds of the type table (R2.6); TIME and JSON come only from reflection."""

    STRING = "str"
    INTEGER = "int"
    FLOAT = "float"
    BOOLEAN = "bool"
    DATETIME = "datetime"
    DATE = "date"
    DECIMAL = "Decimal"
    UUID = "UUID"
    TIME = "time"
    JSON = "json"


class FieldOrigin(enum.Enum):
    DECLARED = "declared"
    AUTOMATIC = "automatic"
    REFLECTED = "reflected"


class QuerysetKind(enum.Enum):
    NONE = "none"
    SYNC = "sync"
    ASYNC = "async"
    STATIC = "static"


class RouteKind(enum.Enum):
    COLLECTION = "collection"
    DETAIL = "detail"
    LOGIN = "login"
    TOKEN = "token"
    HEALTH = "health"
    READY = "ready"
    OPENAPI = "openapi"
    DOCS = "docs"


class RefKind(enum.Enum):
    """What a user-supplied class or instance was recognised as (by issubclass/isinstance)."""

    JWT_BACKEND = "jwt_backend"
    BASIC_BACKEND = "basic_backend"
    CUSTOM_BACKEND = "custom_backend"
    ALLOW_ANY = "allow_any"
    IS_AUTHENTICATED = "is_authenticated"
    IS_ADMIN_USER = "is_admin_user"
    CUSTOM_PERMISSION = "custom_permission"
    FIELD_FILTER = "field_filter"
    SEARCH_FILTER = "search_filter"
    ORDERING_FILTER = "ordering_filter"
    CUSTOM_FILTER = "custom_filter"
    RATE_LIMITER = "rate_limiter"
    LIMITS = "limits"
    INVALID = "invalid"


BACKEND_KINDS: Final = frozenset(
    {RefKind.JWT_BACKEND, RefKind.BASIC_BACKEND, RefKind.CUSTOM_BACKEND}
)
PERMISSION_KINDS: Final = frozenset(
    {RefKind.ALLOW_ANY, RefKind.IS_AUTHENTICATED, RefKind.IS_ADMIN_USER, RefKind.CUSTOM_PERMISSION}
)
FILTER_KINDS: Final = frozenset(
    {RefKind.FIELD_FILTER, RefKind.SEARCH_FILTER, RefKind.ORDERING_FILTER, RefKind.CUSTOM_FILTER}
)

VERBS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Which verb serves which operation on which route (R2.20).
COLLECTION_OPERATIONS: Final = MappingProxyType({"GET": Operation.LIST, "POST": Operation.CREATE})
DETAIL_OPERATIONS: Final = MappingProxyType(
    {
        "GET": Operation.RETRIEVE,
        "PUT": Operation.REPLACE,
        "PATCH": Operation.UPDATE,
        "DELETE": Operation.DELETE,
    }
)

AUTOMATIC_COLUMNS: Final = ("id", "created_at", "updated_at", "version")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceLocation:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


UNKNOWN_LOCATION: Final = SourceLocation(file="<unknown>", line=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectRef:
    """A class or instance the user passed, with its kind; ``value`` is None for a built-in
    default the compiler chose (the runtime supplies the built-in class of that kind)."""

    kind: RefKind
    name: str
    value: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraints:
    """Validation constraints shared by the column, the pydantic models and OpenAPI."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    gt: Any = None
    ge: Any = None
    lt: Any = None
    le: Any = None
    multiple_of: Any = None
    max_digits: int | None = None
    decimal_places: int | None = None

    def items(self) -> tuple[tuple[str, Any], ...]:
        """The constraints that are set, in declaration order of this class."""
        return tuple(
            (name, getattr(self, name))
            for name in CONSTRAINT_NAMES
            if getattr(self, name) is not None
        )


CONSTRAINT_NAMES: Final = (
    "min_length",
    "max_length",
    "pattern",
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "max_digits",
    "decimal_places",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignKeySpec:
    table: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    name: str
    column_type: ColumnType
    python_type: str
    nullable: bool
    required_on_create: bool
    default: Any = MISSING
    default_factory: Callable[[], Any] | None = None
    constraints: Constraints = field(default_factory=Constraints)
    unique: bool = False
    index: bool = False
    primary_key: bool = False
    foreign_key: ForeignKeySpec | None = None
    origin: FieldOrigin = FieldOrigin.DECLARED
    read_only: bool = False
    description: str | None = None
    # Other pydantic Field() keywords (title, examples, strict, ...), passed to the models as given.
    schema_options: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)
    location: SourceLocation = UNKNOWN_LOCATION

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING or self.default_factory is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class HookSpec:
    name: str
    is_async: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class OverridesSpec:
    hooks: tuple[HookSpec, ...] = ()
    queryset: QuerysetKind = QuerysetKind.NONE

    def get(self, name: str) -> HookSpec | None:
        return next((hook for hook in self.hooks if hook.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthSpec:
    """``permissions`` has an entry for every allowed verb, defaults resolved (R10.2, R10.3)."""

    backend: ObjectRef | None
    permissions: Mapping[str, ObjectRef]
    jwt_algorithm: str | None = None
    jwt_expiration: int | None = None
    jwt_extra_claims: tuple[str, ...] = ()
    rate_limiter: ObjectRef | None = None
    location: SourceLocation = UNKNOWN_LOCATION


@dataclass(frozen=True, slots=True, kw_only=True)
class FilteringSpec:
    """``backends`` are the active ones in run order; ``operators`` per filter field (R7.6)."""

    backends: tuple[ObjectRef, ...]
    fields: tuple[str, ...]
    search: tuple[str, ...]
    ordering: tuple[str, ...]
    operators: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: EMPTY_MAPPING)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaginationSpec:
    style: str
    page_size: int
    max_page_size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SerializerSpec:
    """Resolved projections: every output name listed explicitly, in output order (R2.13)."""

    read: tuple[str, ...]
    write: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheSpec:
    ttl: int
    vary_on: tuple[str, ...]
    vary_on_user: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class LockingSpec:
    enabled: bool
    column: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointSpec:
    name: str
    qualname: str
    module: str
    location: SourceLocation
    path: str | None
    table: str
    reflect: str
    fields: tuple[FieldSpec, ...]
    excluded: tuple[str, ...]
    methods: frozenset[str]
    operations: frozenset[Operation]
    overrides: OverridesSpec
    auth: AuthSpec | None
    filtering: FilteringSpec | None
    pagination: PaginationSpec | None
    serializer: SerializerSpec
    cache: CacheSpec | None
    locking: LockingSpec
    description: str | None
    tags: tuple[str, ...]

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields)

    @property
    def primary_key(self) -> FieldSpec:
        return next(spec for spec in self.fields if spec.primary_key)


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteSpec:
    path: str
    endpoint: str | None
    kind: RouteKind
    methods: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class JwtSettingsSpec:
    used: bool
    algorithm: str
    expiration: int
    issuer: str | None
    audience: str | None
    require_exp: bool
    secret_configured: bool
    extra_claims: tuple[str, ...] = ()  # the claims login copies from the validator's result


@dataclass(frozen=True, slots=True, kw_only=True)
class RateLimitSpec:
    """The app's limiter for login attempts and failed Basic checks (R10.15-R10.17)."""

    enabled: bool
    requests_per_minute: int
    requests_per_hour: int
    requests_per_day: int
    shared: bool  # counters in Redis, held across worker processes
    trusted_proxies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CorsSpec:
    origins: tuple[str, ...]
    allow_credentials: bool
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DatabaseSpec:
    dialect: str
    driver: str
    is_async: bool
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheSettingsSpec:
    redis_url: str | None
    prefix: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AppSpec:
    endpoints: tuple[EndpointSpec, ...]
    routes: tuple[RouteSpec, ...]
    auth_path: str
    login_routes: bool
    jwt: JwtSettingsSpec
    rate_limit: RateLimitSpec
    cors: CorsSpec | None
    middlewares: tuple[str, ...]
    max_body_size: int | None
    openapi_url: str | None
    docs_url: str | None
    health_url: str | None
    ready_url: str | None
    database: DatabaseSpec | None
    cache: CacheSettingsSpec
    title: str = "LightAPI"  # the OpenAPI document's info (R17.8)
    version: str = "1.0.0"
    description: str | None = None

    def endpoint(self, name: str) -> EndpointSpec:
        for spec in self.endpoints:
            if spec.name == name:
                return spec
        raise KeyError(name)
