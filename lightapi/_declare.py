"""The class front end: reads an endpoint class into an ``EndpointDecl`` for the compiler.

Nothing here judges the declaration; it only records what the user wrote and where, so that
every rule lives in ``lightapi.spec`` and is shared with the YAML front end and the mypy plugin.
"""

from __future__ import annotations

import functools
import inspect
import sys
import typing
from collections.abc import Callable, Iterator
from types import CodeType
from typing import Any

from lightapi._source import ClassSource
from lightapi.fields import field_declaration
from lightapi.methods import _VerbMixin, declared_verbs
from lightapi.spec.compile import HOOK_ARITY
from lightapi.spec.declarations import (
    EndpointDecl,
    FieldDecl,
    HookDecl,
    OptionDecl,
    QuerysetDecl,
)
from lightapi.spec.diagnostics import relative_path
from lightapi.spec.model import MISSING, QuerysetKind, SourceLocation
from lightapi.spec.types import describe_annotation


def user_classes(cls: type, base: type) -> Iterator[type]:
    """Classes of ``cls``'s MRO that hold user declarations (endpoints and plain mixins), base
    classes first; ``base`` itself, ``object`` and LightAPI's own mixins are skipped."""
    for klass in reversed(cls.__mro__):
        if klass is object or klass is base or klass is _VerbMixin or "_verb" in vars(klass):
            continue
        yield klass


def class_source(klass: type) -> ClassSource:
    """The source of an endpoint class (recorded at creation) or of any other class."""
    recorded = klass.__dict__.get("__lightapi_source__")
    if isinstance(recorded, ClassSource):
        return recorded
    try:
        filename = inspect.getsourcefile(klass) or "<unknown>"
        line = inspect.getsourcelines(klass)[1]
    except (OSError, TypeError):
        filename, line = getattr(sys.modules.get(klass.__module__), "__file__", "<unknown>"), 0
    return ClassSource.find(filename or "<unknown>", line, klass.__name__)


def _class_defaults(klass: type) -> dict[str, Any]:
    """Field values of one class body: moved aside for endpoints, still in place for mixins."""
    if "__lightapi_defaults__" in klass.__dict__:
        moved: dict[str, Any] = klass.__dict__["__lightapi_defaults__"]
        return moved
    return {name: klass.__dict__[name] for name in own_field_names(klass) if name in klass.__dict__}


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.split("[")[0].strip() in ("ClassVar", "typing.ClassVar")
    return annotation is typing.ClassVar or typing.get_origin(annotation) is typing.ClassVar


def own_field_names(cls: type) -> list[str]:
    """Annotated names of ``cls``'s own body that are fields (R2.3)."""
    annotations = inspect.get_annotations(cls)
    return [
        name
        for name, annotation in annotations.items()
        if not name.startswith("_") and name != "Meta" and not _is_classvar(annotation)
    ]


def take_defaults(cls: type) -> dict[str, Any]:
    """Move class-body values of fields out of the class (R2.4) and return them."""
    defaults: dict[str, Any] = {}
    for name in own_field_names(cls):
        if name in cls.__dict__:
            defaults[name] = cls.__dict__[name]
            delattr(cls, name)
    return defaults


@functools.lru_cache(maxsize=1024)
def _compiled(annotation: str) -> CodeType:
    """An annotation's code, compiled once: a module repeats the same few annotations."""
    return compile(annotation, "<string>", "eval")  # the file name eval() would report


def _namespaces(klass: type) -> tuple[dict[str, Any], dict[str, Any]]:
    """Where a class's string annotations are evaluated, as ``typing.get_type_hints`` does:
    its module's globals (the module dict itself, not a copy) and the class body's names."""
    module = sys.modules.get(klass.__module__)
    return (vars(module) if module is not None else {}), dict(vars(klass))


def _resolve(
    annotation: Any, namespaces: tuple[dict[str, Any], dict[str, Any]]
) -> tuple[Any, str | None]:
    if not isinstance(annotation, str):
        return annotation, None
    resolved: Any = annotation
    try:
        # A quoted annotation under ``from __future__ import annotations`` is a string twice.
        for _ in range(3):
            if not isinstance(resolved, str):
                break
            resolved = eval(_compiled(resolved), *namespaces)
    except Exception as error:  # any failure to evaluate is reported as LA001
        return None, f"{type(error).__name__}: {error}"
    return resolved, None


