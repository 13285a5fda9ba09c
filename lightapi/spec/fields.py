"""Field declarations -> FieldSpecs, with the field rules LA001-LA016 (SPEC §2.2-2.5)."""

from __future__ import annotations

import datetime
import decimal
import math
import operator
import re
import uuid
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from lightapi.spec.declarations import FieldDecl
from lightapi.spec.diagnostics import short_repr
from lightapi.spec.findings import Findings, did_you_mean
from lightapi.spec.model import (
    AUTOMATIC_COLUMNS,
    CONSTRAINT_NAMES,
    MISSING,
    ColumnType,
    Constraints,
    FieldOrigin,
    FieldSpec,
    ForeignKeySpec,
)
from lightapi.spec.types import (
    DECIMAL_CONSTRAINTS,
    ORDER_CONSTRAINTS,
    STRING_CONSTRAINTS,
    UNORDERED_TYPES,
    TypeRef,
)

RESERVED_NAMES: Final = frozenset(
    {
        "Meta",
        "queryset",
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "list",
        "retrieve",
        "create",
        "update",
        "destroy",
        "background",
        "request",
        "app",
        "metadata",
        "registry",
        "query",
        "c",
    }
)

LIGHTAPI_FIELD_OPTIONS: Final = ("foreign_key", "unique", "index", "exclude", "decimal_places")
ALIAS_OPTIONS: Final = ("alias", "validation_alias", "serialization_alias")
# The pydantic Field() keywords, for "did you mean" hints only; the front end decides what is
# unknown using the installed pydantic's own signature.
PYDANTIC_FIELD_OPTIONS: Final = (
    "default",
    "default_factory",
    "alias",
    "alias_priority",
    "validation_alias",
    "serialization_alias",
    "title",
    "field_title_generator",
    "description",
    "examples",
    "exclude",
    "discriminator",
    "deprecated",
    "json_schema_extra",
    "frozen",
    "validate_default",
    "repr",
    "init",
    "init_var",
    "kw_only",
    "pattern",
    "strict",
    "coerce_numbers_to_str",
    "gt",
    "ge",
    "lt",
    "le",
    "multiple_of",
    "allow_inf_nan",
    "max_digits",
    "decimal_places",
    "min_length",
    "max_length",
    "union_mode",
    "fail_fast",
)
# Keywords the IR models itself; everything else a Field() got is kept in schema_options.
_MODELLED: Final = frozenset(
    {
        *CONSTRAINT_NAMES,
        *LIGHTAPI_FIELD_OPTIONS,
        *ALIAS_OPTIONS,
        "default",
        "default_factory",
        "description",
    }
)
_FOREIGN_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*")
_ORDER: Final = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
_MUTABLE_DEFAULTS: Final = ((list, "list"), (dict, "dict"), (set, "set"), (bytearray, "bytearray"))

_AUTOMATIC_TYPES: Final = (
    ("id", ColumnType.INTEGER),
    ("created_at", ColumnType.DATETIME),
    ("updated_at", ColumnType.DATETIME),
    ("version", ColumnType.INTEGER),
)


def automatic_fields() -> tuple[FieldSpec, ...]:
    """``id``, ``created_at``, ``updated_at``, ``version`` (R2.12), set only by the framework."""
    return tuple(
        FieldSpec(
            name=name,
            column_type=column_type,
            python_type=column_type.value,
            nullable=False,
            required_on_create=False,
            primary_key=name == "id",
            origin=FieldOrigin.AUTOMATIC,
            read_only=True,
        )
        for name, column_type in _AUTOMATIC_TYPES
    )


