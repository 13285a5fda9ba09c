"""Phase P: what a production deployment should not run with (LA801-LA808, R4.11).

It reads the environment as the server would, so ``lightapi check --deploy`` in a deployment
pipeline judges the settings the app will really start with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from lightapi.spec.declarations import AppDecl
from lightapi.spec.diagnostics import Diagnostic
from lightapi.spec.findings import Findings
from lightapi.spec.login import LOGIN_BACKENDS, MINIMUM_SECRET_BYTES
from lightapi.spec.model import AppSpec

WRITE_VERBS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def deploy_findings(
    spec: AppSpec, decl: AppDecl, environ: Mapping[str, str]
) -> tuple[Diagnostic, ...]:
    found = Findings()
    where = decl.location
    secret = environ.get("LIGHTAPI_JWT_SECRET")
    secret_length = decl.jwt_secret_length
    if secret_length is None and secret:
        secret_length = len(secret.encode())
    if spec.jwt.used and secret_length is None:
        found.add("LA801", "app.jwt_secret", where)
    elif spec.jwt.used and secret_length is not None and secret_length < MINIMUM_SECRET_BYTES:
        found.add("LA802", "app.jwt_secret", where, length=secret_length)
    if spec.jwt.used and not spec.jwt.require_exp:
        found.add("LA807", "app.jwt_require_exp", where)
    for endpoint in spec.endpoints:
        if endpoint.methods & WRITE_VERBS and endpoint.auth is None:
            found.add("LA804", endpoint.name, endpoint.location, endpoint=endpoint.name)
    redis = decl.redis_url or environ.get("LIGHTAPI_REDIS_URL")
    if not redis and any(endpoint.cache is not None for endpoint in spec.endpoints):
        found.add("LA805", "app.redis_url", where)
    if spec.database is None and not environ.get("LIGHTAPI_DATABASE_URL"):
        found.add("LA806", "app.database_url", where)
    checks_credentials = spec.login_routes or any(
        endpoint.auth is not None
        and endpoint.auth.backend is not None
        and endpoint.auth.backend.kind in LOGIN_BACKENDS
        for endpoint in spec.endpoints
    )
    if checks_credentials and spec.rate_limit.enabled and not redis:
        found.add("LA808", "app.rate_limiter", where)
    return tuple(found.items)
