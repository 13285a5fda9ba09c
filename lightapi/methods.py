"""``HttpMethod``: verb mixins choosing which verbs an endpoint serves (R2.19)."""

from __future__ import annotations

from typing import ClassVar

__all__ = ["HttpMethod"]


class _VerbMixin:
    _verb: ClassVar[str]


class HttpMethod:
    """``class E(RestEndpoint, HttpMethod.GET, HttpMethod.POST)`` serves exactly GET and POST."""

    class GET(_VerbMixin):
        _verb = "GET"

    class POST(_VerbMixin):
        _verb = "POST"

    class PUT(_VerbMixin):
        _verb = "PUT"

    class PATCH(_VerbMixin):
        _verb = "PATCH"

    class DELETE(_VerbMixin):
        _verb = "DELETE"


def declared_verbs(cls: type) -> frozenset[str] | None:
    """The verbs of the mixins in ``cls``'s bases, or None when it uses no mixin (all verbs)."""
    verbs = frozenset(
        klass.__dict__["_verb"]
        for klass in cls.__mro__
        if issubclass(klass, _VerbMixin) and "_verb" in klass.__dict__
    )
    return verbs or None
