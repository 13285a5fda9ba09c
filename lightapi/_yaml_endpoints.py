"""A validated YAML configuration -> endpoint declarations, endpoint classes, LightApi arguments.

Endpoints are declared exactly as a class would be (``EndpointDecl``), compiled by the same
compiler, and given a class of their own so that the runtime treats them like any endpoint.
Diagnostics keep the file and line of their key, and their subject becomes the key path
(R16.6): ``BooksEndpoint.Meta.pagination`` reads ``lightapi.yaml:endpoints[0].meta.pagination``.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import importlib
import inspect
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final

from lightapi._refs import backend_ref, filter_ref, permission_ref, permission_refs
from lightapi.authentication import (
    AllowAny,
    BasicAuthentication,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
)
from lightapi.filters import FieldFilter, OrderingFilter, SearchFilter
from lightapi.spec.declarations import (
    AuthenticationDecl,
    CacheDecl,
    EndpointDecl,
    FieldDecl,
    FilteringDecl,
    OptionDecl,
    PaginationDecl,
    SerializerDecl,
)
from lightapi.spec.diagnostics import Diagnostic, diagnostic
from lightapi.spec.model import MISSING, VERBS, ColumnType
from lightapi.spec.options import REFLECT_VALUES
from lightapi.spec.types import TypeRef, type_display
from lightapi.yaml_config import EndpointConfig, KeyPath, LightAPIConfig, Source

FIELD_TYPES: Final = {
    "str": ColumnType.STRING,
    "int": ColumnType.INTEGER,
    "float": ColumnType.FLOAT,
    "bool": ColumnType.BOOLEAN,
    "datetime": ColumnType.DATETIME,
    "date": ColumnType.DATE,
    "Decimal": ColumnType.DECIMAL,
    "decimal": ColumnType.DECIMAL,
    "UUID": ColumnType.UUID,
    "uuid": ColumnType.UUID,
}
BUILT_INS: Final[dict[str, Any]] = {
    "JWTAuthentication": JWTAuthentication,
    "BasicAuthentication": BasicAuthentication,
    "AllowAny": AllowAny,
    "IsAuthenticated": IsAuthenticated,
    "IsAdminUser": IsAdminUser,
    "FieldFilter": FieldFilter,
    "SearchFilter": SearchFilter,
    "OrderingFilter": OrderingFilter,
}
_FIELD_OPTIONS: Final = (
    "description",
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
    "unique",
    "index",
    "foreign_key",
)


class Builder:
    """Collects the diagnostics of one file while turning its entries into declarations."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.found: list[Diagnostic] = []

    def add(self, code: str, where: KeyPath, **values: Any) -> None:
        self.found.append(
            diagnostic(code, self.source.subject(where), self.source.location(where), **values)
        )

    def resolve(self, dotted: str, path: KeyPath, key: str) -> Any:
        """A built-in name, ``pkg.mod:Name`` or ``pkg.mod.Name``; LA704 when not importable."""
        if dotted in BUILT_INS:
            return BUILT_INS[dotted]
        module, separator, attribute = dotted.partition(":")
        if not separator:
            module, _, attribute = dotted.rpartition(".")
        try:
            value: Any = importlib.import_module(module)
            for part in attribute.split("."):
                value = getattr(value, part)
        except (ImportError, AttributeError, ValueError):
            self.add("LA704", path, path=dotted, key=key)
            return None
        return value


def class_name(route: str) -> str:
    """R16.4: ``/api/v1/blog-posts`` -> ``ApiV1BlogPostsEndpoint``."""
    words = [word for word in re.split(r"[/_\-\s]+", route) if word]
    return (
        "".join(word[:1].upper() + word[1:] for word in words) + "Endpoint"
        if words
        else ("RootEndpoint")
    )


def default_table(route: str) -> str:
    """R16.4: the last route segment, ``-`` as ``_``, lowercased."""
    segments = [segment for segment in route.split("/") if segment]
    return segments[-1].replace("-", "_").lower() if segments else "root"


