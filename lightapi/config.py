"""Meta option records (R1.2-R1.4) and the legacy ``Config`` settings object.

Each record is immutable, remembers the line that constructed it and validates its own
arguments; outside collect mode a bad argument raises SpecError at once. The compiler reads the
record's ``declaration`` (a frozen ``*Decl`` of ``lightapi.spec``), never the record itself.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from lightapi._refs import backend_ref, filter_ref, permission_refs, rate_limiter_ref
from lightapi._source import ClassSource
from lightapi.spec.authentication import JwtAlgorithm, authentication_findings
from lightapi.spec.declarations import (
    AuthenticationDecl,
    CacheDecl,
    FilteringDecl,
    PaginationDecl,
    SerializerDecl,
)
from lightapi.spec.diagnostics import relative_path, report
from lightapi.spec.filtering import filtering_findings
from lightapi.spec.findings import Findings
from lightapi.spec.model import ObjectRef, SourceLocation
from lightapi.spec.options import cache_findings, pagination_findings, serializer_findings

if TYPE_CHECKING:
    from lightapi.authentication import BaseAuthentication, BasePermission
    from lightapi.filters import BaseFilter
    from lightapi.rate_limiter import RateLimiter

__all__ = ["Authentication", "Cache", "Config", "Filtering", "Pagination", "Serializer", "config"]


# The parameter types say statically what the records check at run time (R18.3); the runtime
# still accepts any value and reports a wrong one as its LA code (R1.4), so the annotations
# change no behaviour. A permission is a class or an instance, alone or per verb (R10.1).
_Permission: TypeAlias = "type[BasePermission] | BasePermission"


def _caller(depth: int = 2) -> SourceLocation:
    frame = sys._getframe(depth)
    return SourceLocation(file=relative_path(frame.f_code.co_filename), line=frame.f_lineno)


def _names(value: Sequence[Any] | str | None) -> tuple[Any, ...]:
    """Lists and tuples are accepted alike; a lone string is one name."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


class _Record:
    """Immutable option record holding its declaration."""

    __slots__ = ("_declaration",)
    _declaration: Any

    def _freeze(self, declaration: Any) -> None:
        object.__setattr__(self, "_declaration", declaration)

    @property
    def declaration(self) -> Any:
        return self._declaration

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and _same_arguments(self, other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in _arguments(self).items())
        return f"{type(self).__name__}({arguments})"


def _arguments(record: _Record) -> dict[str, Any]:
    declaration = record.declaration
    return {
        key: getattr(declaration, key)
        for key in declaration.__dataclass_fields__
        if key not in ("location", "part_locations")
    }


def _same_arguments(a: _Record, b: _Record) -> bool:
    return _arguments(a) == _arguments(b)


def _check(record_name: str, check: Any, declaration: Any) -> None:
    found = Findings()
    check(declaration, lambda part: f"{record_name}.{part}", found)
    report(found.items)


def _raw(ref: ObjectRef | None) -> Any:
    return None if ref is None else ref.value


class Authentication(_Record):
    """``Meta.authentication``: backend, permission (or per-verb map) and JWT options (§10)."""

    __slots__ = ()

    def __init__(
        self,
        backend: type[BaseAuthentication] | BaseAuthentication | None = None,
        permission: _Permission | Mapping[str, _Permission] | None = None,
        jwt_expiration: int | None = None,
        jwt_extra_claims: Sequence[str] = (),
        jwt_algorithm: JwtAlgorithm | None = None,
        rate_limiter: RateLimiter | Mapping[str, int] | None = None,
    ) -> None:
        declaration = AuthenticationDecl(
            backend=backend_ref(backend),
            permission=permission_refs(permission),
            jwt_expiration=jwt_expiration,
            jwt_extra_claims=_names(jwt_extra_claims),
            jwt_algorithm=jwt_algorithm,
            rate_limiter=rate_limiter_ref(rate_limiter),
            location=_caller(),
        )
        self._freeze(declaration)
        _check("Authentication", authentication_findings, declaration)

    backend = property(lambda self: _raw(self.declaration.backend))
    jwt_expiration = property(lambda self: self.declaration.jwt_expiration)
    jwt_extra_claims = property(lambda self: self.declaration.jwt_extra_claims)
    jwt_algorithm = property(lambda self: self.declaration.jwt_algorithm)
    rate_limiter = property(lambda self: _raw(self.declaration.rate_limiter))

    @property
    def permission(self) -> Any:
        """The permission as declared: a class, an instance, a verb map or None."""
        permission = self.declaration.permission
        if isinstance(permission, Mapping):
            return {key: ref.value for key, ref in permission.items()}
        return _raw(permission)

    @property
    def permission_value(self) -> Any:
        """Compatible name of ``permission`` (0.x)."""
        return self.permission


