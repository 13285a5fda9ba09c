"""App declarations -> AppSpec: path checks (phase R) and links between endpoints (phase B)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Final

from lightapi.spec.declarations import AppDecl, CorsDecl, RegistrationDecl
from lightapi.spec.diagnostics import Diagnostic
from lightapi.spec.findings import Findings
from lightapi.spec.login import check_login_validator, jwt_settings, login_routes, rate_limit
from lightapi.spec.model import (
    COLLECTION_OPERATIONS,
    DETAIL_OPERATIONS,
    VERBS,
    AppSpec,
    CacheSettingsSpec,
    CorsSpec,
    EndpointSpec,
    RouteKind,
    RouteSpec,
    SourceLocation,
)

_INVALID_PATH_CHARS: Final = re.compile(r"[{}?#\s]")
DEFAULT_CORS_HEADERS: Final = ("Authorization", "Content-Type", "If-Match", "If-None-Match")
DEFAULT_CORS_EXPOSE: Final = ("ETag", "Location", "X-Cache", "Retry-After")
ALLOW_ORDER: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def normalise_path(path: str) -> str:
    """R5.1: a trailing slash is removed, except for ``/``."""
    return path.rstrip("/") or "/"


def registration_subject(path: object) -> str:
    return f"app.register[{path!r}]"


def check_path(path: str, location: SourceLocation, found: Findings) -> bool:
    """LA109 for a path that does not start with '/' or holds placeholders or whitespace."""
    if not path.startswith("/") or _INVALID_PATH_CHARS.search(path):
        found.add("LA109", registration_subject(path), location, path=path)
        return False
    return True


def allow_header(methods: Iterable[str]) -> str:
    """R5.8: served verbs in a fixed order, HEAD wherever GET is."""
    served = set(methods)
    if "GET" in served:
        served.add("HEAD")
    return ", ".join(verb for verb in ALLOW_ORDER if verb in served)


def endpoint_routes(path: str, spec: EndpointSpec) -> tuple[RouteSpec, ...]:
    """The collection and detail routes of one endpoint; a route with no verb is not served."""
    detail_path = "/{id}" if path == "/" else f"{path}/{{id}}"
    routes = []
    for route_path, kind, table in (
        (path, RouteKind.COLLECTION, COLLECTION_OPERATIONS),
        (detail_path, RouteKind.DETAIL, DETAIL_OPERATIONS),
    ):
        verbs = tuple(verb for verb in VERBS if verb in table and verb in spec.methods)
        if verbs:
            routes.append(RouteSpec(path=route_path, endpoint=spec.name, kind=kind, methods=verbs))
    return tuple(routes)


def _builtin_routes(decl: AppDecl) -> tuple[RouteSpec, ...]:
    routes = []
    for url, kind in (
        (decl.health_url, RouteKind.HEALTH),
        (decl.ready_url, RouteKind.READY),
        (decl.openapi_url, RouteKind.OPENAPI),
        (_docs_url(decl), RouteKind.DOCS),
    ):
        if url is not None:
            routes.append(RouteSpec(path=url, endpoint=None, kind=kind, methods=("GET",)))
    return tuple(routes)


def _docs_url(decl: AppDecl) -> str | None:
    """The docs page reads the document, so it is served only with it (R17.8)."""
    return decl.docs_url if decl.openapi_url is not None else None


def compile_app(decl: AppDecl) -> tuple[AppSpec, tuple[Diagnostic, ...]]:
    """Bind endpoints to their paths and check what only the whole app can show."""
    found = Findings()
    registrations = _unique_registrations(decl.registrations, found)
    endpoints = tuple(
        dataclasses.replace(item.endpoint, path=normalise_path(item.path)) for item in registrations
    )
    logins = login_routes(decl, endpoints)
    builtins = (*logins, *_builtin_routes(decl))
    routes: list[RouteSpec] = []
    for item, spec in zip(registrations, endpoints, strict=True):
        assert spec.path is not None
        _check_builtin_collision(item, builtins, found)
        routes.extend(endpoint_routes(spec.path, spec))
    routes.extend(builtins)
    _check_overlaps(registrations, endpoints, found)
    _check_tables(endpoints, found)
    _check_foreign_keys(endpoints, found)
    if not endpoints:
        found.add("LA908", "app", decl.location)
    cors = _cors(decl.cors, routes, decl.location, found)
    jwt = jwt_settings(decl, endpoints, found)
    check_login_validator(decl, endpoints, found)
    spec = AppSpec(
        endpoints=endpoints,
        routes=tuple(routes),
        auth_path=normalise_path(decl.auth_path),
        login_routes=bool(logins),
        jwt=jwt,
        rate_limit=rate_limit(decl),
        cors=cors,
        middlewares=decl.middlewares,
        max_body_size=decl.max_body_size,
        openapi_url=decl.openapi_url,
        docs_url=_docs_url(decl),
        health_url=decl.health_url,
        ready_url=decl.ready_url,
        database=decl.database,
        cache=CacheSettingsSpec(redis_url=decl.redis_url, prefix=decl.cache_prefix),
        title=decl.title,
        version=decl.version,
        description=decl.description,
    )
    return spec, tuple(found.items)


def _unique_registrations(
    registrations: tuple[RegistrationDecl, ...], found: Findings
) -> list[RegistrationDecl]:
    """Drop a second path for the same class (LA907) or the same path twice (LA901).

    Both are reported at the later registration: the earlier one was valid when it was made."""
    paths_of: dict[str, list[str]] = {}
    for item in registrations:
        paths_of.setdefault(_class_key(item), []).append(item.path)
    kept: list[RegistrationDecl] = []
    seen: set[str] = set()
    reported: set[str] = set()
    for item in registrations:
        key = _class_key(item)
        if key in seen:
            if key not in reported:
                reported.add(key)
                found.add(
                    "LA907",
                    registration_subject(item.path),
                    item.location,
                    endpoint=item.endpoint.name,
                    paths=", ".join(repr(path) for path in paths_of[key]),
                )
            continue
        seen.add(key)
        duplicate = next(
            (other for other in kept if normalise_path(other.path) == normalise_path(item.path)),
            None,
        )
        if duplicate is not None:
            found.add(
                "LA901",
                registration_subject(item.path),
                item.location,
                path=item.path,
                relation="duplicates",
                other=duplicate.path,
                endpoint=duplicate.endpoint.name,
            )
            continue
        kept.append(item)
    return kept


def _class_key(item: RegistrationDecl) -> str:
    return f"{item.endpoint.qualname}@{item.endpoint.module}"


def _check_overlaps(
    registrations: list[RegistrationDecl], endpoints: tuple[EndpointSpec, ...], found: Findings
) -> None:
    """LA901: ``/a/7`` is shadowed by the detail route ``/a/{id}``."""
    for item, spec in zip(registrations, endpoints, strict=True):
        for other in endpoints:
            if other is spec or other.path is None or spec.path is None:
                continue
            prefix = "/" if other.path == "/" else other.path + "/"
            rest = spec.path[len(prefix) :] if spec.path.startswith(prefix) else ""
            if rest.split("/")[0].isdigit():
                found.add(
                    "LA901",
                    registration_subject(item.path),
                    item.location,
                    path=spec.path,
                    relation="overlaps",
                    other=prefix + "{id}",
                    endpoint=other.name,
                )


def _check_builtin_collision(
    item: RegistrationDecl, builtins: tuple[RouteSpec, ...], found: Findings
) -> None:
    """LA906, naming the path as the user wrote it (R3.8)."""
    for route in builtins:
        if normalise_path(route.path) == normalise_path(item.path):
            found.add(
                "LA906",
                registration_subject(item.path),
                item.location,
                path=item.path,
                route=route.kind.value,
            )


def _check_tables(endpoints: tuple[EndpointSpec, ...], found: Findings) -> None:
    owners: dict[str, EndpointSpec] = {}
    for spec in endpoints:
        owner = owners.setdefault(spec.table, spec)
        if owner is not spec:
            found.add(
                "LA902",
                spec.name,
                spec.location,
                endpoint=spec.name,
                other=owner.name,
                table=spec.table,
            )


def _check_foreign_keys(endpoints: tuple[EndpointSpec, ...], found: Findings) -> None:
    tables = {spec.table: spec for spec in endpoints}
    for spec in endpoints:
        for field in spec.fields:
            key = field.foreign_key
            if key is None:
                continue
            subject = f"{spec.name}.{field.name}"
            target = tables.get(key.table)
            if target is None:
                found.add(
                    "LA903",
                    subject,
                    field.location,
                    target=str(key),
                    field=field.name,
                    table=key.table,
                )
                continue
            column = next((item for item in target.fields if item.name == key.column), None)
            if column is None:
                found.add(
                    "LA904",
                    subject,
                    field.location,
                    target=str(key),
                    table=key.table,
                    column=key.column,
                )
            elif column.column_type is not field.column_type:
                found.add(
                    "LA905",
                    subject,
                    field.location,
                    field=field.name,
                    type=field.column_type.value,
                    target=str(key),
                    target_type=column.column_type.value,
                )


def _cors(
    decl: CorsDecl | None, routes: list[RouteSpec], location: SourceLocation, found: Findings
) -> CorsSpec | None:
    if decl is None or not decl.origins:
        return None
    wildcard = "*" in decl.origins
    credentials = (not wildcard) if decl.allow_credentials is None else decl.allow_credentials
    if wildcard and credentials:
        found.add("LA803", "app.cors_origins", location)
    served = {verb for route in routes for verb in route.methods}
    methods = decl.allow_methods or (*allow_header(served).split(", "), "OPTIONS")
    methods = tuple(method for method in methods if method)
    return CorsSpec(
        origins=decl.origins,
        allow_credentials=credentials,
        allow_methods=tuple(methods),
        allow_headers=decl.allow_headers or DEFAULT_CORS_HEADERS,
        expose_headers=decl.expose_headers or DEFAULT_CORS_EXPOSE,
        max_age=decl.max_age,
    )
