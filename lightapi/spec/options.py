"""Meta option declarations -> option specs, with the option rules (SPEC §2.6-2.7, §8, §14).

The record checks (``*_findings``) run twice with different subjects: when an option record is
constructed (R1.4, subject ``Pagination.style``) and when an endpoint that uses it is compiled
(subject ``BookEndpoint.Meta.pagination``); collect mode reports the problem once (R3.13).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Final

from lightapi.spec.declarations import (
    AuthenticationDecl,
    CacheDecl,
    FilteringDecl,
    OptionDecl,
    PaginationDecl,
    SerializerDecl,
)
from lightapi.spec.findings import Findings, did_you_mean
from lightapi.spec.model import (
    CacheSpec,
    FieldSpec,
    PaginationSpec,
    SerializerSpec,
    SourceLocation,
)

# Names the subject of a diagnostic about one part of a record: ``Pagination.style`` when the
# record is constructed, ``BookEndpoint.Meta.pagination`` once an endpoint uses it (R3.8).
SubjectOf = Callable[[str], str]

PAGINATION_STYLES: Final = ("page_number", "cursor")
REFLECT_VALUES: Final = {False: "none", True: "full", "full": "full", "partial": "partial"}
_HEADER_NAME: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

# Meta attribute -> (expected record or value, as said in LA102).
META_OPTIONS: Final = {
    "authentication": "an Authentication",
    "filtering": "a Filtering",
    "pagination": "a Pagination",
    "serializer": "a Serializer",
    "cache": "a Cache",
    "reflect": "False, True, 'full' or 'partial'",
    "table": "a str",
    "table_name": "a str",
    "description": "a str",
    "tags": "a sequence of str",
}
_RECORD_TYPES: Final = {
    "authentication": AuthenticationDecl,
    "filtering": FilteringDecl,
    "pagination": PaginationDecl,
    "serializer": SerializerDecl,
    "cache": CacheDecl,
}


def type_name(value: Any) -> str:
    """How a wrong value is named in a message: the class for classes and instances alike."""
    kind = value if isinstance(value, type) else type(value)
    return kind.__name__


def valid_meta(endpoint: str, options: Iterable[OptionDecl], found: Findings) -> dict[str, Any]:
    """Meta values by name, dropping unknown names (LA101) and values of the wrong kind (LA102)."""
    values: dict[str, Any] = {}
    for option in options:
        # R3.8: the subject names the attribute as written, like the YAML key of LA701.
        subject = f"{endpoint}.Meta.{option.name}"
        if option.name not in META_OPTIONS:
            suggestion = did_you_mean(
                option.name, META_OPTIONS, fallback="known options: {options}"
            )
            found.add("LA101", subject, option.location, option=option.name, suggestion=suggestion)
            continue
        if not _is_valid_value(option.name, option.value):
            if option.name == "serializer":
                found.add("LA204", subject, option.location, actual=type_name(option.value))
            else:
                found.add(
                    "LA102",
                    subject,
                    option.location,
                    option=option.name,
                    expected=META_OPTIONS[option.name],
                    actual=type_name(option.value),
                )
            continue
        values[option.name] = option.value
    return values


def _is_valid_value(name: str, value: Any) -> bool:
    record = _RECORD_TYPES.get(name)
    if record is not None:
        return isinstance(value, record)
    if name == "reflect":
        return isinstance(value, (bool, str)) and value in REFLECT_VALUES
    if name == "tags":
        return isinstance(value, (list, tuple)) and all(isinstance(tag, str) for tag in value)
    return isinstance(value, str)


# -- serializer (R2.17, R2.18) ----------------------------------------------------------------


def serializer_findings(decl: SerializerDecl, subject: SubjectOf, found: Findings) -> None:
    """Checks that need only the record itself (R1.4)."""
    if decl.fields is not None and (decl.read is not None or decl.write is not None):
        found.add("LA203", subject("fields"), decl.location_of("fields"))


def compile_serializer(
    decl: SerializerDecl | None,
    endpoint: str,
    output: tuple[FieldSpec, ...],
    declared: Iterable[str],
    excluded: Iterable[str],
    found: Findings,
) -> SerializerSpec:
    """Resolve projections to explicit tuples in output order; unknown names are dropped.

    ``declared`` holds every declared name, so a field dropped for its own error is not also
    reported as unknown here."""
    every = tuple(spec.name for spec in output)
    known = frozenset((*every, *declared))
    if decl is None:
        return SerializerSpec(read=every, write=every)
    subject = f"{endpoint}.Meta.serializer"
    serializer_findings(decl, lambda part: subject, found)
    excluded_names = frozenset(excluded)

    def project(part: str, names: tuple[str, ...] | None) -> tuple[str, ...]:
        if names is None:
            return every
        location = decl.location_of(part)
        if not names:
            found.add("LA206", subject, location, part=part)
        seen: set[str] = set()
        for name in names:
            if name in seen:
                found.add("LA205", subject, location, field=name, part=part)
            seen.add(name)
            if name in excluded_names:
                found.add("LA202", subject, location, field=name, part=part)
            elif name not in known:
                found.add("LA201", subject, location, field=name, part=part, endpoint=endpoint)
        return tuple(name for name in every if name in seen)

    if decl.fields is not None:
        both = project("fields", decl.fields)
        return SerializerSpec(read=both, write=both)
    return SerializerSpec(read=project("read", decl.read), write=project("write", decl.write))


# -- pagination (R8.1) -------------------------------------------------------------------------


def resolved_max_page_size(decl: PaginationDecl) -> Any:
    if decl.max_page_size is not None:
        return decl.max_page_size
    page_size = decl.page_size if isinstance(decl.page_size, int) else 0
    return max(100, page_size)


def pagination_findings(decl: PaginationDecl, subject: SubjectOf, found: Findings) -> None:
    if decl.style not in PAGINATION_STYLES:
        found.add("LA310", subject("style"), decl.location, style=decl.style)
    maximum = resolved_max_page_size(decl)
    if not_int(maximum) or maximum < 1:
        found.add("LA312", subject("max_page_size"), decl.location, max_page_size=maximum)
    elif not_int(decl.page_size) or not 1 <= decl.page_size <= maximum:
        found.add(
            "LA311",
            subject("page_size"),
            decl.location,
            page_size=decl.page_size,
            max_page_size=maximum,
        )


def not_int(value: Any) -> bool:
    return not isinstance(value, int) or isinstance(value, bool)


def compile_pagination(decl: PaginationDecl, subject: str, found: Findings) -> PaginationSpec:
    pagination_findings(decl, lambda part: subject, found)
    return PaginationSpec(
        style=str(decl.style),
        page_size=decl.page_size,
        max_page_size=resolved_max_page_size(decl),
    )


# -- cache (R14.1) -----------------------------------------------------------------------------


def cache_findings(decl: CacheDecl, subject: SubjectOf, found: Findings) -> None:
    if not_int(decl.ttl) or decl.ttl < 1:
        found.add("LA501", subject("ttl"), decl.location, ttl=decl.ttl)
    for header in decl.vary_on:
        if not isinstance(header, str) or not _HEADER_NAME.fullmatch(header):
            found.add("LA502", subject("vary_on"), decl.location, header=header)


def compile_cache(decl: CacheDecl, subject: str, authenticated: bool, found: Findings) -> CacheSpec:
    cache_findings(decl, lambda part: subject, found)
    return CacheSpec(
        ttl=decl.ttl,
        vary_on=tuple(str(header).lower() for header in decl.vary_on),
        vary_on_user=authenticated,
    )


def option_location(options: Iterable[OptionDecl], name: str) -> SourceLocation | None:
    return next((option.location for option in options if option.name == name), None)