def compile_field(endpoint: str, decl: FieldDecl, found: Findings) -> FieldSpec | None:
    """The FieldSpec of a declared field, or None when it is excluded or has errors."""
    subject = f"{endpoint}.{decl.name}"
    location = decl.location
    if decl.name in AUTOMATIC_COLUMNS:
        found.add("LA003", subject, location, field=decl.name)
        return None
    if "__" in decl.name or decl.name in RESERVED_NAMES:
        found.add("LA004", subject, location, field=decl.name)
        return None
    if decl.type is None:
        found.add("LA001", subject, location, field=decl.name, error=decl.type_error or "")
        return None
    options = decl.options
    clean = _check_options(decl, subject, found)
    if options.get("exclude") is True:
        for option in ("unique", "index", "foreign_key"):
            if options.get(option):
                found.add("LA015", subject, location, option=option, field=decl.name)
        _check_default(decl, decl.type, _constraints(options), subject, found)  # R23.15
        return None
    if decl.type.column_type is None:
        found.add("LA002", subject, location, annotation=decl.type.display, field=decl.name)
        return None
    clean = _check_constraints(decl, decl.type, subject, found) and clean
    constraints = _constraints(options)
    foreign_key = _foreign_key(decl, subject, found)
    clean = _check_default(decl, decl.type, constraints, subject, found) and clean
    if not clean:
        return None
    return FieldSpec(
        name=decl.name,
        column_type=decl.type.column_type,
        python_type=decl.type.display,
        nullable=decl.type.nullable,
        required_on_create=decl.default is MISSING and decl.default_factory is None,
        default=decl.default,
        default_factory=decl.default_factory,
        constraints=constraints,
        unique=bool(options.get("unique")),
        index=bool(options.get("index")),
        foreign_key=foreign_key,
        description=options.get("description"),
        schema_options=MappingProxyType(
            {key: value for key, value in options.items() if key not in _MODELLED}
        ),
        location=location,
    )


def _check_options(decl: FieldDecl, subject: str, found: Findings) -> bool:
    clean = True
    for option in decl.unknown_options:
        suggestion = did_you_mean(
            option,
            (*PYDANTIC_FIELD_OPTIONS, *LIGHTAPI_FIELD_OPTIONS),
            fallback="remove it; see the Field() options in the docs",
        )
        found.add(
            "LA012", subject, decl.location, field=decl.name, option=option, suggestion=suggestion
        )
        clean = False
    if any(decl.options.get(alias) is not None for alias in ALIAS_OPTIONS):
        found.add("LA014", subject, decl.location, field=decl.name)
        clean = False
    return clean


def _constraints(options: Mapping[str, Any]) -> Constraints:
    return Constraints(**{name: options.get(name) for name in CONSTRAINT_NAMES})


def _check_constraints(decl: FieldDecl, ref: TypeRef, subject: str, found: Findings) -> bool:
    column_type = ref.column_type
    clean = True
    for name in CONSTRAINT_NAMES:
        if decl.options.get(name) is None:
            continue
        code = None
        if name in STRING_CONSTRAINTS and column_type is not ColumnType.STRING:
            code = "LA005"
        elif name in ORDER_CONSTRAINTS and column_type in UNORDERED_TYPES:
            code = "LA006"
        elif name in DECIMAL_CONSTRAINTS and column_type is not ColumnType.DECIMAL:
            code = "LA007"
        if code:
            found.add(code, subject, decl.location, option=name, field=decl.name, type=ref.display)
            clean = False
    pattern = decl.options.get("pattern")
    if pattern is not None and column_type is ColumnType.STRING:
        try:
            re.compile(pattern)
        except (re.error, TypeError):
            found.add("LA016", subject, decl.location, field=decl.name)
            clean = False
    empty_range = _empty_range(decl.options)
    if clean and empty_range:
        low, high = empty_range
        found.add("LA013", subject, decl.location, low=low, high=high, field=decl.name)
        clean = False
    return clean


