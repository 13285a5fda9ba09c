"""One class body of mypy's tree -> what the user declared in it, as JSON-able data.

This is the plugin's front end: like ``lightapi._declare`` for classes, it records what was
written and where, and judges nothing. What it reads is stored on the class's ``TypeInfo``
(``metadata["lightapi"]``), so subclasses in other modules find it when this module comes from
mypy's cache (R18.1). ``mypy_plugin.assembly`` turns the data into declarations for the
compiler.
"""

from __future__ import annotations

from typing import Any, Final

from mypy.nodes import (
    ARG_NAMED,
    ARG_OPT,
    ARG_POS,
    ARG_STAR,
    AssignmentStmt,
    CallExpr,
    ClassDef,
    Decorator,
    DictExpr,
    Expression,
    FuncDef,
    ListExpr,
    NameExpr,
    OverloadedFuncDef,
    RefExpr,
    TempNode,
    TupleExpr,
    TypeInfo,
    Var,
)
from mypy.types import (
    AnyType,
    Instance,
    NoneType,
    PlaceholderType,
    ProperType,
    Type,
    UnboundType,
    UnionType,
    get_proper_type,
)

from lightapi.spec.compile import HOOK_ARITY
from lightapi.spec.fields import LIGHTAPI_FIELD_OPTIONS, PYDANTIC_FIELD_OPTIONS
from lightapi.spec.model import RefKind
from lightapi.spec.types import column_type_of, type_display
from mypy_plugin.encoding import encode
from mypy_plugin.values import UNKNOWN, callee_name, literal

KEY: Final = "lightapi"
FIELD_FUNCTIONS: Final = frozenset({"lightapi.fields.Field", "pydantic.fields.Field"})
RECORDS: Final = {
    "lightapi.config.Pagination": ("pagination", ("style", "page_size", "max_page_size")),
    "lightapi.config.Cache": ("cache", ("ttl", "vary_on")),
    "lightapi.config.Filtering": ("filtering", ("backends", "fields", "search", "ordering")),
    "lightapi.config.Authentication": (
        "authentication",
        (
            "backend",
            "permission",
            "jwt_expiration",
            "jwt_extra_claims",
            "jwt_algorithm",
            "rate_limiter",
        ),
    ),
    "lightapi.config.Serializer": ("serializer", ("fields", "read", "write")),
}
SERIALIZER: Final = "lightapi.config.Serializer"
SERIALIZER_PARTS: Final = ("fields", "read", "write")
# Classes the user passes, recognised by their bases as the runtime does (lightapi._refs).
REF_KINDS: Final = {
    "backend": (
        ("lightapi.authentication.JWTAuthentication", RefKind.JWT_BACKEND),
        ("lightapi.authentication.BasicAuthentication", RefKind.BASIC_BACKEND),
        ("lightapi.authentication.BaseAuthentication", RefKind.CUSTOM_BACKEND),
    ),
    "permission": (
        ("lightapi.authentication.AllowAny", RefKind.ALLOW_ANY),
        ("lightapi.authentication.IsAdminUser", RefKind.IS_ADMIN_USER),
        ("lightapi.authentication.IsAuthenticated", RefKind.IS_AUTHENTICATED),
        ("lightapi.authentication.BasePermission", RefKind.CUSTOM_PERMISSION),
    ),
    "filter": (
        ("lightapi.filters.FieldFilter", RefKind.FIELD_FILTER),
        ("lightapi.filters.SearchFilter", RefKind.SEARCH_FILTER),
        ("lightapi.filters.OrderingFilter", RefKind.ORDERING_FILTER),
        ("lightapi.filters.BaseFilter", RefKind.CUSTOM_FILTER),
    ),
}
RATE_LIMITER: Final = "lightapi.rate_limiter.RateLimiter"


class Incomplete(Exception):
    """A type in the class body is not analysed yet: mypy must come back later."""


# -- fields ------------------------------------------------------------------------------------


