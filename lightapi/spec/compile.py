"""Endpoint declarations -> EndpointSpec: resolves every default and runs every class rule."""

from __future__ import annotations

import re
from typing import Any, Final

from lightapi.spec.authentication import compile_authentication
from lightapi.spec.declarations import EndpointDecl, HookDecl
from lightapi.spec.diagnostics import Diagnostic
from lightapi.spec.fields import automatic_fields, compile_field
from lightapi.spec.filtering import compile_filtering
from lightapi.spec.findings import Findings
from lightapi.spec.model import (
    COLLECTION_OPERATIONS,
    DETAIL_OPERATIONS,
    VERBS,
    AuthSpec,
    CacheSpec,
    EndpointSpec,
    FieldSpec,
    FilteringSpec,
    HookSpec,
    LockingSpec,
    Operation,
    OverridesSpec,
    PaginationSpec,
    QuerysetKind,
)
from lightapi.spec.options import (
    REFLECT_VALUES,
    compile_cache,
    compile_pagination,
    compile_serializer,
    option_location,
    valid_meta,
)
from lightapi.spec.reflection import ColumnDecl, reflected_fields

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
VERB_HOOKS: Final = {verb.lower(): verb for verb in VERBS}
# Built-in helpers that may be overridden, each with its async twin (R2.23).
HELPER_TWINS: Final = {
    "list": "_list_async",
    "retrieve": "_retrieve_async",
    "create": "_create_async",
    "update": "_update_async",
    "destroy": "_destroy_async",
}
# Hook name -> how many positional arguments after self it must accept (R2.22, R2.23).
HOOK_ARITY: Final = {
    **dict.fromkeys(VERB_HOOKS, ("request",)),
    "list": ("request",),
    "retrieve": ("request", "pk"),
    "create": ("data",),
    "update": ("data", "pk"),
    "destroy": ("request", "pk"),
    "_list_async": ("request",),
    "_retrieve_async": ("request", "pk"),
    "_create_async": ("data",),
    "_update_async": ("data", "pk"),
    "_destroy_async": ("request", "pk"),
}
assert set(HELPER_TWINS) | set(HELPER_TWINS.values()) <= set(HOOK_ARITY)