def _field(builder: Builder, name: str, raw: Mapping[str, Any], path: KeyPath) -> FieldDecl | None:
    kind = FIELD_TYPES.get(str(raw.get("type")))
    if kind is None:
        builder.add("LA705", (*path, "type"), type=raw.get("type"))
        return None
    nullable = bool(raw.get("optional", False))
    options = {key: raw[key] for key in _FIELD_OPTIONS if raw.get(key) not in (None, False)}
    default: Any = MISSING
    if "default" in raw:
        default = _typed_default(kind, raw["default"])
    elif nullable:
        default = None
    return FieldDecl(
        name=name,
        type=TypeRef(column_type=kind, nullable=nullable, display=type_display(kind, nullable)),
        options=options,
        default=default,
        location=builder.source.location(path),
    )


_FROM_TEXT: Final[dict[ColumnType, Any]] = {
    ColumnType.DECIMAL: lambda value: decimal.Decimal(str(value)),
    ColumnType.DATE: lambda value: datetime.date.fromisoformat(str(value)),
    ColumnType.DATETIME: lambda value: datetime.datetime.fromisoformat(
        str(value).replace("Z", "+00:00")
    ),
    ColumnType.UUID: lambda value: uuid.UUID(str(value)),
}


def _typed_default(kind: ColumnType, value: Any) -> Any:
    """YAML has no Decimal, datetime or UUID values: read a default written as text (or a
    number) as the field's type; a value that does not read stays as written, for LA009."""
    convert = _FROM_TEXT.get(kind)
    if convert is None or value is None or isinstance(value, bool):
        return value
    if kind is ColumnType.DATE and isinstance(value, datetime.date):
        return value
    try:
        return convert(value)
    except (ValueError, ArithmeticError):
        return value


def _merged(defaults: Any, own: Any) -> dict[str, Any] | None:
    """``defaults`` entries merged key by key under the endpoint's own (R16.3)."""
    if defaults is None and own is None:
        return None
    merged = dict(defaults.model_dump(exclude_unset=True)) if defaults is not None else {}
    if own is not None:
        merged.update(own.model_dump(exclude_unset=True))
    return merged


def _authentication(
    builder: Builder, raw: Mapping[str, Any], path: KeyPath, claims: tuple[str, ...]
) -> AuthenticationDecl:
    backend = raw.get("backend")
    permission = raw.get("permission")
    resolved: Any = None
    if isinstance(permission, Mapping):
        resolved = {
            verb: builder.resolve(name, (*path, "permission", verb), "permission")
            for verb, name in permission.items()
        }
    elif permission is not None:
        resolved = builder.resolve(permission, (*path, "permission"), "permission")
    return AuthenticationDecl(
        backend=backend_ref(builder.resolve(backend, (*path, "backend"), "backend"))
        if backend
        else None,
        permission=permission_refs(resolved),
        jwt_expiration=raw.get("jwt_expiration"),
        jwt_extra_claims=tuple(raw.get("jwt_extra_claims") or claims),
        jwt_algorithm=raw.get("jwt_algorithm"),
        location=builder.source.location(path),
    )


def _verb_authentication(
    builder: Builder, methods: Mapping[str, Any], path: KeyPath, claims: tuple[str, ...]
) -> AuthenticationDecl | None:
    """``methods: {POST: {authentication: ...}, GET: null}``: one backend, and a permission per
    verb: the configured one (IsAuthenticated when none is named), AllowAny for the others."""
    configured = {
        verb.upper(): entry["authentication"]
        for verb, entry in methods.items()
        if entry and entry.get("authentication")
    }
    if not configured:
        return None
    backends = {entry.get("backend") for entry in configured.values()} - {None}
    permissions: dict[str, Any] = {}
    for verb in (key.upper() for key in methods):
        entry = configured.get(verb)
        if entry is None:
            permissions[verb] = permission_ref(AllowAny)
            continue
        name = entry.get("permission") or "IsAuthenticated"
        value = builder.resolve(name, (*path, verb, "authentication", "permission"), "permission")
        permissions[verb] = permission_ref(value)
    backend_name = next(iter(backends), None)
    backend = builder.resolve(backend_name, path, "backend") if backend_name else None
    return AuthenticationDecl(
        backend=backend_ref(backend) if backend is not None else None,
        permission=permissions,
        jwt_extra_claims=claims,
        location=builder.source.location(path),
    )


