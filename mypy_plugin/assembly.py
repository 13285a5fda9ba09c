"""What the plugin read -> the ``EndpointDecl`` the runtime front end would build, and the
diagnostics of the shared compiler that the plugin may report (R18.2).

A check runs only on what is certainly known. Unknown field options and record arguments are
left out of the declaration (leaving one out can only hide a problem, never invent one), and
where an unknown could change the outcome of a rule, that rule's codes are dropped:

| unknown                                        | codes not reported                          |
|------------------------------------------------|---------------------------------------------|
| a field's type or ``exclude``, a user base     | the field-name rules (LA201, LA202,         |
| class without data, a field value of ``**kw``  | LA301-LA305, LA313)                         |
| an argument of a Meta option record            | that option's codes (table ``OPTION_CODES``)|
| a verb mixin other than ``HttpMethod.*``       | the verb rules (LA105, LA404, LA405, LA503) |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from lightapi.spec.declarations import (
    AuthenticationDecl,
    CacheDecl,
    FieldDecl,
    FilteringDecl,
    HookDecl,
    OptionDecl,
    PaginationDecl,
    QuerysetDecl,
    SerializerDecl,
)
from lightapi.spec.model import (
    MISSING,
    ColumnType,
    ObjectRef,
    QuerysetKind,
    RefKind,
    SourceLocation,
)
from lightapi.spec.types import TypeRef
from mypy_plugin.encoding import decode
from mypy_plugin.values import UNKNOWN

# R18.2: the statically knowable codes the plugin reports.
PLUGIN_CODES: Final = frozenset(
    {f"LA{number:03d}" for number in (*range(2, 15), 16, 101, 102, 105, 106, 107)}
    | {f"LA{number}" for number in (*range(201, 207), *range(301, 306), *range(310, 314))}
    | {f"LA{number}" for number in (*range(401, 407), 409, 501, 502, 503)}
)
# Rules whose outcome depends on which fields exist and what type they have.
NAME_CODES: Final = frozenset(
    {"LA201", "LA202", "LA301", "LA302", "LA303", "LA304", "LA305", "LA313"}
)
VERB_CODES: Final = frozenset({"LA105", "LA404", "LA405", "LA503"})
OPTION_CODES: Final = {
    "pagination": frozenset({"LA310", "LA311", "LA312", "LA313"}),
    "filtering": frozenset({"LA301", "LA302", "LA303", "LA304", "LA305", "LA313"}),
    "serializer": frozenset({"LA201", "LA202", "LA203", "LA204", "LA205", "LA206", "LA503"}),
    "cache": frozenset({"LA501", "LA502"}),
    "authentication": frozenset({"LA401", "LA402", "LA403", "LA404", "LA405", "LA406", "LA409"}),
}
_DECLS: Final = {
    "pagination": PaginationDecl,
    "cache": CacheDecl,
    "filtering": FilteringDecl,
    "authentication": AuthenticationDecl,
    "serializer": SerializerDecl,
}
_NAME_LISTS: Final = frozenset(
    {"vary_on", "fields", "search", "ordering", "jwt_extra_claims", "read", "write"}
)


# Module name -> the file mypy read it from (locations name files, as lightapi check does).
PathOf = Callable[[str], str]


@dataclass
class Assembly:
    """An endpoint's declaration and the codes that cannot be judged for it."""

    unknown_codes: set[str] = field(default_factory=set)

    def uncertain(self, codes: frozenset[str]) -> None:
        self.unknown_codes |= codes


def _location(file: str, line: int) -> SourceLocation:
    return SourceLocation(file=file, line=line)


def _type_ref(data: dict[str, Any] | None) -> TypeRef | None:
    if data is None:
        return None
    column_type = data["column_type"]
    return TypeRef(
        column_type=ColumnType(column_type) if column_type is not None else None,
        nullable=data["nullable"],
        display=data["display"],
    )


def _no_factory() -> Any:
    """Stands in for a default_factory: the compiler only asks whether there is one."""
    return None


def field_decl(data: dict[str, Any], file: str, assembly: Assembly) -> FieldDecl:
    options = {}
    for name, encoded in data["options"].items():
        value = decode(encoded)
        if value is UNKNOWN:
            if name == "exclude":
                assembly.uncertain(NAME_CODES)
            continue
        options[name] = value
    default = decode(data["default"]) if "default" in data else MISSING
    if data.get("uncertain"):
        assembly.uncertain(NAME_CODES)
    type_ref = _type_ref(data["type"])
    if type_ref is None:
        # Unknown type: still a field (its name must not go missing), never judged by type.
        assembly.uncertain(NAME_CODES)
        type_ref = TypeRef(column_type=ColumnType.JSON, nullable=True, display="Any")
        options = {name: value for name, value in options.items() if name == "exclude"}
        default = MISSING
    return FieldDecl(
        name=data["name"],
        type=type_ref,
        options=MappingProxyType(options),
        unknown_options=tuple(data["unknown_options"]),
        default=MISSING if default is UNKNOWN else default,
        default_factory=_no_factory if data.get("factory") else None,
        location=_location(file, data["line"]),
    )


