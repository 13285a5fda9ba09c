"""Line numbers of class members, read from the source file's AST (R3.9).

Front ends use this to point diagnostics at the offending line of a class body. Each file is
parsed once; code without a readable source (a REPL, ``exec``) falls back to the class line.
"""

from __future__ import annotations

import ast
import functools
import linecache
from collections.abc import Iterator

from lightapi.spec.diagnostics import relative_path
from lightapi.spec.model import SourceLocation

# filename -> (the line list linecache gave, its AST). linecache hands out the same list until
# the file changes, so an identity check finds a reparse is due without rereading the source.
_TREES: dict[str, tuple[list[str], ast.Module | None]] = {}


def _tree(filename: str) -> ast.Module | None:
    lines = linecache.getlines(filename)
    if not lines:
        return None
    cached = _TREES.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    try:
        tree: ast.Module | None = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        tree = None
    _TREES[filename] = (lines, tree)
    return tree


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement under ``body``, nested ones included; a class statement is only ever a
    statement, so expressions (most of a module's nodes) need no visit."""
    for statement in body:
        yield statement
        for name in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(statement, name, []))
        for part in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
            yield from _statements(part.body)


@functools.lru_cache(maxsize=64)
def _classes_by_name(tree: ast.Module) -> dict[str, list[ast.ClassDef]]:
    """Every ``class`` statement of a module by name: one pass per file, not one per class."""
    classes: dict[str, list[ast.ClassDef]] = {}
    for node in _statements(tree.body):
        if isinstance(node, ast.ClassDef):
            classes.setdefault(node.name, []).append(node)
    return classes


def class_node(filename: str, line: int, name: str) -> ast.ClassDef | None:
    """The ``class name`` statement starting at ``line`` (or the innermost one containing it)."""
    tree = _tree(filename)
    if tree is None:
        return None
    best: ast.ClassDef | None = None
    for node in _classes_by_name(tree).get(name, ()):
        if node.lineno == line:
            return node
        end = node.end_lineno or node.lineno
        if node.lineno <= line <= end and (best is None or node.lineno > best.lineno):
            best = node
    return best


def member_lines(node: ast.ClassDef | None) -> dict[str, int]:
    """Line of each name a class body binds: annotations, assignments, defs and nested classes."""
    lines: dict[str, int] = {}
    if node is None:
        return lines
    for statement in node.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        elif isinstance(statement, ast.Assign):
            targets = list(statement.targets)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            lines[statement.name] = statement.lineno
        for target in targets:
            if isinstance(target, ast.Name):
                lines.setdefault(target.id, statement.lineno)
    return lines


def nested_class(node: ast.ClassDef | None, name: str) -> ast.ClassDef | None:
    if node is None:
        return None
    return next(
        (item for item in node.body if isinstance(item, ast.ClassDef) and item.name == name),
        None,
    )


class ClassSource:
    """Where a class and its members are, for diagnostics."""

    def __init__(self, filename: str, line: int, node: ast.ClassDef | None) -> None:
        self.file = relative_path(filename)
        self.line = line
        self.node = node
        self.lines = member_lines(node)

    @classmethod
    def find(cls, filename: str, line: int, name: str) -> ClassSource:
        return cls(filename, line, class_node(filename, line, name))

    def nested(self, name: str) -> ClassSource:
        node = nested_class(self.node, name)
        line = node.lineno if node is not None else self.line
        source = ClassSource.__new__(ClassSource)
        source.file, source.line, source.node = self.file, line, node
        source.lines = member_lines(node)
        return source

    @property
    def location(self) -> SourceLocation:
        return SourceLocation(file=self.file, line=self.line)

    def member(self, name: str) -> SourceLocation:
        return SourceLocation(file=self.file, line=self.lines.get(name, self.line))