def describe_type(declared: Type | None) -> dict[str, Any] | None:
    """The TypeRef of an annotation as data, or None when it cannot be known (``Any``)."""
    proper = get_proper_type(declared)
    if proper is None or isinstance(proper, (AnyType, UnboundType)):  # unresolved: LA001's
        return None
    if isinstance(proper, PlaceholderType):
        raise Incomplete
    nullable, inner = False, proper
    if isinstance(proper, UnionType):
        members = [get_proper_type(item) for item in proper.items]
        others = [item for item in members if not isinstance(item, NoneType)]
        if any(isinstance(item, PlaceholderType) for item in members):
            raise Incomplete
        if any(isinstance(item, AnyType) for item in others):
            return None
        if len(others) == 1 and len(members) == 2:
            nullable, inner = True, others[0]
    column_type = None
    if isinstance(inner, Instance) and not inner.args and not inner.type.is_newtype:
        column_type = column_type_of(inner.type.fullname)
    if column_type is None:
        return {"column_type": None, "nullable": nullable, "display": _display(proper)}
    return {
        "column_type": column_type.value,
        "nullable": nullable,
        "display": type_display(column_type, nullable),
    }


def _display(proper: ProperType) -> str:
    """An annotation as the runtime shows it (``list[str]``, ``Optional[bytes]``)."""
    if isinstance(proper, Instance):
        arguments = [_display(get_proper_type(item)) for item in proper.args]
        return proper.type.name + (f"[{', '.join(arguments)}]" if arguments else "")
    if isinstance(proper, NoneType):
        return "None"
    if isinstance(proper, UnionType):
        items = [get_proper_type(item) for item in proper.items]
        others = [item for item in items if not isinstance(item, NoneType)]
        if len(others) == 1 and len(items) == 2:
            return f"Optional[{_display(others[0])}]"
        return " | ".join(_display(item) for item in items)
    return str(proper)


def _field_keywords(info_lookup: Any) -> frozenset[str]:
    """Keywords ``Field()`` knows: pydantic's installed signature as mypy sees it, plus ours."""
    names: set[str] = set(LIGHTAPI_FIELD_OPTIONS)
    symbol = info_lookup("pydantic.fields.Field")
    node = getattr(symbol, "node", None)
    functions: list[Any] = []
    if isinstance(node, OverloadedFuncDef):
        functions = [getattr(item, "func", item) for item in node.items]
    elif isinstance(node, FuncDef):
        functions = [node]
    for function in functions:
        names.update(name for name in function.arg_names if name)
    if len(names) == len(LIGHTAPI_FIELD_OPTIONS):  # pydantic not visible to mypy: the table
        names.update(PYDANTIC_FIELD_OPTIONS)
    return frozenset(names)


