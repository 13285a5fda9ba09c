"""An endpoint class in mypy's tree -> the shared compiler -> mypy errors at the right lines.

Called from the base-class hook of every ``RestEndpoint`` subclass. The class and its user
bases are read (``reading``), assembled into the declaration the runtime would build
(``assembly``), compiled by ``lightapi.spec.compile_endpoint`` and every diagnostic of the
R18.2 subset is reported with the error code ``lightapi``: the message as ``lightapi check``
prints it, the hint as a note.
"""

from __future__ import annotations

from typing import Any, Final

from mypy.errorcodes import ErrorCode
from mypy.nodes import AssignmentStmt, Context, NameExpr, TypeInfo
from mypy.plugin import ClassDefContext

from lightapi.spec.compile import compile_endpoint
from lightapi.spec.declarations import EndpointDecl, FieldDecl, HookDecl, QuerysetDecl
from lightapi.spec.diagnostics import Diagnostic
from lightapi.spec.model import SourceLocation
from mypy_plugin.assembly import (
    PLUGIN_CODES,
    VERB_CODES,
    Assembly,
    field_decl,
    hook_decl,
    meta_decls,
    queryset_decl,
)
from mypy_plugin.reading import KEY, Incomplete, meta_options, read_class

LIGHTAPI: Final = ErrorCode("lightapi", "LightAPI endpoint declarations (SPEC §3.6)", "LightAPI")
REST_ENDPOINT: Final = "lightapi.rest.RestEndpoint"
VERB_MIXIN: Final = "lightapi.methods._VerbMixin"
VERB_PREFIX: Final = "lightapi.methods.HttpMethod."


def is_endpoint(info: TypeInfo) -> bool:
    return any(klass.fullname == REST_ENDPOINT for klass in info.mro)


def _module_path(ctx: ClassDefContext, info: TypeInfo) -> str:
    return _path_of(ctx, info.module_name)


def _path_of(ctx: ClassDefContext, module_name: str) -> str:
    module = ctx.api.modules.get(module_name)
    return module.path if module is not None else module_name


def _user_classes(info: TypeInfo) -> list[TypeInfo]:
    """The classes holding user declarations, base classes first (lightapi._declare)."""
    return [
        klass
        for klass in reversed(info.mro)
        if not klass.fullname.startswith(("builtins.", "lightapi."))
        and "_verb" not in klass.names  # a verb mixin of the user's
    ]


def _methods(info: TypeInfo, assembly: Assembly) -> frozenset[str] | None:
    """The verbs of the mixins among the bases (lightapi.methods.declared_verbs)."""
    verbs = set()
    for klass in info.mro:
        if "_verb" not in klass.names or klass.fullname == VERB_MIXIN:
            continue
        if klass.fullname.startswith(VERB_PREFIX):
            verbs.add(klass.fullname[len(VERB_PREFIX) :])
        else:
            assembly.uncertain(VERB_CODES)  # a verb mixin of the user's: its verb is unknown
    return frozenset(verbs) or None


def _meta(info: TypeInfo, ctx: ClassDefContext, assembly: Assembly) -> list[Any]:
    """The options of the Meta the class sees (its own or a base's), with their files."""
    meta = next(
        (
            klass.names["Meta"].node
            for klass in info.mro
            if "Meta" in klass.names and isinstance(klass.names["Meta"].node, TypeInfo)
        ),
        None,
    )
    if not isinstance(meta, TypeInfo):
        return []
    options: list[Any] = []
    for klass in reversed(meta.mro):
        if klass.fullname == "builtins.object":
            continue
        own = meta_options(klass)
        if own is None:
            assembly.uncertain(PLUGIN_CODES)  # a Meta base we cannot read: judge nothing
            continue
        path = _module_path(ctx, klass)
        options.extend((option, path) for option in own)
    return options


def assemble(ctx: ClassDefContext) -> tuple[EndpointDecl, Assembly]:
    info = ctx.cls.info
    info.metadata.pop(KEY, None)  # read the class being analysed afresh on every pass
    assembly = Assembly()
    fields: dict[str, FieldDecl] = {}
    hooks: dict[str, HookDecl] = {}
    queryset: QuerysetDecl | None = None
    lookup = ctx.api.lookup_fully_qualified_or_none
    for klass in _user_classes(info):
        path = _module_path(ctx, klass)
        data = read_class(klass, path, lookup)
        for item in data["fields"]:
            fields[item["name"]] = field_decl(item, path, assembly)
        for item in data["hooks"]:
            hooks[item["name"]] = hook_decl(item, path)
        if data["queryset"] is not None:
            queryset = queryset_decl(data["queryset"], path)
    path = _module_path(ctx, info)
    declaration = EndpointDecl(
        name=info.name,
        qualname=info.name,
        module=info.module_name,
        location=SourceLocation(file=path, line=ctx.cls.line),
        fields=tuple(fields.values()),
        meta=meta_decls(_meta(info, ctx, assembly), lambda name: _path_of(ctx, name), assembly),
        methods=_methods(info, assembly),
        hooks=tuple(hooks.values()),
        queryset=queryset,
    )
    return declaration, assembly


def _is_abstract(ctx: ClassDefContext) -> bool:
    """``_base_only = True`` in the class's own body (R2.20)."""
    return any(
        isinstance(statement, AssignmentStmt)
        and any(isinstance(t, NameExpr) and t.name == "_base_only" for t in statement.lvalues)
        and isinstance(statement.rvalue, NameExpr)
        and statement.rvalue.fullname == "builtins.True"
        for statement in ctx.cls.defs.body
    )


def check_endpoint(ctx: ClassDefContext) -> None:
    try:
        declaration, assembly = assemble(ctx)  # also stores what subclasses will need
    except Incomplete:
        if not ctx.api.final_iteration:
            ctx.api.defer()
        return
    if _is_abstract(ctx):
        return
    _, diagnostics = compile_endpoint(declaration)
    path = _module_path(ctx, ctx.cls.info)
    for diagnostic in diagnostics:
        if diagnostic.code in PLUGIN_CODES and diagnostic.code not in assembly.unknown_codes:
            report(ctx, diagnostic, path)


def report(ctx: ClassDefContext, diagnostic: Diagnostic, path: str) -> None:
    """At the diagnostic's line when it is in this file, else at the class statement."""
    location = diagnostic.location
    line = location.line if location is not None and location.file == path else ctx.cls.line
    context = Context(line=line or ctx.cls.line, column=-1)
    text = f"{diagnostic.code} {diagnostic.severity.value}: {diagnostic.subject}: "
    ctx.api.fail(text + diagnostic.message, context, code=LIGHTAPI)
    if diagnostic.hint:
        ctx.api.msg.note(f"hint: {diagnostic.hint}", context, code=LIGHTAPI)
