"""``inspect`` and ``diagnose``: the public way to read what the compiler made (R3.5)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from lightapi.exceptions import SpecError
from lightapi.spec.diagnostics import Diagnostic


@runtime_checkable
class Compiled(Protocol):
    """Implemented by endpoint classes and apps: the spec and every diagnostic found."""

    def __lightapi_compiled__(self) -> tuple[Any, tuple[Diagnostic, ...]]: ...


def _compiled(obj: object) -> tuple[Any, tuple[Diagnostic, ...]]:
    method = getattr(obj, "__lightapi_compiled__", None)
    if method is None:
        raise TypeError(f"{obj!r} is neither an endpoint class nor a LightApi app")
    result: tuple[Any, tuple[Diagnostic, ...]] = method()
    return result


def inspect(obj: object) -> Any:
    """The EndpointSpec of an endpoint class or the AppSpec of an app; SpecError on errors."""
    spec, diagnostics = _compiled(obj)
    errors = tuple(item for item in diagnostics if item.is_error)
    if errors:
        raise SpecError(errors)
    return spec


def diagnose(obj: object) -> tuple[Diagnostic, ...]:
    """Every diagnostic of an endpoint class or app, errors and warnings; never raises."""
    return _compiled(obj)[1]
