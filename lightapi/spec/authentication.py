"""``Meta.authentication`` rules (LA401-LA406, LA409, LA412) and per-verb permissions (§10.1).

Decision table the compiler resolves for every allowed verb (R10.2, R10.3):

| permission given | backend set | verb's permission                         |
|------------------|-------------|-------------------------------------------|
| None             | yes         | IsAuthenticated                           |
| None             | no          | AllowAny                                  |
| one permission   | any         | that permission                           |
| verb map         | any         | the listed one, else IsAuthenticated      |

A permission needing a user (IsAuthenticated, IsAdminUser) without a backend is LA405.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, get_args

from lightapi.spec.declarations import AuthenticationDecl
from lightapi.spec.findings import Findings
from lightapi.spec.model import (
    BACKEND_KINDS,
    PERMISSION_KINDS,
    VERBS,
    AuthSpec,
    ObjectRef,
    RefKind,
)
from lightapi.spec.options import SubjectOf, not_int

# The one list of supported algorithms (LA406), also the type of Authentication(jwt_algorithm=).
JwtAlgorithm: TypeAlias = Literal["HS256", "HS384", "HS512"]
JWT_ALGORITHMS: Final[tuple[str, ...]] = get_args(JwtAlgorithm)
USER_PERMISSIONS: Final = frozenset({RefKind.IS_AUTHENTICATED, RefKind.IS_ADMIN_USER})
IS_AUTHENTICATED: Final = ObjectRef(kind=RefKind.IS_AUTHENTICATED, name="IsAuthenticated")
ALLOW_ANY: Final = ObjectRef(kind=RefKind.ALLOW_ANY, name="AllowAny")


def _permission_entries(decl: AuthenticationDecl) -> list[tuple[Any, ObjectRef]]:
    permission = decl.permission
    if permission is None:
        return []
    if isinstance(permission, ObjectRef):
        return [(None, permission)]
    return list(permission.items())


def verb_key(key: Any) -> str | None:
    """A permission map key as a verb (``"get"`` is accepted as ``GET``), or None."""
    if isinstance(key, str) and key.upper() in VERBS:
        return key.upper()
    return None


def authentication_findings(decl: AuthenticationDecl, subject: SubjectOf, found: Findings) -> None:
    """Checks that need only the record (R1.4)."""
    where = decl.location
    if decl.backend is not None and decl.backend.kind not in BACKEND_KINDS:
        found.add("LA401", subject("backend"), where, actual=decl.backend.name)
    for key, permission in _permission_entries(decl):
        if key is not None and verb_key(key) is None:
            found.add("LA403", subject("permission"), where, key=key)
        if permission.kind not in PERMISSION_KINDS:
            found.add("LA402", subject("permission"), where, actual=permission.name)
    algorithm = decl.jwt_algorithm
    if algorithm is not None and algorithm not in JWT_ALGORITHMS:
        found.add("LA406", subject("jwt_algorithm"), where, algorithm=algorithm)
    expiration = decl.jwt_expiration
    if expiration is not None and (not_int(expiration) or expiration < 1):
        found.add("LA409", subject("jwt_expiration"), where)
    limiter = decl.rate_limiter
    if limiter is not None and limiter.kind not in (RefKind.RATE_LIMITER, RefKind.LIMITS):
        found.add("LA412", subject("rate_limiter"), where)


def resolved_permissions(decl: AuthenticationDecl, methods: frozenset[str]) -> dict[str, ObjectRef]:
    """Every allowed verb's permission, per the decision table above."""
    permission = decl.permission
    allowed = [verb for verb in VERBS if verb in methods]
    if permission is None:
        default = IS_AUTHENTICATED if decl.backend is not None else ALLOW_ANY
        return dict.fromkeys(allowed, default)
    if isinstance(permission, ObjectRef):
        return dict.fromkeys(allowed, permission)
    listed = {verb_key(key): value for key, value in permission.items()}
    return {verb: listed.get(verb, IS_AUTHENTICATED) for verb in allowed}


def compile_authentication(
    decl: AuthenticationDecl, endpoint: str, methods: frozenset[str], found: Findings
) -> AuthSpec:
    subject = f"{endpoint}.Meta.authentication"
    authentication_findings(decl, lambda part: subject, found)
    if isinstance(decl.permission, Mapping):
        for key in decl.permission:
            verb = verb_key(key)
            if verb is not None and verb not in methods:
                found.add("LA404", subject, decl.location, verb=verb)
    permissions = resolved_permissions(decl, methods)
    if decl.backend is None:
        for verb, permission in permissions.items():
            if permission.kind in USER_PERMISSIONS:
                found.add("LA405", subject, decl.location, permission=permission.name, verb=verb)
    expiration = decl.jwt_expiration
    return AuthSpec(
        backend=decl.backend,
        permissions=MappingProxyType(permissions),
        jwt_algorithm=decl.jwt_algorithm,
        jwt_expiration=expiration if isinstance(expiration, int) else None,
        jwt_extra_claims=tuple(str(claim) for claim in decl.jwt_extra_claims),
        rate_limiter=decl.rate_limiter,
        location=decl.location,
    )