def _object_ref(data: dict[str, Any]) -> ObjectRef | None:
    if data["kind"] == "unknown":
        return None
    return ObjectRef(kind=RefKind(data["kind"]), name=data["name"])


def _names(value: Any) -> tuple[Any, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _argument(name: str, data: dict[str, Any]) -> Any:
    """One record argument as the runtime record would hold it, or UNKNOWN."""
    if "refs" in data:
        refs = [_object_ref(item) for item in data["refs"]]
        return UNKNOWN if None in refs else tuple(refs)
    if "ref" in data:
        given = data["ref"]
        if "map" in given:
            pairs = [(decode(key), _object_ref(item)) for key, item in given["map"]]
            if any(key is UNKNOWN or item is None for key, item in pairs):
                return UNKNOWN
            return dict(pairs)
        return UNKNOWN if given["kind"] == "unknown" else _object_ref(given)
    value = decode(data["value"])
    if value is UNKNOWN or name not in _NAME_LISTS or value is None:
        return value
    if name in ("fields", "read", "write") and not isinstance(value, (str, list, tuple, set)):
        return UNKNOWN
    return _names(value) if isinstance(value, (str, list, tuple)) else UNKNOWN


def _serializer(parts: dict[str, Any], base: dict[str, Any] | None, paths: PathOf) -> Any:
    """A SerializerDecl from a subclass body (``base``) and call arguments (``parts``)."""
    values: dict[str, Any] = {}
    locations: dict[str, SourceLocation] = {}
    if base is not None:
        for part, encoded in base["parts"].items():
            value = decode(encoded)
            values[part] = value if value is None or value is UNKNOWN else _names(value)
        for part, line in base["lines"].items():
            locations[part] = _location(paths(base["module"]), line)
    for part, value in parts.items():
        values[part] = value
        locations.pop(part, None)
    if any(value is UNKNOWN for value in values.values()):
        return UNKNOWN
    return values, locations


def option_value(data: dict[str, Any], file: str, paths: PathOf, assembly: Assembly) -> Any:
    """The Meta value the runtime would see: a ``*Decl``, a raw value, or UNKNOWN."""
    if "class" in data:
        return type(data["class"], (), {})  # only its name is ever read (LA102, LA204)
    if "serializer_class" in data:
        given = data["serializer_class"]
        built = _serializer({}, given, paths)
        if given["uncertain"] or built is UNKNOWN:
            return UNKNOWN
        values, locations = built
        return SerializerDecl(
            **values,
            location=_location(paths(given["module"]), given["line"]),
            part_locations=MappingProxyType(locations),
        )
    if "record" not in data:
        return decode(data["value"])
    kind = data["record"]
    arguments = {}
    uncertain = data["uncertain"]
    for argument, given in data["arguments"].items():
        value = _argument(argument, given)
        if value is UNKNOWN:
            uncertain = True
        else:
            arguments[argument] = value
    if uncertain:
        assembly.uncertain(OPTION_CODES[kind])
    location = _location(file, data["line"])
    if kind == "serializer":
        built = _serializer(arguments, data.get("base"), paths)
        if built is UNKNOWN or (data.get("base") or {}).get("uncertain"):
            assembly.uncertain(OPTION_CODES[kind])
            return UNKNOWN
        values, locations = built
        return SerializerDecl(
            **values, location=location, part_locations=MappingProxyType(locations)
        )
    if kind == "filtering":
        backends = arguments.pop("backends", ())
        arguments.update(backends=backends, backends_given=bool(backends))
    return _DECLS[kind](**arguments, location=location)


def meta_decls(
    options: list[tuple[dict[str, Any], str]], paths: PathOf, assembly: Assembly
) -> tuple[OptionDecl, ...]:
    """The Meta options (later classes of the Meta's MRO win, as at run time)."""
    found: dict[str, OptionDecl] = {}
    for data, file in options:
        value = option_value(data["value"], file, paths, assembly)
        if value is UNKNOWN:
            found.pop(data["name"], None)
            assembly.uncertain(OPTION_CODES.get(data["name"], frozenset()))
            continue
        found[data["name"]] = OptionDecl(
            name=data["name"], value=value, location=_location(file, data["line"])
        )
    return tuple(found.values())


def hook_decl(data: dict[str, Any], file: str) -> HookDecl:
    return HookDecl(
        name=data["name"],
        is_async=data["is_async"],
        signature_problem=data["problem"],
        location=_location(file, data["line"]),
    )


def queryset_decl(data: dict[str, Any], file: str) -> QuerysetDecl | None:
    """None for a queryset whose kind cannot be known (e.g. a ``select(...)`` value)."""
    if data["kind"] == "unknown":
        return None
    kind = None if data["kind"] is None else QuerysetKind(data["kind"])
    return QuerysetDecl(
        kind=kind, actual=data.get("actual", ""), location=_location(file, data["line"])
    )
