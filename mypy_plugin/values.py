"""Expressions of mypy's tree -> the Python values they certainly denote, or ``UNKNOWN``.

The plugin never imports user code (R18.1), so a value is known only when it is written as a
literal: numbers, strings, ``True``/``False``/``None``, lists, tuples, sets and dicts of them,
negative numbers, ``Decimal("1.5")``-style constructors of the type table, and names bound to
such a literal with ``Final``. Everything else is ``UNKNOWN``, and checks that would need it do
not run (R18.2: no false positives).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any, Final

from mypy.nodes import (
    CallExpr,
    DictExpr,
    Expression,
    FloatExpr,
    IntExpr,
    ListExpr,
    MemberExpr,
    NameExpr,
    RefExpr,
    SetExpr,
    StrExpr,
    TupleExpr,
    UnaryExpr,
    Var,
)


class _Unknown:
    """A value the plugin cannot know statically."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()

# Constructors whose literal arguments give a known value (what users write as defaults).
_CONSTRUCTORS: Final[dict[str, Callable[..., Any]]] = {
    "decimal.Decimal": decimal.Decimal,
    "datetime.date": datetime.date,
    "datetime.datetime": datetime.datetime,
    "uuid.UUID": uuid.UUID,
    "builtins.list": list,
    "builtins.dict": dict,
    "builtins.set": set,
}
_CONSTANTS: Final = {"builtins.True": True, "builtins.False": False, "builtins.None": None}


def literal(expression: Expression) -> Any:
    """The value ``expression`` certainly has, or ``UNKNOWN``."""
    if isinstance(expression, (IntExpr, StrExpr, FloatExpr)):
        return expression.value
    if isinstance(expression, UnaryExpr) and expression.op in ("-", "+"):
        operand = literal(expression.expr)
        if isinstance(operand, (int, float)) and not isinstance(operand, bool):
            return -operand if expression.op == "-" else operand
        return UNKNOWN
    if isinstance(expression, (ListExpr, TupleExpr, SetExpr)):
        items = [literal(item) for item in expression.items]
        if any(item is UNKNOWN for item in items):
            return UNKNOWN
        kind: type = {ListExpr: list, TupleExpr: tuple, SetExpr: set}[type(expression)]
        try:
            return kind(items)
        except TypeError:  # an unhashable item in a set literal
            return UNKNOWN
    if isinstance(expression, DictExpr):
        return _dict(expression)
    if isinstance(expression, CallExpr):
        return _constructed(expression)
    if isinstance(expression, RefExpr):
        return _named(expression)
    return UNKNOWN


def _dict(expression: DictExpr) -> Any:
    pairs = []
    for key_expression, value_expression in expression.items:
        if key_expression is None:  # ``**other``
            return UNKNOWN
        key, value = literal(key_expression), literal(value_expression)
        if key is UNKNOWN or value is UNKNOWN:
            return UNKNOWN
        pairs.append((key, value))
    try:
        return dict(pairs)
    except TypeError:
        return UNKNOWN


def _named(expression: RefExpr) -> Any:
    if expression.fullname in _CONSTANTS:
        return _CONSTANTS[expression.fullname]
    node = expression.node
    if isinstance(node, Var) and node.is_final and node.final_value is not None:
        value = node.final_value
        return value if isinstance(value, (int, float, str, bool)) else UNKNOWN
    return UNKNOWN


def _constructed(call: CallExpr) -> Any:
    constructor = _CONSTRUCTORS.get(callee_name(call))
    if constructor is None or any(name is not None for name in call.arg_names):
        return UNKNOWN
    arguments = [literal(argument) for argument in call.args]
    if any(argument is UNKNOWN for argument in arguments):
        return UNKNOWN
    try:
        return constructor(*arguments)
    except (TypeError, ValueError, ArithmeticError):
        return UNKNOWN


def callee_name(call: CallExpr) -> str:
    """The fully qualified name of what ``call`` calls, or "" when it is not a plain name."""
    callee = call.callee
    if isinstance(callee, (NameExpr, MemberExpr)):
        return callee.fullname or ""
    return ""