def _field(statement: AssignmentStmt, name: str, keywords: frozenset[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name,
        "type": describe_type(statement.type),
        "line": statement.line,
        "options": {},
        "unknown_options": [],
    }
    value = statement.rvalue
    if isinstance(value, CallExpr) and callee_name(value) in FIELD_FUNCTIONS:
        data.update(_field_call(value, callee_name(value), keywords))
    elif not _is_bare_annotation(statement):
        data["default"] = encode(literal(value))
    return data


def _is_bare_annotation(statement: AssignmentStmt) -> bool:
    """``x: int`` with no value: mypy gives it a TempNode rvalue."""
    return isinstance(statement.rvalue, TempNode) and statement.rvalue.no_rhs


def _field_call(call: CallExpr, function: str, keywords: frozenset[str]) -> dict[str, Any]:
    """``Field(...)`` as the runtime records it (lightapi.fields.field_options)."""
    options: dict[str, Any] = {}
    unknown: list[str] = []
    result: dict[str, Any] = {}
    for position, (argument, written, kind) in enumerate(
        zip(call.args, call.arg_names, call.arg_kinds, strict=True)
    ):
        name = "default" if kind == ARG_POS and position == 0 else written
        if kind not in (ARG_POS, ARG_NAMED) or name is None:
            result["uncertain"] = True  # *args or **kwargs: options we cannot see
            continue
        value = literal(argument)
        if name == "default":
            result["default"] = encode(value)
        elif name == "default_factory":
            result["factory"] = True
        elif name not in keywords:
            unknown.append(name)
        elif name == "json_schema_extra" and function == "pydantic.fields.Field":
            options.update(_schema_extra(value))
        else:
            options[name] = value
    cleaned = {
        name: encode(value)
        for name, value in options.items()
        if value is not None
        and not (name in ("unique", "index", "foreign_key", "exclude") and value is False)
        and not (name == "foreign_key" and value == "")
    }
    result.update(options=cleaned, unknown_options=unknown)
    return result


def _schema_extra(value: Any) -> dict[str, Any]:
    """A plain pydantic.Field files LightAPI's column options under json_schema_extra (R2.8)."""
    if not isinstance(value, dict):
        return {"json_schema_extra": value}
    extra = dict(value)
    options = {key: extra.pop(key) for key in ("foreign_key", "unique", "index") if key in extra}
    if extra:
        options["json_schema_extra"] = extra
    return options


def _field_statements(defn: ClassDef) -> list[tuple[AssignmentStmt, str]]:
    found = []
    for statement in defn.defs.body:
        if not isinstance(statement, AssignmentStmt) or len(statement.lvalues) != 1:
            continue
        target = statement.lvalues[0]
        if not isinstance(target, NameExpr) or statement.unanalyzed_type is None:
            continue
        name = target.name
        if name.startswith("_") or name == "Meta":
            continue
        if isinstance(target.node, Var) and target.node.is_classvar:
            continue
        found.append((statement, name))
    return found


# -- hooks and queryset ------------------------------------------------------------------------


def _signature_problem(name: str, function: FuncDef) -> str | None:
    """Whether ``function`` can be called as ``(self, *arguments)`` (R2.22, R2.23)."""
    arguments = HOOK_ARITY[name]
    wanted = 1 + len(arguments)
    kinds = function.arg_kinds
    positional = sum(1 for kind in kinds if kind in (ARG_POS, ARG_OPT))
    required = sum(1 for kind in kinds if kind == ARG_POS)
    fits = required <= wanted and (wanted <= positional or ARG_STAR in kinds)
    if fits and ARG_NAMED not in kinds:
        return None
    return f"{name}() must accept ({', '.join(('self', *arguments))})"


def _hooks(defn: ClassDef) -> list[dict[str, Any]]:
    hooks = []
    for statement in defn.defs.body:
        function, decorated = statement, False
        if isinstance(statement, Decorator):
            function, decorated = statement.func, True
        if not isinstance(function, FuncDef) or function.name not in HOOK_ARITY:
            continue
        hooks.append(
            {
                "name": function.name,
                "is_async": function.is_coroutine,
                # A decorator may change the signature; the runtime reads the wrapped one.
                "problem": None if decorated else _signature_problem(function.name, function),
                "line": function.line,
            }
        )
    return hooks


def _queryset(defn: ClassDef) -> dict[str, Any] | None:
    for statement in reversed(defn.defs.body):
        function = statement.func if isinstance(statement, Decorator) else statement
        if isinstance(function, FuncDef) and function.name == "queryset":
            kind = "async" if function.is_coroutine else "sync"
            return {"kind": kind, "line": function.line}
        if isinstance(statement, AssignmentStmt) and any(
            isinstance(t, NameExpr) and t.name == "queryset" for t in statement.lvalues
        ):
            value = literal(statement.rvalue)
            if value is UNKNOWN:
                return {"kind": "unknown", "line": statement.line}
            # A literal is never callable and never a Select: LA107.
            return {"kind": None, "actual": type(value).__name__, "line": statement.line}
    return None


# -- Meta options ------------------------------------------------------------------------------


def _class_of(expression: Expression) -> TypeInfo | None:
    if isinstance(expression, RefExpr) and isinstance(expression.node, TypeInfo):
        return expression.node
    return None


def ref(expression: Expression, table: str) -> dict[str, Any]:
    """A class or an instance the user passed, with its kind, or ``unknown``."""
    info, instance = _class_of(expression), False
    if info is None and isinstance(expression, CallExpr):
        info, instance = _class_of(expression.callee), True
    if info is None or info.fallback_to_any:
        return {"kind": "unknown"}
    bases = {klass.fullname for klass in info.mro}
    kind = RefKind.INVALID
    if not (table == "filter" and instance):  # filter backends are classes (R7.1)
        kind = next((kind for base, kind in REF_KINDS[table] if base in bases), RefKind.INVALID)
    return {"kind": kind.value, "name": info.name}


def _rate_limiter(expression: Expression) -> dict[str, Any]:
    if isinstance(expression, DictExpr):
        return {"kind": RefKind.LIMITS.value, "name": "dict"}
    info = _class_of(expression.callee) if isinstance(expression, CallExpr) else None
    if info is not None and info.fullname == RATE_LIMITER:
        return {"kind": RefKind.RATE_LIMITER.value, "name": "RateLimiter"}
    value = literal(expression)
    if value is UNKNOWN or info is not None:
        return {"kind": "unknown"}
    return {"kind": RefKind.INVALID.value, "name": type(value).__name__}


def _permission(expression: Expression) -> Any:
    if not isinstance(expression, DictExpr):
        return ref(expression, "permission")
    pairs = []
    for key, value in expression.items:
        if key is None:
            return {"kind": "unknown"}
        pairs.append([encode(literal(key)), ref(value, "permission")])
    return {"map": pairs}


def _record_argument(record: str, name: str, expression: Expression) -> Any:
    if record == "authentication" and name == "backend":
        return {"ref": ref(expression, "backend")}
    if record == "authentication" and name == "permission":
        return {"ref": _permission(expression)}
    if record == "authentication" and name == "rate_limiter":
        return {"ref": _rate_limiter(expression)}
    if record == "filtering" and name == "backends":
        if not isinstance(expression, (ListExpr, TupleExpr)):
            return {"value": encode(UNKNOWN)}
        return {"refs": [ref(item, "filter") for item in expression.items]}
    return {"value": encode(literal(expression))}


def record(call: CallExpr, fullname: str, serializer_base: dict[str, Any] | None) -> Any:
    """An option record call (``Pagination(page_size=5)``) as data."""
    kind, parameters = RECORDS[fullname]
    arguments: dict[str, Any] = {}
    uncertain = False
    for position, (argument, written, arg_kind) in enumerate(
        zip(call.args, call.arg_names, call.arg_kinds, strict=True)
    ):
        positional = arg_kind == ARG_POS and position < len(parameters)
        name = parameters[position] if positional else written
        if arg_kind not in (ARG_POS, ARG_NAMED) or name not in parameters:
            uncertain = True  # *args, **kwargs, or a wrong keyword mypy reports itself
            continue
        arguments[name] = _record_argument(kind, name, argument)
    data = {"record": kind, "arguments": arguments, "uncertain": uncertain, "line": call.line}
    if serializer_base is not None:
        data["base"] = serializer_base
    return data


def serializer_class(info: TypeInfo) -> dict[str, Any] | None:
    """The parts a Serializer subclass sets in its body (R2.17), over its own bases."""
    stored = info.metadata.get(KEY)
    if stored is not None and "serializer" in stored:
        return dict(stored["serializer"])
    if info.fullname == SERIALIZER:
        return {"parts": {}, "lines": {}, "line": 0, "module": "", "uncertain": False}
    if not info.defn.defs.body and info.names:
        return None  # its tree is gone and it holds no data of ours: nothing is known
    parts: dict[str, Any] = {}
    lines: dict[str, int] = {}
    uncertain = False
    for base in reversed(info.mro[1:]):
        if base.fullname.startswith(("builtins.", "lightapi.")) and base.fullname != SERIALIZER:
            continue
        inherited = serializer_class(base)
        if inherited is None:
            uncertain = True
            continue
        parts.update(inherited["parts"])
        uncertain = uncertain or inherited["uncertain"]
    for statement in info.defn.defs.body:
        if not isinstance(statement, AssignmentStmt):
            continue
        for target in statement.lvalues:
            if isinstance(target, NameExpr) and target.name in SERIALIZER_PARTS:
                parts[target.name] = encode(literal(statement.rvalue))
                lines[target.name] = statement.line
    data = {
        "parts": parts,
        "lines": lines,
        "line": info.line,
        "module": info.module_name,  # where lines point: the class may be in another file
        "uncertain": uncertain,
    }
    info.metadata.setdefault(KEY, {})["serializer"] = data
    return data


def _option_value(expression: Expression) -> Any:
    """One Meta attribute's value as data."""
    if isinstance(expression, CallExpr):
        info = _class_of(expression.callee)
        if info is not None:
            bases = {klass.fullname for klass in info.mro}
            if SERIALIZER in bases:
                base = serializer_class(info)
                if base is None:
                    return {"value": encode(UNKNOWN)}
                return record(expression, SERIALIZER, base)
            if info.fullname in RECORDS:
                return record(expression, info.fullname, None)
    info = _class_of(expression)
    if info is not None:
        if SERIALIZER in {klass.fullname for klass in info.mro}:
            parts = serializer_class(info)
            return {"serializer_class": parts} if parts is not None else {"value": encode(UNKNOWN)}
        if info.fallback_to_any:
            return {"value": encode(UNKNOWN)}
        return {"class": info.name}
    return {"value": encode(literal(expression))}


def meta_options(meta: TypeInfo) -> list[dict[str, Any]] | None:
    """The options a Meta class body sets, or None when unknown (cached without our data)."""
    stored = meta.metadata.get(KEY)
    if stored is not None and "options" in stored:
        return list(stored["options"])
    if not meta.defn.defs.body and meta.names:
        return None
    options = []
    for statement in meta.defn.defs.body:
        if isinstance(statement, AssignmentStmt):
            for target in statement.lvalues:
                if isinstance(target, NameExpr) and not target.name.startswith("_"):
                    options.append(
                        {
                            "name": target.name,
                            "value": _option_value(statement.rvalue),
                            "line": statement.line,
                        }
                    )
        elif isinstance(statement, (FuncDef, Decorator, ClassDef)):
            name = statement.name
            if not name.startswith("_"):
                options.append({"name": name, "value": {"value": encode(UNKNOWN)}, "line": 0})
    meta.metadata.setdefault(KEY, {})["options"] = options
    return options


# -- a class ----------------------------------------------------------------------------------


def read_class(info: TypeInfo, path: str, lookup: Any) -> dict[str, Any]:
    """A user class's own fields, hooks and queryset, read once and kept in its metadata."""
    stored = info.metadata.get(KEY)
    if stored is not None and "fields" in stored:
        return dict(stored)
    defn = info.defn
    if not defn.defs.body and info.names:
        return _from_symbols(info, path)
    keywords = _field_keywords(lookup)
    data = {
        "file": path,
        "line": defn.line,
        "fields": [
            _field(statement, name, keywords) for statement, name in _field_statements(defn)
        ],
        "hooks": _hooks(defn),
        "queryset": _queryset(defn),
    }
    info.metadata.setdefault(KEY, {}).update(data)
    return data


def _from_symbols(info: TypeInfo, path: str) -> dict[str, Any]:
    """A class whose tree mypy has freed and that holds no data of ours (a plain mixin of
    another module, never seen by a hook): its fields by name and type only, marked uncertain
    since their ``Field()`` options (``exclude`` among them) are gone."""
    fields = [
        {
            "name": name,
            "type": describe_type(symbol.node.type),
            "line": symbol.node.line,
            "options": {},
            "unknown_options": [],
            "default": encode(UNKNOWN),
            "uncertain": True,
        }
        for name, symbol in info.names.items()
        if isinstance(symbol.node, Var)
        and not name.startswith("_")
        and not symbol.node.is_classvar
        and symbol.node.type is not None
    ]
    hooks = []
    for name, symbol in info.names.items():
        node = symbol.node.func if isinstance(symbol.node, Decorator) else symbol.node
        if name in HOOK_ARITY and isinstance(node, FuncDef):
            hooks.append(
                {"name": name, "is_async": node.is_coroutine, "problem": None, "line": node.line}
            )
    return {"file": path, "line": info.line, "fields": fields, "hooks": hooks, "queryset": None}
