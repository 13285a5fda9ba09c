"""The plugin's entry point: which hooks mypy calls for LightAPI classes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Final

from mypy.nodes import Import, ImportAll, ImportFrom, MypyFile, TypeInfo, Var
from mypy.plugin import AttributeContext, ClassDefContext, Plugin, ReportConfigContext
from mypy.types import Instance, Type

import lightapi.spec
from mypy_plugin.checking import check_endpoint, is_endpoint
from mypy_plugin.reading import KEY, SERIALIZER, serializer_class

COLUMN_ATTRIBUTE: Final = "sqlalchemy.orm.attributes.InstrumentedAttribute"


def column_attribute(column: TypeInfo) -> Callable[[AttributeContext], Type]:
    """``BookEndpoint.title`` is the mapped column, as in a SQLAlchemy model (R18.3)."""
    return lambda ctx: Instance(column, [ctx.default_attr_type])


def _imports_lightapi(file: MypyFile) -> bool:
    for node in file.imports:
        names = [name for name, _ in node.ids] if isinstance(node, Import) else []
        if isinstance(node, (ImportFrom, ImportAll)):
            names = [node.id]
        if any(name == "lightapi" or name.startswith("lightapi.") for name in names):
            return True
    return False


def record_serializer(ctx: ClassDefContext) -> None:
    """Keep a Serializer subclass's parts with its class, for endpoints of other modules."""
    info = ctx.cls.info
    info.metadata.get(KEY, {}).pop("serializer", None)
    serializer_class(info)


@cache
def _rules_digest() -> str:
    """A digest of the plugin and the rules: a new LightAPI invalidates mypy's cache."""
    digest = hashlib.sha256()
    for package in (Path(__file__).parent, Path(lightapi.spec.__file__).parent):
        for source in sorted(package.glob("*.py")):
            digest.update(source.read_bytes())
    return digest.hexdigest()


class LightApiPlugin(Plugin):
    """Checks endpoint classes with the rules of ``lightapi.spec`` (R18.2)."""

    def report_config_data(self, ctx: ReportConfigContext) -> Any:
        return _rules_digest()

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        # The type of columns accessed on endpoint classes must be known to mypy.
        return [(10, "sqlalchemy.orm.attributes", -1)] if _imports_lightapi(file) else []

    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        owner, _, name = fullname.rpartition(".")
        symbol = self.lookup_fully_qualified(owner)
        if symbol is None or not isinstance(symbol.node, TypeInfo) or name.startswith("_"):
            return None
        info = symbol.node
        found = info.get(name)  # the automatic columns are declared on RestEndpoint
        node = found.node if found is not None else None
        if not isinstance(node, Var) or node.is_classvar or not is_endpoint(info):
            return None
        column = self.lookup_fully_qualified(COLUMN_ATTRIBUTE)
        if column is None or not isinstance(column.node, TypeInfo):
            return None
        return column_attribute(column.node)

    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        # Called with each base named in a class statement, for the class being defined.
        symbol = self.lookup_fully_qualified(fullname)
        if symbol is None or not isinstance(symbol.node, TypeInfo):
            return None
        if is_endpoint(symbol.node):
            return check_endpoint
        if any(klass.fullname == SERIALIZER for klass in symbol.node.mro):
            return record_serializer
        return None


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point (R18.1)."""
    return LightApiPlugin
