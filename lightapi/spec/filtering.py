"""``Meta.filtering`` rules (LA301-LA307, LA313) and the operators of each filter field (§7).

Which backends run (R7.1):

| backends given | active backends                                                   |
|----------------|-------------------------------------------------------------------|
| no (or empty)  | those implied by non-empty lists: Field, Search, Ordering, in order |
| yes            | exactly the given ones, in the given order (LA306 flags mismatches) |
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

from lightapi.spec.declarations import FilteringDecl
from lightapi.spec.findings import Findings, did_you_mean
from lightapi.spec.model import (
    FILTER_KINDS,
    ColumnType,
    FieldSpec,
    FilteringSpec,
    ObjectRef,
    PaginationSpec,
    RefKind,
)
from lightapi.spec.options import SubjectOf

RESERVED_PARAMETERS: Final = frozenset({"page", "page_size", "cursor", "ordering", "search"})
ORDERED_TYPES: Final = frozenset(
    {ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.DECIMAL, ColumnType.DATETIME, ColumnType.DATE}
)
# Each whitelist and the built-in backend that serves it.
_WHITELISTS: Final = (
    ("fields", RefKind.FIELD_FILTER, "FieldFilter"),
    ("search", RefKind.SEARCH_FILTER, "SearchFilter"),
    ("ordering", RefKind.ORDERING_FILTER, "OrderingFilter"),
)


def operators_for(field: FieldSpec) -> tuple[str, ...]:
    """The operators a filter field allows (R7.4): order comparisons on ordered types, ``isnull``
    on nullable fields, ``exact``/``ne``/``in`` everywhere."""
    operators = ["exact", "ne", "in"]
    if field.column_type in ORDERED_TYPES:
        operators += ["gt", "gte", "lt", "lte"]
    if field.nullable:
        operators.append("isnull")
    return tuple(operators)


def filtering_findings(decl: FilteringDecl, subject: SubjectOf, found: Findings) -> None:
    """Checks that need only the record (R1.4): backend kinds and backend/whitelist pairs."""
    for index, backend in enumerate(decl.backends):
        if backend.kind not in FILTER_KINDS:
            found.add("LA307", subject("backends"), decl.location, index=index)
    if not decl.backends_given:
        return
    kinds = {backend.kind for backend in decl.backends}
    for part, kind, name in _WHITELISTS:
        listed = bool(getattr(decl, part))
        if listed and kind not in kinds:
            found.add(
                "LA306",
                subject(part),
                decl.location,
                problem=f"Filtering.{part} is set but {name} is not in backends",
                fix="add the backend",
            )
        elif kind in kinds and not listed:
            found.add(
                "LA306",
                subject(part),
                decl.location,
                problem=f"{name} is in backends but Filtering.{part} is empty",
                fix=f"list names in {part}= or remove the backend",
            )


def active_backends(decl: FilteringDecl) -> tuple[ObjectRef, ...]:
    if decl.backends_given:
        return tuple(backend for backend in decl.backends if backend.kind in FILTER_KINDS)
    return tuple(
        ObjectRef(kind=kind, name=name) for part, kind, name in _WHITELISTS if getattr(decl, part)
    )


def compile_filtering(
    decl: FilteringDecl,
    endpoint: str,
    fields: tuple[FieldSpec, ...],
    declared: Iterable[str],
    pagination: PaginationSpec | None,
    found: Findings,
) -> FilteringSpec:
    """The resolved filtering; unknown names are dropped after being reported.

    ``declared`` holds every declared field name, so a field dropped for its own error is not
    reported again here."""
    prefix = f"{endpoint}.Meta.filtering"
    filtering_findings(decl, lambda part: prefix, found)
    by_name = {field.name: field for field in fields}
    known = frozenset((*by_name, *declared))

    def names(part: str, code: str) -> tuple[str, ...]:
        kept = []
        for name in getattr(decl, part):
            if name in known:
                kept.append(name)
                continue
            hint = did_you_mean(str(name), by_name, fallback="fields: {options}")
            found.add(
                code,
                f"{prefix}.{part}",
                decl.location,
                field=name,
                endpoint=endpoint,
                suggestion=hint,
            )
        return tuple(name for name in dict.fromkeys(kept) if name in by_name)

    filter_fields = names("fields", "LA301")
    search = names("search", "LA302")
    ordering = names("ordering", "LA303")
    for name in filter_fields:
        if name in RESERVED_PARAMETERS:
            found.add("LA305", f"{prefix}.fields", decl.location, field=name)
    for name in search:
        if by_name[name].column_type is not ColumnType.STRING:
            found.add(
                "LA304",
                f"{prefix}.search",
                decl.location,
                field=name,
                type=by_name[name].python_type,
            )
    if pagination is not None and pagination.style == "cursor":
        for name in ordering:
            if by_name[name].nullable:
                found.add("LA313", f"{prefix}.ordering", decl.location, field=name)
    filter_fields = tuple(name for name in filter_fields if name not in RESERVED_PARAMETERS)
    return FilteringSpec(
        backends=active_backends(decl),
        fields=filter_fields,
        search=tuple(name for name in search if by_name[name].column_type is ColumnType.STRING),
        ordering=ordering,
        operators=MappingProxyType({name: operators_for(by_name[name]) for name in filter_fields}),
    )