def field_declarations(cls: type, base: type) -> tuple[FieldDecl, ...]:
    """Fields over the MRO, base classes first; a redeclaration replaces in place (R2.3)."""
    found: dict[str, FieldDecl] = {}
    for klass in user_classes(cls, base):
        annotations = inspect.get_annotations(klass)
        defaults = _class_defaults(klass)
        source = class_source(klass)
        namespaces = _namespaces(klass)
        for name in own_field_names(klass):
            resolved, error = _resolve(annotations[name], namespaces)
            if error is None and _is_classvar(resolved):
                continue
            found[name] = field_declaration(
                name,
                None if error else describe_annotation(resolved),
                error,
                defaults.get(name, MISSING),
                source.member(name),
            )
    return tuple(found.values())


def _function_location(function: Any, fallback: SourceLocation) -> SourceLocation:
    code = getattr(inspect.unwrap(function), "__code__", None)
    if code is None:
        return fallback
    return SourceLocation(file=relative_path(code.co_filename), line=code.co_firstlineno)


def _signature_problem(name: str, function: Any) -> str | None:
    arguments = HOOK_ARITY[name]
    shown = ", ".join(("self", *arguments))
    problem = f"{name}() must accept ({shown})"
    if not callable(function):
        return problem
    try:
        inspect.signature(function).bind(None, *arguments)
    except TypeError:
        return problem
    except ValueError:  # no signature available (a builtin): trust it
        return None
    return None


def _defined(cls: type, base: type, name: str) -> tuple[type, Any] | None:
    for klass in reversed(list(user_classes(cls, base))):
        if name in klass.__dict__:
            return klass, klass.__dict__[name]
    return None


def hook_declarations(cls: type, base: type) -> tuple[HookDecl, ...]:
    hooks = []
    fallback = class_source(cls).location
    for name in HOOK_ARITY:
        defined = _defined(cls, base, name)
        if defined is None:
            continue
        function = defined[1]
        hooks.append(
            HookDecl(
                name=name,
                is_async=inspect.iscoroutinefunction(function),
                signature_problem=_signature_problem(name, function),
                location=_function_location(function, fallback),
            )
        )
    return tuple(hooks)


def _is_select(value: Any) -> bool:
    """A SQLAlchemy Select, judged without importing SQLAlchemy (it is loaded if one exists)."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.sql import Select

    return isinstance(value, Select)


def queryset_declaration(cls: type, base: type) -> QuerysetDecl | None:
    defined = _defined(cls, base, "queryset")
    if defined is None:
        return None
    klass, value = defined
    source = class_source(klass)
    if _is_select(value):
        return QuerysetDecl(kind=QuerysetKind.STATIC, location=source.member("queryset"))
    if callable(value):
        kind = QuerysetKind.ASYNC if inspect.iscoroutinefunction(value) else QuerysetKind.SYNC
        return QuerysetDecl(kind=kind, location=_function_location(value, source.location))
    return QuerysetDecl(kind=None, actual=type(value).__name__, location=source.member("queryset"))


def _meta_source(cls: type, meta: type) -> Callable[[str], SourceLocation]:
    """Where each attribute of a Meta class (or one of its bases) is written (R23.4)."""
    for klass in cls.__mro__:
        if klass.__dict__.get("Meta") is meta and "__lightapi_source__" in klass.__dict__:
            return class_source(klass).nested("Meta").member
    return class_source(meta).member


def _option_value(value: Any) -> Any:
    """Option records are read through their declaration; other values stay as written."""
    declaration = getattr(value, "__lightapi_declaration__", None)
    if isinstance(value, type) and declaration is not None:
        return declaration
    from lightapi.config import _Record

    if isinstance(value, _Record):
        return value.declaration
    return value


def meta_declarations(cls: type) -> tuple[OptionDecl, ...]:
    meta = getattr(cls, "Meta", None)
    if not isinstance(meta, type):
        return ()
    options: dict[str, OptionDecl] = {}
    for klass in reversed(meta.__mro__):
        if klass is object:
            continue
        where = _meta_source(cls, klass)
        for name, value in vars(klass).items():
            if not name.startswith("_"):
                options[name] = OptionDecl(
                    name=name, value=_option_value(value), location=where(name)
                )
    return tuple(options.values())


def endpoint_declaration(cls: type, base: type) -> EndpointDecl:
    source = class_source(cls)
    doc = cls.__dict__.get("__doc__")
    return EndpointDecl(
        name=cls.__name__,
        qualname=cls.__qualname__,
        module=cls.__module__,
        location=source.location,
        fields=field_declarations(cls, base),
        meta=meta_declarations(cls),
        methods=declared_verbs(cls),
        hooks=hook_declarations(cls, base),
        queryset=queryset_declaration(cls, base),
        docstring=inspect.cleandoc(doc) if isinstance(doc, str) else None,
    )
