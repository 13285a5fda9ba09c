"""Authentication and cache options (R10, R14) reported by the plugin (R18.2)."""

from lightapi import (
    AllowAny,
    Authentication,
    BasicAuthentication,
    Cache,
    HttpMethod,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
    RestEndpoint,
)


class NotABackend:
    pass


class NotAPermission:
    pass


class BackendEndpoint(RestEndpoint):
    title: str

    class Meta:
        authentication = Authentication(backend=NotABackend, permission=AllowAny)  # type: ignore[arg-type]  # E: LA401 error: BackendEndpoint.Meta.authentication: Authentication.backend must be a BaseAuthentication, got NotABackend  [lightapi] # N: Error code "lightapi" not covered by "type: ignore[arg-type]" comment # N: hint: subclass BaseAuthentication


class PermissionEndpoint(RestEndpoint):
    title: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication, permission=NotAPermission)  # type: ignore[arg-type]  # E: LA402 error: PermissionEndpoint.Meta.authentication: permission NotAPermission is not a BasePermission  [lightapi] # N: Error code "lightapi" not covered by "type: ignore[arg-type]" comment # N: hint: subclass BasePermission


class VerbKeyEndpoint(RestEndpoint):
    title: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication, permission={"FETCH": AllowAny})  # E: LA403 error: VerbKeyEndpoint.Meta.authentication: permission key 'FETCH' is not an HTTP verb  [lightapi] # N: hint: use GET, POST, PUT, PATCH or DELETE


class UnusedVerbEndpoint(RestEndpoint, HttpMethod.GET):
    title: str

    class Meta:
        authentication = Authentication(backend=BasicAuthentication, permission={"DELETE": IsAdminUser})  # E: LA404 warning: UnusedVerbEndpoint.Meta.authentication: permission for DELETE is unused: DELETE is not allowed  [lightapi] # N: hint: remove the key


class NoBackendEndpoint(RestEndpoint, HttpMethod.GET):
    title: str

    class Meta:
        authentication = Authentication(permission=IsAuthenticated)  # E: LA405 error: NoBackendEndpoint.Meta.authentication: IsAuthenticated on GET needs an authentication backend  [lightapi] # N: hint: set backend=


class AlgorithmEndpoint(RestEndpoint, HttpMethod.GET):
    title: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication, jwt_algorithm="RS256")  # type: ignore[arg-type]  # E: LA406 error: AlgorithmEndpoint.Meta.authentication: JWT algorithm 'RS256' is not supported  [lightapi] # N: Error code "lightapi" not covered by "type: ignore[arg-type]" comment # N: hint: use HS256, HS384 or HS512


class ExpirationEndpoint(RestEndpoint, HttpMethod.GET):
    title: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication, jwt_expiration=0)  # E: LA409 error: ExpirationEndpoint.Meta.authentication: jwt_expiration must be at least 1 second  [lightapi] # N: hint: fix the value


class TtlEndpoint(RestEndpoint, HttpMethod.GET):
    title: str

    class Meta:
        cache = Cache(ttl=-5)  # E: LA501 error: TtlEndpoint.Meta.cache: cache ttl -5 must be at least 1 second  [lightapi] # N: hint: use a positive ttl


class VaryOnEndpoint(RestEndpoint, HttpMethod.GET):
    title: str

    class Meta:
        cache = Cache(vary_on=["Accept Language"])  # E: LA502 error: VaryOnEndpoint.Meta.cache: vary_on entry 'Accept Language' is not a header name  [lightapi] # N: hint: use e.g. 'Accept-Language'


class FineEndpoint(RestEndpoint):
    """A verb map with instances and classes, a valid cache: nothing to report."""

    title: str

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication,
            permission={"GET": AllowAny, "POST": IsAuthenticated(), "delete": IsAdminUser},
            jwt_expiration=600,
            jwt_algorithm="HS512",
        )
        cache = Cache(ttl=30, vary_on=["Accept-Language"])
