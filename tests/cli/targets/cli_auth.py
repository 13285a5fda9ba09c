"""Authentication with backend and permission instances: their reprs hold addresses that
inspect --json must not print (R3.6: byte-identical across runs)."""

from lightapi import Authentication, Filtering, LightApi, RestEndpoint
from lightapi.authentication import IsAuthenticated, JWTAuthentication
from lightapi.filters import FieldFilter, OrderingFilter


class SecretEndpoint(RestEndpoint):
    title: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication(), permission=IsAuthenticated())
        filtering = Filtering(
            backends=[FieldFilter, OrderingFilter], fields=["title"], ordering=["title"]
        )


app = LightApi(database_url="sqlite:///secrets.db", jwt_secret="x" * 40)
app.register({"/secrets": SecretEndpoint})