def default_table_name(class_name: str) -> str:
    """R2.14: ``BlogPostEndpoint`` -> ``blog_posts``, ``APIKeyEndpoint`` -> ``api_keys``."""
    name = class_name.lstrip("_")
    if name.endswith("Endpoint") and name != "Endpoint":
        name = name[: -len("Endpoint")]
    name = re.sub(r"([A-Z])([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return name.lower() + "s"


def default_tag(class_name: str) -> str:
    if class_name.endswith("Endpoint") and class_name != "Endpoint":
        return class_name[: -len("Endpoint")]
    return class_name


# Checks that need the table's columns: deferred until a reflected table is read (R3.16).
COLUMN_CHECKS: Final = frozenset(
    {"LA201", "LA202", "LA301", "LA302", "LA303", "LA304", "LA305", "LA313", "LA503"}
)


def compile_endpoint(
    decl: EndpointDecl, columns: tuple[ColumnDecl, ...] | None = None
) -> tuple[EndpointSpec, tuple[Diagnostic, ...]]:
    """The endpoint's spec (best effort when it has errors) and every diagnostic found.

    A reflected endpoint (``Meta.reflect``) is compiled twice: from its declaration alone, with
    the checks that need its columns deferred, then with ``columns`` once its table was read.
    """
    found = Findings()
    name = decl.name
    user_fields: list[FieldSpec] = []
    excluded: list[str] = []
    for field_decl in decl.fields:
        spec = compile_field(name, field_decl, found)
        if spec is not None:
            user_fields.append(spec)
        elif field_decl.options.get("exclude") is True:
            excluded.append(field_decl.name)
    meta = valid_meta(name, decl.meta, found)
    methods = decl.methods if decl.methods is not None else frozenset(VERBS)
    overrides = _overrides(decl, methods, found)
    table = _table_name(decl, meta, found)
    reflect = REFLECT_VALUES[meta.get("reflect", False)]
    fields: tuple[FieldSpec, ...] = (*user_fields, *automatic_fields())
    locking = LockingSpec(enabled=True, column="version")
    if reflect == "full" and decl.fields:
        found.add("LA608", f"{name}.Meta.reflect", option_location(decl.meta, "reflect"))
    if reflect != "none" and columns is not None:
        fields, locking = reflected_fields(
            name,
            table,
            columns,
            tuple(user_fields),
            reflect == "partial",
            option_location(decl.meta, "reflect") or decl.location,  # table problems: that line
            found,
        )
    elif reflect != "none":
        fields = tuple(user_fields) if reflect == "partial" else ()

    declared = [field_decl.name for field_decl in decl.fields]
    serializer = compile_serializer(meta.get("serializer"), name, fields, declared, excluded, found)
    if (
        locking.enabled
        and methods & {"PUT", "PATCH"}
        and "version" not in serializer.write
        and meta.get("serializer") is not None
    ):
        serializer_decl = meta["serializer"]
        part = "fields" if serializer_decl.fields is not None else "write"  # what sets write
        found.add("LA503", f"{name}.Meta.serializer", serializer_decl.location_of(part))

    auth: AuthSpec | None = None
    if "authentication" in meta:
        auth = compile_authentication(meta["authentication"], name, methods, found)
    pagination: PaginationSpec | None = None
    if "pagination" in meta:
        pagination = compile_pagination(meta["pagination"], f"{name}.Meta.pagination", found)
    cache: CacheSpec | None = None
    if "cache" in meta:
        cache = compile_cache(meta["cache"], f"{name}.Meta.cache", auth is not None, found)
    filtering: FilteringSpec | None = None
    if "filtering" in meta:
        filterable = [field for field in declared if field not in excluded]
        filtering = compile_filtering(
            meta["filtering"], name, fields, filterable, pagination, found
        )
    _check_list_options(decl, meta, methods, overrides, found)

    endpoint = EndpointSpec(
        name=name,
        qualname=decl.qualname,
        module=decl.module,
        location=decl.location,
        path=None,
        table=table,
        reflect=reflect,
        fields=fields,
        excluded=tuple(excluded),
        methods=frozenset(methods),
        operations=operations_for(methods),
        overrides=overrides,
        auth=auth,
        filtering=filtering,
        pagination=pagination,
        serializer=serializer,
        cache=cache,
        locking=locking,
        description=meta.get("description", decl.docstring),
        tags=tuple(meta.get("tags", (default_tag(name),))),
    )
    deferred = reflect != "none" and columns is None
    if deferred:
        return endpoint, tuple(item for item in found.items if item.code not in COLUMN_CHECKS)
    return endpoint, tuple(found.items)


def operations_for(methods: frozenset[str]) -> frozenset[Operation]:
    return frozenset(
        operation
        for table in (COLLECTION_OPERATIONS, DETAIL_OPERATIONS)
        for verb, operation in table.items()
        if verb in methods
    )


def _table_name(decl: EndpointDecl, meta: dict[str, Any], found: Findings) -> str:
    table, table_name = meta.get("table"), meta.get("table_name")
    if table is not None and table_name is not None and table != table_name:
        found.add(
            "LA103",
            f"{decl.name}.Meta.table",
            option_location(decl.meta, "table"),
            table=table,
            table_name=table_name,
        )
    chosen = table if table is not None else table_name
    if chosen is None:
        return default_table_name(decl.name)
    if not _IDENTIFIER.fullmatch(chosen):
        key = "table" if table is not None else "table_name"
        found.add("LA104", f"{decl.name}.Meta.{key}", option_location(decl.meta, key), table=chosen)
    return str(chosen)


def _overrides(decl: EndpointDecl, methods: frozenset[str], found: Findings) -> OverridesSpec:
    names = {hook.name for hook in decl.hooks}
    for hook in decl.hooks:
        subject = f"{decl.name}.{hook.name}"
        if hook.signature_problem:
            found.add(
                "LA106",
                subject,
                hook.location,
                problem=hook.signature_problem,
                fix="fix the signature",
            )
        verb = VERB_HOOKS.get(hook.name)
        if verb is not None and verb not in methods:
            found.add("LA105", subject, hook.location, hook=hook.name, verb=verb)
        twin = HELPER_TWINS.get(hook.name)
        if twin is not None and twin in names:
            found.add(
                "LA106",
                subject,
                hook.location,
                problem=f"{hook.name}() and {twin}() are both overridden",
                fix="override only one of them",
            )
    queryset = QuerysetKind.NONE
    if decl.queryset is not None:
        if decl.queryset.kind is None:
            found.add(
                "LA107",
                f"{decl.name}.queryset",
                decl.queryset.location,
                actual=decl.queryset.actual,
            )
        else:
            queryset = decl.queryset.kind
    return OverridesSpec(hooks=tuple(_hook_spec(hook) for hook in decl.hooks), queryset=queryset)


def _hook_spec(hook: HookDecl) -> HookSpec:
    return HookSpec(name=hook.name, is_async=hook.is_async)


def _check_list_options(
    decl: EndpointDecl,
    meta: dict[str, Any],
    methods: frozenset[str],
    overrides: OverridesSpec,
    found: Findings,
) -> None:
    """LA110: list options do nothing when the built-in GET does not run (R2.24)."""
    if "GET" not in methods:
        reason = "GET is not an allowed method"
    elif overrides.get("get") is not None:
        reason = f"{decl.name} overrides get()"
    else:
        return
    for option in ("cache", "pagination", "filtering"):
        if option in meta:
            found.add(
                "LA110",
                f"{decl.name}.Meta.{option}",
                option_location(decl.meta, option),
                option=option,
                reason=reason,
            )
