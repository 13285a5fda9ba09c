"""Compatible import path of the authentication classes (0.x)."""

from lightapi.authentication import (
    AllowAny,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
)

__all__ = [
    "AllowAny",
    "BaseAuthentication",
    "BasePermission",
    "BasicAuthentication",
    "IsAdminUser",
    "IsAuthenticated",
    "JWTAuthentication",
]
