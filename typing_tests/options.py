"""R18.3 without the plugin: the Meta option records have typed signatures (R1.2), so a value
the record would reject at construction (R1.4) is a type error where its type says so."""

from typing import Any

from lightapi import (
    AllowAny,
    Authentication,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    Cache,
    Field,
    FieldFilter,
    Filtering,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
    OrderingFilter,
    Pagination,
    RateLimiter,
    RestEndpoint,
    SearchFilter,
    Serializer,
)
from lightapi.pagination import CURSOR


class NotAPermission:
    def has_permission(self, request: Any) -> bool:
        return True


class NotABackend:
    def authenticate(self, request: Any) -> Any:
        return None


class NotAFilter:
    pass


class TokenBackend(BaseAuthentication):
    pass


class IsOwner(BasePermission):
    pass


class ArticleEndpoint(RestEndpoint):
    title: str = Field(max_length=200)
    body: str
    views: int = 0

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication,
            permission={"GET": AllowAny, "POST": IsAuthenticated, "DELETE": IsAdminUser()},
            jwt_expiration=3600,
            jwt_extra_claims=["role"],
            jwt_algorithm="HS512",
            rate_limiter={"requests_per_minute": 5},
        )
        filtering = Filtering(
            backends=[FieldFilter, SearchFilter, OrderingFilter],
            fields=["views"],
            search=("title", "body"),
            ordering=["views", "title"],
        )
        pagination = Pagination(style="cursor", page_size=10, max_page_size=50)
        cache = Cache(ttl=30, vary_on=["Accept-Language"])
        serializer = Serializer(read=["title", "views"], write=("title", "version"))


class ArticleSerializer(Serializer):
    read = ("title", "views")
    write = None


# Every accepted form of each parameter (R10.1, R10.16, R7.1, R8.1).
Authentication(backend=TokenBackend(), permission=IsOwner)
Authentication(backend=BasicAuthentication(rate_limiter=RateLimiter()), permission=IsOwner())
Authentication(rate_limiter=RateLimiter(requests_per_minute=3))
Authentication(permission={"GET": IsOwner(), "PATCH": IsOwner})
Authentication(backend=None, permission=None, jwt_algorithm=None)
Filtering(fields="title")  # a lone string is one name (R1.3)
Pagination(style=CURSOR)
Pagination(style="page_number", max_page_size=None)
Serializer(fields=["title"])

# Values the records reject, rejected by the type checker too.
Pagination(style="offset")  # E: Argument "style" to "Pagination" has incompatible type "Literal['offset']"; expected "Literal['page_number', 'cursor']"  [arg-type]
Pagination(page_size="20")  # E: Argument "page_size" to "Pagination" has incompatible type "str"; expected "int"  [arg-type]
Pagination(size=20)  # E: Unexpected keyword argument "size" for "Pagination"  [call-arg] # N: "Pagination" defined in "lightapi.config"
Cache(ttl="60")  # E: Argument "ttl" to "Cache" has incompatible type "str"; expected "int"  [arg-type]
Cache(vary_on=[1])  # E: List item 0 has incompatible type "int"; expected "str"  [list-item]
Authentication(backend=NotABackend)  # E: Argument "backend" to "Authentication" has incompatible type "type[NotABackend]"; expected "type[BaseAuthentication] | BaseAuthentication | None"  [arg-type]
Authentication(permission=NotAPermission)  # E: Argument "permission" to "Authentication" has incompatible type "type[NotAPermission]"
Authentication(permission=NotAPermission())  # E: Argument "permission" to "Authentication" has incompatible type "NotAPermission"
Authentication(permission={"GET": NotAPermission})  # E: Dict entry 0 has incompatible type "str": "type[NotAPermission]"; expected "str": "type[BasePermission] | BasePermission"  [dict-item]
Authentication(jwt_algorithm="RS256")  # E: Argument "jwt_algorithm" to "Authentication" has incompatible type "Literal['RS256']"; expected "Literal['HS256', 'HS384', 'HS512'] | None"  [arg-type]
Authentication(jwt_expiration="1h")  # E: Argument "jwt_expiration" to "Authentication" has incompatible type "str"; expected "int | None"  [arg-type]
Authentication(rate_limiter=60)  # E: Argument "rate_limiter" to "Authentication" has incompatible type "int"; expected "RateLimiter | Mapping[str, int] | None"  [arg-type]
Filtering(backends=[FieldFilter()])  # E: List item 0 has incompatible type "FieldFilter"; expected "type[BaseFilter]"  [list-item]
Filtering(backends=[NotAFilter])  # E: List item 0 has incompatible type "type[NotAFilter]"; expected "type[BaseFilter]"  [list-item]
Filtering(ordering=["title", 2])  # E: List item 1 has incompatible type "int"; expected "str"  [list-item]
Serializer(read=("title", None))  # E: Argument "read" to "Serializer" has incompatible type "tuple[str, None]"; expected "Sequence[str] | None"  [arg-type]


class WrongSerializer(Serializer):
    read = 3  # E: Incompatible types in assignment (expression has type "int", base class "Serializer" defined the type as "Sequence[str] | None")  [assignment]
