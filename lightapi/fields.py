"""``Field()``: pydantic's Field plus LightAPI's column options, remembering where it was called."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from collections.abc import Callable
from types import EllipsisType
from typing import Any, Final, TypeVar, overload

import pydantic
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from lightapi.spec.declarations import FieldDecl
from lightapi.spec.diagnostics import relative_path
from lightapi.spec.model import MISSING, SourceLocation
from lightapi.spec.types import TypeRef

__all__ = ["Field"]

_T = TypeVar("_T")
_PYDANTIC_KEYWORDS: Final = frozenset(inspect.signature(pydantic.Field).parameters) - {"extra"}
# Keys a plain pydantic.Field(...) files under json_schema_extra that are LightAPI options.
_COLUMN_OPTIONS: Final = ("foreign_key", "unique", "index")
_INFO_ATTRIBUTES: Final = (
    "title",
    "description",
    "examples",
    "alias",
    "validation_alias",
    "serialization_alias",
    "exclude",
    "json_schema_extra",
    "frozen",
    "deprecated",
    "discriminator",
)


@dataclasses.dataclass(frozen=True)
class ColumnOptions:
    """What ``lightapi.Field`` knows beyond pydantic, carried in the FieldInfo's metadata list.

    pydantic ignores metadata it does not know, so the FieldInfo stays a plain pydantic one
    (usable in any pydantic model) while the class front end can still read these back.
    """

    options: dict[str, Any]
    unknown: tuple[str, ...]
    location: SourceLocation


# The overloads type a field's value as its annotation (R18.3): ``x: int = Field(default="a")``
# is an error, a default or a factory must produce the annotated type, and a Field without
# either (constraints only) or with pydantic's ``...`` "required" marker fits any annotation.
@overload
def Field(
    default: EllipsisType,
    *,
    foreign_key: str | None = None,
    unique: bool = False,
    index: bool = False,
    exclude: bool = False,
    decimal_places: int | None = None,
    **kwargs: Any,
) -> Any: ...
@overload
def Field(
    default: _T,
    *,
    foreign_key: str | None = None,
    unique: bool = False,
    index: bool = False,
    exclude: bool = False,
    decimal_places: int | None = None,
    **kwargs: Any,
) -> _T: ...
@overload
def Field(
    *,
    default_factory: Callable[[], _T],
    foreign_key: str | None = None,
    unique: bool = False,
    index: bool = False,
    exclude: bool = False,
    decimal_places: int | None = None,
    **kwargs: Any,
) -> _T: ...
@overload
def Field(
    *,
    foreign_key: str | None = None,
    unique: bool = False,
    index: bool = False,
    exclude: bool = False,
    decimal_places: int | None = None,
    **kwargs: Any,
) -> Any: ...
def Field(
    default: Any = PydanticUndefined,
    *,
    foreign_key: str | None = None,
    unique: bool = False,
    index: bool = False,
    exclude: bool = False,
    decimal_places: int | None = None,
    **kwargs: Any,
) -> Any:
    """Declare a field: every ``pydantic.Field`` keyword plus the column options of R2.8.

    Unknown keywords do not raise here; the endpoint's compiler reports them (LA012) together
    with every other problem of the class.
    """
    caller = sys._getframe(1)
    known = {key: value for key, value in kwargs.items() if key in _PYDANTIC_KEYWORDS}
    info = pydantic.Field(
        default,
        exclude=exclude or None,
        decimal_places=decimal_places,
        **known,
    )
    column_options = {"foreign_key": foreign_key, "unique": unique, "index": index}
    info.metadata.append(
        ColumnOptions(
            options={key: value for key, value in column_options.items() if value},
            unknown=tuple(key for key in kwargs if key not in _PYDANTIC_KEYWORDS),
            location=SourceLocation(
                file=relative_path(caller.f_code.co_filename), line=caller.f_lineno
            ),
        )
    )
    return info


def column_options(info: FieldInfo) -> ColumnOptions | None:
    return next((item for item in info.metadata if isinstance(item, ColumnOptions)), None)


def field_options(info: FieldInfo) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Every option set on a FieldInfo as ``keyword: value``, and the unknown keywords.

    Works the same for ``lightapi.Field`` and a plain ``pydantic.Field`` (R2.8).
    """
    options: dict[str, Any] = {}
    column = column_options(info)
    for item in info.metadata:
        if isinstance(item, ColumnOptions):
            continue
        if dataclasses.is_dataclass(item):
            options.update(
                (entry.name, getattr(item, entry.name)) for entry in dataclasses.fields(item)
            )
        elif hasattr(item, "__dict__"):
            options.update(vars(item))
    for name in _INFO_ATTRIBUTES:
        value = getattr(info, name, None)
        if value is not None:
            options[name] = value
    unknown: tuple[str, ...] = ()
    if column is not None:
        options.update(column.options)
        unknown = column.unknown
    elif isinstance(info.json_schema_extra, dict):
        extra = dict(info.json_schema_extra)
        options.update((key, extra.pop(key)) for key in _COLUMN_OPTIONS if key in extra)
        if extra:
            options["json_schema_extra"] = extra
        else:
            options.pop("json_schema_extra", None)
    if options.get("exclude") is False:
        del options["exclude"]
    return options, unknown


def field_declaration(
    name: str,
    type_ref: TypeRef | None,
    type_error: str | None,
    value: Any,
    fallback: SourceLocation,
) -> FieldDecl:
    """The declaration of one annotated attribute whose class-body value is ``value``."""
    if not isinstance(value, FieldInfo):
        return FieldDecl(
            name=name,
            type=type_ref,
            type_error=type_error,
            default=value,
            location=fallback,
        )
    options, unknown = field_options(info=value)
    column = column_options(value)
    location = column.location if column is not None else fallback
    return FieldDecl(
        name=name,
        type=type_ref,
        type_error=type_error,
        options=options,
        unknown_options=unknown,
        default=MISSING if value.default is PydanticUndefined else value.default,
        # pydantic also allows factories taking the validated data; LightAPI calls them bare.
        default_factory=value.default_factory,  # type: ignore[arg-type]
        location=location,
    )