def _reflect(builder: Builder, entry: EndpointConfig, path: KeyPath) -> Any:
    meta_value = entry.meta.reflect if entry.meta is not None else None
    if (
        entry.reflect is not None
        and meta_value is not None
        and REFLECT_VALUES[entry.reflect] != REFLECT_VALUES[meta_value]  # true is "full"
    ):
        builder.add("LA708", (*path, "meta", "reflect"))
    return entry.reflect if entry.reflect is not None else meta_value


class _Options:
    """The ``Meta`` options of one entry, each at the line of its key."""

    def __init__(self, builder: Builder, meta_path: KeyPath) -> None:
        self.builder = builder
        self.meta_path = meta_path
        self.items: list[OptionDecl] = []

    def where(self, name: str) -> Any:
        return self.builder.source.location((*self.meta_path, name))

    def add(self, name: str, value: Any) -> None:
        self.items.append(OptionDecl(name=name, value=value, location=self.where(name)))


def _records(
    options: _Options, config: LightAPIConfig, entry: EndpointConfig, claims: tuple[str, ...]
) -> None:
    """Pagination, cache and authentication: the entry's own merged over ``defaults``."""
    builder, meta, defaults = options.builder, entry.meta, config.defaults
    pagination = _merged(defaults and defaults.pagination, meta and meta.pagination)
    if pagination is not None:
        options.add(
            "pagination", PaginationDecl(location=options.where("pagination"), **pagination)
        )
    cache = _merged(defaults and defaults.cache, meta and meta.cache)
    if cache is not None:
        cache["vary_on"] = tuple(cache.get("vary_on", ()))
        options.add("cache", CacheDecl(location=options.where("cache"), **cache))
    methods = meta.methods if meta else None
    if isinstance(methods, Mapping):
        per_verb = {
            verb: (value.model_dump(exclude_unset=True) if value else None)
            for verb, value in methods.items()
        }
        verb_auth = _verb_authentication(builder, per_verb, (*options.meta_path, "methods"), claims)
        if verb_auth is not None:
            options.add("authentication", verb_auth)
            return
    authentication = _merged(defaults and defaults.authentication, meta and meta.authentication)
    if authentication is not None:
        path = (*options.meta_path, "authentication")
        options.add("authentication", _authentication(builder, authentication, path, claims))


def _listing(options: _Options, entry: EndpointConfig) -> None:
    """Filtering and the serializer, as written."""
    meta = entry.meta
    if meta is None:
        return
    if meta.filtering is not None:
        filtering = meta.filtering
        backends = tuple(
            filter_ref(
                options.builder.resolve(
                    name,
                    (*options.meta_path, "filtering", "backends", number),
                    "filtering.backends",
                )
            )
            for number, name in enumerate(filtering.backends)
        )
        options.add(
            "filtering",
            FilteringDecl(
                backends=backends,
                backends_given=bool(filtering.backends),
                fields=tuple(filtering.fields),
                search=tuple(filtering.search),
                ordering=tuple(filtering.ordering),
                location=options.where("filtering"),
            ),
        )
    if meta.serializer is not None:
        serializer = meta.serializer
        options.add(
            "serializer",
            SerializerDecl(
                fields=_names(serializer.fields),
                read=_names(serializer.read),
                write=_names(serializer.write),
                location=options.where("serializer"),
            ),
        )


def endpoint_declaration(
    builder: Builder, config: LightAPIConfig, index: int, entry: EndpointConfig
) -> EndpointDecl:
    path: KeyPath = ("endpoints", index)
    claims = tuple(config.auth.jwt.extra_claims) if config.auth and config.auth.jwt else ()
    fields = []
    for name, field in entry.fields.items():
        declared = _field(
            builder, name, field.model_dump(exclude_unset=True), (*path, "fields", name)
        )
        if declared is not None:
            fields.append(declared)
    options = _Options(builder, (*path, "meta"))
    _records(options, config, entry, claims)
    _listing(options, entry)
    meta = entry.meta
    reflect = _reflect(builder, entry, path)
    if reflect not in (None, False):
        where = (*path, "reflect") if entry.reflect is not None else (*path, "meta", "reflect")
        options.items.append(
            OptionDecl(name="reflect", value=reflect, location=builder.source.location(where))
        )
    options.add("table", meta.table if meta and meta.table else default_table(entry.route))
    if meta and meta.description is not None:
        options.add("description", meta.description)
    if meta and meta.tags is not None:
        options.add("tags", tuple(meta.tags))
    methods = meta.methods if meta else None
    verbs = None
    if methods is not None:
        verbs = frozenset(verb.upper() for verb in methods) & frozenset(VERBS)
    name = entry.name or class_name(entry.route)
    return EndpointDecl(
        name=name,
        qualname=name,
        module=f"lightapi.yaml:{builder.source.file}",
        location=builder.source.location(path),
        fields=tuple(fields),
        meta=tuple(options.items),
        methods=verbs,
    )


