"""``lightapi inspect [TARGET] [--json]`` (R3.6, R23.11): the compiled spec of one target.

With an error among the target's diagnostics (the same set ``lightapi check TARGET`` reports),
the errors are printed in the R4.6 format instead and the exit code is 1. Otherwise the spec is
printed, as a readable summary or as JSON, byte-identical across runs for the same input.

What is shown: the named app or endpoint class of ``module:attr``; else the one app bound at
the top level of the module (a module binding several apps is a usage error: name one); else
the module's endpoint classes.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from lightapi._commands.gathering import Gathered, gather, module_app, usage_error
from lightapi._targets import TargetError
from lightapi.spec.diagnostics import as_json_object, render_text
from lightapi.spec.dump import to_dict
from lightapi.spec.model import (
    MISSING,
    VERBS,
    AppSpec,
    AuthSpec,
    EndpointSpec,
    FieldSpec,
    FilteringSpec,
    ObjectRef,
    Operation,
)

if TYPE_CHECKING:
    from lightapi.rest import RestEndpoint

__all__ = ["Subject", "run", "subject_of", "to_json", "to_text"]

JSON_FORMAT = 1
# repr() of an object without its own __repr__ holds its address, which changes every run.
_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")
_OPERATION_ORDER = tuple(Operation)


@dataclass(frozen=True, slots=True)
class Subject:
    """What ``inspect`` shows: an app (its bound endpoints) or endpoint classes."""

    app_name: str | None
    app: AppSpec | None
    endpoints: tuple[EndpointSpec, ...]


def subject_of(gathered: Gathered) -> Subject:
    """The app or endpoint classes the target names (see the module docstring)."""
    workspace = gathered.workspace
    loaded = workspace.loaded[0]
    obj = loaded.obj
    if isinstance(obj, type):
        endpoint = cast("type[RestEndpoint]", obj).__lightapi_spec__
        assert endpoint is not None  # the resolver accepts concrete endpoint classes only
        return Subject(None, None, (endpoint,))
    found = module_app(loaded)
    if found is not None:
        name, app = found
        spec = app.__lightapi_compiled__()[0]
        return Subject(loaded.target.attr or name, spec, spec.endpoints)
    endpoints = tuple(
        cls.__lightapi_spec__
        for cls in workspace.endpoints(loaded)
        if cls.__lightapi_spec__ is not None
    )
    return Subject(None, None, endpoints)


def run(target: str | None, *, as_json: bool = False, show_traceback: bool = False) -> int:
    try:
        gathered = gather([target] if target else [])
        subject = subject_of(gathered)
    except TargetError as error:
        return usage_error(error, show_traceback=show_traceback)
    if gathered.errors:
        sys.stdout.write(render_text(gathered.shown, silenced=gathered.silenced) + "\n")
        return 1
    text = to_json(subject, gathered) if as_json else to_text(subject, gathered)
    sys.stdout.write(text + "\n")
    return 0


# -- JSON (R3.6) -------------------------------------------------------------------------------


def _stable(value: Any) -> Any:
    """Strip object addresses from reprs so that the output is the same on every run."""
    if isinstance(value, str):
        return _ADDRESS.sub("", value)
    if isinstance(value, dict):
        return {key: _stable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stable(item) for item in value]
    return value


def to_json(subject: Subject, gathered: Gathered) -> str:
    document = {
        "format": JSON_FORMAT,
        "app": to_dict(subject.app) if subject.app is not None else None,
        "endpoints": [to_dict(spec) for spec in subject.endpoints],
        "diagnostics": [as_json_object(item) for item in gathered.shown],
    }
    return json.dumps(_stable(document), indent=2)


# -- the readable summary ------------------------------------------------------------------------


def to_text(subject: Subject, gathered: Gathered) -> str:
    blocks: list[list[str]] = []
    if subject.app is not None:
        blocks.append(_app_block(subject.app_name or "app", subject.app))
    blocks.extend(_endpoint_block(spec) for spec in subject.endpoints)
    if not subject.endpoints:
        blocks.append(["no endpoints"])
    report = render_text(gathered.shown, silenced=gathered.silenced)
    text: str = _stable("\n\n".join([*("\n".join(block) for block in blocks), report]))
    return text


def _names(values: Iterable[str]) -> str:
    return ", ".join(values) or "-"


def _ref(ref: ObjectRef | None) -> str:
    return "-" if ref is None else ref.name


def _columns(rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    """Rows as left-aligned columns two spaces apart."""
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return [
        (
            indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _app_block(name: str, spec: AppSpec) -> list[str]:
    lines = [f"{name} (LightApi)"]
    if spec.database is None:
        lines.append("  database: none configured")
    else:
        database = spec.database
        mode = "async" if database.is_async else "sync"
        lines.append(f"  database: {database.url} ({database.dialect}+{database.driver}, {mode})")
    lines.append("  routes:")
    route_rows = [
        [route.path, _names(route.methods), route.endpoint or route.kind.value]
        for route in spec.routes
    ]
    lines.extend(_columns(route_rows, "    ") if route_rows else ["    -"])
    jwt = spec.jwt
    lines.append(
        f"  auth: path {spec.auth_path}, login routes {'on' if spec.login_routes else 'off'}"
    )
    lines.append(
        f"  jwt: {jwt.algorithm}, expiration {jwt.expiration}s, issuer {jwt.issuer or '-'}, "
        f"audience {jwt.audience or '-'}, require exp {_yes(jwt.require_exp)}, "
        f"secret {'set' if jwt.secret_configured else 'not set'}"
    )
    limit = spec.rate_limit
    lines.append(
        "  rate limit: off"
        if not limit.enabled
        else f"  rate limit: {limit.requests_per_minute}/minute, {limit.requests_per_hour}/hour, "
        f"{limit.requests_per_day}/day, {'shared' if limit.shared else 'per process'}"
    )
    if spec.cors is None:
        lines.append("  cors: off")
    else:
        cors = spec.cors
        lines.append(
            f"  cors: origins {_names(cors.origins)}, credentials {_yes(cors.allow_credentials)}, "
            f"methods {_names(cors.allow_methods)}, max age {cors.max_age}s"
        )
    lines.append(f"  middlewares: {_names(spec.middlewares)}")
    body = "unlimited" if spec.max_body_size is None else f"{spec.max_body_size} bytes"
    lines.append(f"  max body size: {body}")
    lines.append(
        f"  urls: openapi {spec.openapi_url or '-'}, docs {spec.docs_url or '-'}, "
        f"health {spec.health_url or '-'}, ready {spec.ready_url or '-'}"
    )
    lines.append(f"  cache: redis {spec.cache.redis_url or '-'}, key prefix {spec.cache.prefix}")
    return lines


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _endpoint_block(spec: EndpointSpec) -> list[str]:
    operations = [item.value for item in _OPERATION_ORDER if item in spec.operations]
    lines = [
        f"{spec.name} ({spec.location})",
        f"  path: {spec.path or '(not registered)'}",
        f"  table: {spec.table}" + ("" if spec.reflect == "none" else f" (reflect {spec.reflect})"),
        f"  verbs: {_names(verb for verb in VERBS if verb in spec.methods)}",
        f"  operations: {_names(operations)}",
        "  fields:",
    ]
    rows = [["field", "type", "nullable", "required", "default", "constraints"]]
    rows.extend(_field_row(field) for field in spec.fields)
    lines.extend(_columns(rows, "    "))
    if spec.excluded:
        lines.append(f"  excluded: {_names(spec.excluded)}")
    lines.append(f"  serializer: read {_names(spec.serializer.read)}")
    lines.append(f"              write {_names(spec.serializer.write)}")
    pagination = spec.pagination
    lines.append(
        "  pagination: none"
        if pagination is None
        else f"  pagination: {pagination.style}, page_size {pagination.page_size}, "
        f"max_page_size {pagination.max_page_size}"
    )
    lines.extend(_filtering_lines(spec.filtering))
    cache = spec.cache
    lines.append(
        "  cache: none"
        if cache is None
        else f"  cache: ttl {cache.ttl}s, vary on {_names(cache.vary_on)}, "
        f"per user {_yes(cache.vary_on_user)}"
    )
    lines.extend(_auth_lines(spec.auth))
    locking = spec.locking
    lines.append(f"  locking: on ({locking.column})" if locking.enabled else "  locking: off")
    return lines


def _field_row(field: FieldSpec) -> list[str]:
    if field.default_factory is not None:
        default = f"factory {to_dict(field.default_factory)}"
    elif field.default is MISSING:
        default = "-"
    else:
        default = repr(field.default)
    notes = [
        f"{name}={value!r}" if name == "pattern" else f"{name}={value}"
        for name, value in field.constraints.items()
    ]
    if field.primary_key:
        notes.append("primary key")
    if field.unique:
        notes.append("unique")
    if field.index:
        notes.append("index")
    if field.foreign_key is not None:
        notes.append(f"foreign key {field.foreign_key}")
    if field.read_only:
        notes.append("read-only")
    return [
        field.name,
        field.column_type.value,
        _yes(field.nullable),
        _yes(field.required_on_create),
        default,
        _names(notes),
    ]


def _filtering_lines(filtering: FilteringSpec | None) -> list[str]:
    if filtering is None:
        return ["  filtering: none"]
    fields = [f"{name} ({_names(filtering.operators.get(name, ()))})" for name in filtering.fields]
    return [
        f"  filtering: backends {_names(_ref(ref) for ref in filtering.backends)}",
        f"             fields {_names(fields)}",
        f"             search {_names(filtering.search)}",
        f"             ordering {_names(filtering.ordering)}",
    ]


def _auth_lines(auth: AuthSpec | None) -> list[str]:
    if auth is None:
        return ["  auth: none"]
    permissions = [f"{verb} {_ref(ref)}" for verb, ref in auth.permissions.items()]
    lines = [
        f"  auth: backend {_ref(auth.backend)}",
        f"        permissions {_names(permissions)}",
    ]
    if auth.jwt_algorithm or auth.jwt_expiration or auth.jwt_extra_claims:
        lines.append(
            f"        jwt {auth.jwt_algorithm or '-'}, expiration "
            f"{auth.jwt_expiration if auth.jwt_expiration is not None else '-'}, extra claims "
            f"{_names(auth.jwt_extra_claims)}"
        )
    if auth.rate_limiter is not None:
        lines.append(f"        rate limiter {_ref(auth.rate_limiter)}")
    return lines