class Filtering(_Record):
    """``Meta.filtering``: filter backends and the field whitelists of §7."""

    __slots__ = ()

    def __init__(
        self,
        backends: Sequence[type[BaseFilter]] = (),
        fields: Sequence[str] = (),
        search: Sequence[str] = (),
        ordering: Sequence[str] = (),
    ) -> None:
        given = _names(backends)
        declaration = FilteringDecl(
            backends=tuple(filter_ref(backend) for backend in given),
            backends_given=bool(given),
            fields=_names(fields),
            search=_names(search),
            ordering=_names(ordering),
            location=_caller(),
        )
        self._freeze(declaration)
        _check("Filtering", filtering_findings, declaration)

    backends = property(lambda self: tuple(ref.value for ref in self.declaration.backends))
    fields = property(lambda self: self.declaration.fields)
    search = property(lambda self: self.declaration.search)
    ordering = property(lambda self: self.declaration.ordering)


class Pagination(_Record):
    """``Meta.pagination``: page-number or cursor pages (§8)."""

    __slots__ = ()

    def __init__(
        self,
        style: Literal["page_number", "cursor"] = "page_number",
        page_size: int = 20,
        max_page_size: int | None = None,
    ) -> None:
        declaration = PaginationDecl(
            style=style, page_size=page_size, max_page_size=max_page_size, location=_caller()
        )
        self._freeze(declaration)
        _check("Pagination", pagination_findings, declaration)

    style = property(lambda self: self.declaration.style)
    page_size = property(lambda self: self.declaration.page_size)
    max_page_size = property(lambda self: self.declaration.max_page_size)


class Cache(_Record):
    """``Meta.cache``: response caching for ``ttl`` seconds, varying on headers (§14)."""

    __slots__ = ()

    def __init__(self, ttl: int = 60, vary_on: Sequence[str] = ()) -> None:
        declaration = CacheDecl(ttl=ttl, vary_on=_names(vary_on), location=_caller())
        self._freeze(declaration)
        _check("Cache", cache_findings, declaration)

    ttl = property(lambda self: self.declaration.ttl)
    vary_on = property(lambda self: self.declaration.vary_on)


class Serializer(_Record):
    """``Meta.serializer``: response projection, as an instance or a subclass (R2.17).

    ``Serializer(fields=[...])`` projects every response; ``read=``/``write=`` project GET and
    write responses separately. A subclass may set the same names as class attributes.
    """

    __slots__ = ()
    fields: ClassVar[Sequence[str] | None] = None
    read: ClassVar[Sequence[str] | None] = None
    write: ClassVar[Sequence[str] | None] = None
    __lightapi_declaration__: ClassVar[SerializerDecl]

    def __init__(
        self,
        fields: Sequence[str] | None = None,
        read: Sequence[str] | None = None,
        write: Sequence[str] | None = None,
    ) -> None:
        base = type(self).__lightapi_declaration__
        given = {"fields": fields, "read": read, "write": write}
        declaration = SerializerDecl(
            **{
                part: _projection(value) if value is not None else getattr(base, part)
                for part, value in given.items()
            },
            location=_caller(),
            # A part given here is written on this line, not on the subclass's attribute.
            part_locations={
                part: where for part, where in base.part_locations.items() if given[part] is None
            },
        )
        self._freeze(declaration)
        _check("Serializer", serializer_findings, declaration)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        frame = sys._getframe(1)
        source = ClassSource.find(frame.f_code.co_filename, frame.f_lineno, cls.__name__)
        parts = ("fields", "read", "write")
        declaration = SerializerDecl(
            **{part: _projection(getattr(cls, part)) for part in parts},
            location=source.location,
            part_locations={part: source.member(part) for part in parts if part in vars(cls)},
        )
        cls.__lightapi_declaration__ = declaration
        _check(cls.__name__, serializer_findings, declaration)

    def __getattribute__(self, name: str) -> Any:
        if name in ("fields", "read", "write"):
            return getattr(object.__getattribute__(self, "_declaration"), name)
        return object.__getattribute__(self, name)


Serializer.__lightapi_declaration__ = SerializerDecl()


def _projection(value: Sequence[str] | str | None) -> tuple[str, ...] | None:
    return None if value is None else _names(value)


class Config:
    """Legacy process-wide JWT settings, read as fallbacks by apps (R1.6, R10.8, R10.9)."""

    def __init__(
        self,
        jwt_secret: str | None = None,
        jwt_algorithm: str = "HS256",
        jwt_expiration: int = 3600,
    ) -> None:
        self.jwt_secret = jwt_secret
        self.jwt_algorithm = jwt_algorithm
        self.jwt_expiration = jwt_expiration

    def update(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            if not hasattr(self, key):
                raise TypeError(f"Config has no setting {key!r}")
            setattr(self, key, value)


config = Config()