def _empty_range(options: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first pair of bounds that leaves no valid value, as ``name=value`` strings."""
    pairs = (
        ("min_length", "max_length", False),
        ("ge", "le", False),
        ("gt", "lt", True),
        ("gt", "le", True),
        ("ge", "lt", True),
        ("decimal_places", "max_digits", False),
    )
    for low, high, strict in pairs:
        low_value, high_value = options.get(low), options.get(high)
        if low_value is None or high_value is None:
            continue
        try:
            empty = low_value >= high_value if strict else low_value > high_value
        except TypeError:
            continue
        if empty:
            return f"{low}={low_value!r}", f"{high}={high_value!r}"
    return None


def _foreign_key(decl: FieldDecl, subject: str, found: Findings) -> ForeignKeySpec | None:
    target = decl.options.get("foreign_key")
    if target is None:
        return None
    if not isinstance(target, str) or not _FOREIGN_KEY.fullmatch(target):
        found.add("LA011", subject, decl.location, target=target, field=decl.name)
        return None
    table, column = target.split(".")
    return ForeignKeySpec(table=table, column=column)


def _check_default(
    decl: FieldDecl, ref: TypeRef, constraints: Constraints, subject: str, found: Findings
) -> bool:
    """R2.11: mutable (LA008), then wrong type (LA009), then constraints (LA010); one at most."""
    value = decl.default
    if value is MISSING:
        return True
    for kind, label in _MUTABLE_DEFAULTS:
        if isinstance(value, kind):
            found.add("LA008", subject, decl.location, field=decl.name, kind=label)
            return False
    if ref.column_type is None:
        return True  # an excluded field outside the type table: no type to validate against
    if not default_fits(value, ref):
        found.add(
            "LA009",
            subject,
            decl.location,
            default=short_repr(value),
            field=decl.name,
            type=ref.display,
        )
        return False
    violated = violated_constraint(value, constraints)
    if violated:
        found.add(
            "LA010",
            subject,
            decl.location,
            default=short_repr(value),
            field=decl.name,
            constraint=violated,
        )
        return False
    return True


def default_fits(value: Any, ref: TypeRef) -> bool:
    """Strict validity of a default (ints are accepted for float and Decimal)."""
    if value is None:
        return ref.nullable
    if isinstance(value, bool):
        return ref.column_type is ColumnType.BOOLEAN
    accepted: dict[ColumnType | None, tuple[type, ...]] = {
        ColumnType.STRING: (str,),
        ColumnType.INTEGER: (int,),
        ColumnType.FLOAT: (int, float),
        ColumnType.DATETIME: (datetime.datetime,),
        ColumnType.DATE: (datetime.date,),
        ColumnType.DECIMAL: (decimal.Decimal, int),
        ColumnType.UUID: (uuid.UUID,),
    }
    kinds = accepted.get(ref.column_type, ())
    if ref.column_type is ColumnType.DATE and isinstance(value, datetime.datetime):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False  # R2.6: NaN and ±Inf are not valid floats
    return isinstance(value, kinds)


def violated_constraint(value: Any, constraints: Constraints) -> str | None:
    """The first constraint ``value`` breaks, as ``name=value``; None when it satisfies all."""
    if value is None:
        return None
    for name, bound in constraints.items():
        if not _satisfies(value, name, bound):
            return f"{name}={bound!r}"
    return None


def _satisfies(value: Any, name: str, bound: Any) -> bool:
    try:
        if name == "min_length":
            return bool(len(value) >= bound)
        if name == "max_length":
            return bool(len(value) <= bound)
        if name == "pattern":
            return re.search(bound, value) is not None
        if name in _ORDER:
            return bool(_ORDER[name](value, bound))
        if name == "multiple_of":
            remainder = value % bound
            return bool(remainder == 0 or math.isclose(remainder, bound))
        if name in ("max_digits", "decimal_places"):
            digits, places = _decimal_shape(decimal.Decimal(value))
            return bool((digits if name == "max_digits" else places) <= bound)
    except (TypeError, ValueError, ArithmeticError, re.error):
        # A type problem is LA009's, a bad pattern LA016's; multiple_of=0 must not crash the
        # class statement (ArithmeticError covers ZeroDivisionError and decimal's errors).
        return True
    return True


def _decimal_shape(value: decimal.Decimal) -> tuple[int, int]:
    """(digits, decimal places) counted the way pydantic counts them."""
    _, digit_tuple, exponent = value.normalize().as_tuple()
    if not isinstance(exponent, int):
        return 0, 0
    if exponent >= 0:
        return len(digit_tuple) + exponent, 0
    places = -exponent
    return max(len(digit_tuple), places), places