def _names(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def renamed(item: Diagnostic, names: Mapping[str, int], source: Source) -> Diagnostic:
    """R16.6: a diagnostic about a YAML endpoint names its key path."""
    head, _, rest = item.subject.partition(".")
    index = names.get(head)
    if index is None:
        return item
    path: KeyPath = ("endpoints", index)
    if rest.startswith("Meta."):
        option = rest.removeprefix("Meta.").split(".")[0]
        beside_route = option == "reflect" and (*path, "reflect") in source.lines
        path = (*path, "reflect") if beside_route else (*path, "meta", option)
    elif rest:
        path = (*path, "fields", rest)
    return dataclasses.replace(item, subject=source.subject(path))


def app_arguments(builder: Builder, config: LightAPIConfig) -> dict[str, Any]:
    """``LightApi(...)`` keyword arguments the file sets (R16.3)."""
    arguments: dict[str, Any] = {
        "max_body_size": config.max_body_size,
        "openapi_url": config.openapi_url,
        "docs_url": config.docs_url,
        "title": config.title,
        "version": config.version,
    }
    if config.database is not None and config.database.url:
        arguments["database_url"] = _with_mode(config.database.url, config.mode)
    if config.mode != "auto":
        arguments["mode"] = config.mode
    if config.cors_origins:
        arguments["cors_origins"] = config.cors_origins
    if config.cors is not None:
        cors = config.cors.model_dump(exclude_unset=True)
        arguments.update({f"cors_{key}": value for key, value in cors.items()})
    middlewares = []
    for number, name in enumerate(config.middleware):
        value = _middleware(builder, name, ("middleware", number))
        if value is not None:
            middlewares.append(value)
    arguments["middlewares"] = middlewares
    if config.auth is not None:
        arguments["auth_path"] = config.auth.auth_path
        if config.auth.login_validator:
            arguments["login_validator"] = _validator(builder, config.auth.login_validator)
        jwt = config.auth.jwt
        if jwt is not None:
            arguments.update(
                jwt_algorithm=jwt.algorithm,
                jwt_expiration=jwt.expiration,
                jwt_issuer=jwt.issuer,
                jwt_audience=jwt.audience,
                jwt_require_exp=jwt.require_exp,
            )
    if config.rate_limit is not None:
        limits = config.rate_limit.model_dump(exclude_unset=True, exclude={"enabled"})
        arguments["rate_limiter"] = limits if config.rate_limit.enabled else False
    return arguments


def _middleware(builder: Builder, name: str, path: KeyPath) -> Any:
    from lightapi.core import AuthenticationMiddleware, CORSMiddleware

    named = {"CORSMiddleware": CORSMiddleware, "AuthenticationMiddleware": AuthenticationMiddleware}
    return named.get(name) or builder.resolve(name, path, "middleware")


def _validator(builder: Builder, dotted: str) -> Any:
    path: KeyPath = ("auth", "login_validator")
    value = builder.resolve(dotted, path, "auth.login_validator")
    if value is None:
        return None
    try:
        inspect.signature(value).bind("username", "password")
    except TypeError:
        builder.add("LA704", path, path=dotted, key="auth.login_validator")
        return None
    except ValueError:
        pass
    return value


def _with_mode(url: str, mode: str) -> str:
    """``mode: async`` gives plain URLs their async driver (R16.3)."""
    if mode != "async" or "+" in url.partition(":")[0]:
        return url
    scheme, separator, rest = url.partition(":")
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}.get(scheme)
    return f"{driver}{separator}{rest}" if driver else url
