"""One test per diagnostic code of filtering (LA301-LA307, LA313), authentication (LA401-LA412)
and deployment (LA801, LA802, LA804-LA808), each asserting the whole Diagnostic; then the IR
these options compile to (R7.1, R7.6, R10.2, R10.3, R10.9, R10.11, R10.16).

The style is that of ``test_codes.py``: the main test of each code spells message and hint out
literally as SPEC §3.6 writes them; the offending line ends with a marker comment that
``here(...)`` looks up. Record-level codes go through ``check_record`` (raised at construction
with the record as subject, reported once with the endpoint's option as subject), endpoint-level
codes through ``check_declaration``, app-level codes through ``check_app`` (phase B) or
``app.check(deploy=True)`` (phase P). The environment and the legacy ``config`` are reset for
every test, so the machine's LIGHTAPI_* variables never leak in.
"""

import datetime
import decimal
import uuid
import warnings
from typing import Any, Optional

import pytest
from sqlalchemy import create_engine

from lightapi import (
    Authentication,
    Cache,
    ConfigurationError,
    Field,
    Filtering,
    HttpMethod,
    LightApi,
    LightApiWarning,
    Pagination,
    RestEndpoint,
    collect_diagnostics,
    inspect,
)
from lightapi.authentication import (
    AllowAny,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    IsAdminUser,
    IsAuthenticated,
    JWTAuthentication,
)
from lightapi.config import config
from lightapi.filters import BaseFilter, FieldFilter, OrderingFilter, SearchFilter
from lightapi.rate_limiter import RateLimiter
from lightapi.spec import CODES, Diagnostic, RouteKind, RouteSpec, SourceLocation
from lightapi.spec.model import ObjectRef, RefKind
from tests.spec import test_codes, test_codes_sources
from tests.spec.support import (
    ERROR,
    WARNING,
    at,
    check_app,
    check_declaration,
    check_record,
    collected,
    from_catalogue,
    literal,
)

# The codes tested here; with test_codes.IMPLEMENTED and test_codes_sources.IMPLEMENTED
# (reflection, LA6xx, and YAML, LA7xx) they cover the whole catalogue.
IMPLEMENTED = (
    *(f"LA{number}" for number in range(301, 308)),
    "LA313",
    *(f"LA{number}" for number in range(401, 413)),
    "LA801", "LA802",
    *(f"LA{number}" for number in range(804, 809)),
)

SECRET = "k" * 48  # long enough: no LA802
ENVIRONMENT = (
    "LIGHTAPI_JWT_SECRET",
    "LIGHTAPI_JWT_ALGORITHM",
    "LIGHTAPI_REDIS_URL",
    "LIGHTAPI_DATABASE_URL",
)


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "jwt_secret", None)
    monkeypatch.setattr(config, "jwt_algorithm", "HS256")
    monkeypatch.setattr(config, "jwt_expiration", 3600)


def here(marker: str) -> SourceLocation:
    return at(__file__, marker)


def error(code: str, subject: str, marker: str, message: str, hint: str) -> Diagnostic:
    return literal(ERROR, code, subject, here(marker), message, hint)


def warning(code: str, subject: str, marker: str, message: str, hint: str) -> Diagnostic:
    return literal(WARNING, code, subject, here(marker), message, hint)


def check_login(username: str, password: str) -> dict[str, str] | None:
    return {"username": username} if password == "secret" else None


def sqlite() -> Any:
    return create_engine("sqlite://")


# JWT settings that are complete, so only the diagnostic under test shows. Apps are constructed
# on the test's own line: app-level diagnostics point at the LightApi(...) call (R3.9).
JWT: dict[str, Any] = {"jwt_secret": SECRET, "login_validator": check_login}


def test_every_implemented_code_has_a_test() -> None:
    tested = {name[5:10].upper() for name in globals() if name.startswith("test_la")}
    assert tested == set(IMPLEMENTED)
    assert set(IMPLEMENTED) <= set(CODES)


def test_every_code_is_tested() -> None:
    covered = set(IMPLEMENTED) | set(test_codes.IMPLEMENTED) | set(test_codes_sources.IMPLEMENTED)
    assert covered == set(CODES)


# -- filtering: LA301-LA307, LA313 ---------------------------------------------------------------


def test_la301_filtering_fields_names_an_unknown_field() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            status: str

            class Meta:
                filtering = Filtering(fields=["statuss"])  # LA301

    check_declaration(
        declare,
        error("LA301", "ArticleEndpoint.Meta.filtering.fields", "LA301",
              "'statuss' in Filtering.fields is not a field of ArticleEndpoint",
              "did you mean 'status'?"),
    )


def test_la301_without_a_close_match_lists_every_field_and_excluded_fields_are_unknown() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            status: str
            scratch: str = Field(default="", exclude=True)

            class Meta:
                filtering = Filtering(fields=["zzz", "scratch"])  # LA301-no-match

    every = "fields: status, id, created_at, updated_at, version"
    check_declaration(
        declare,
        from_catalogue("LA301", "ArticleEndpoint.Meta.filtering.fields", here("LA301-no-match"),
                       field="zzz", endpoint="ArticleEndpoint", suggestion=every),
        from_catalogue("LA301", "ArticleEndpoint.Meta.filtering.fields", here("LA301-no-match"),
                       field="scratch", endpoint="ArticleEndpoint", suggestion=every),
    )


def test_la301_not_reported_for_a_field_with_its_own_error() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            tags: list[str]  # LA002-filtered

            class Meta:
                filtering = Filtering(fields=["tags"])

    check_declaration(
        declare,
        from_catalogue("LA002", "ArticleEndpoint.tags", here("LA002-filtered"),
                       annotation="list[str]", field="tags"),
    )


def test_la302_filtering_search_names_an_unknown_field() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            title: str

            class Meta:
                filtering = Filtering(search=["titel"])  # LA302

    check_declaration(
        declare,
        error("LA302", "ArticleEndpoint.Meta.filtering.search", "LA302",
              "'titel' in Filtering.search is not a field of ArticleEndpoint",
              "did you mean 'title'?"),
    )


def test_la303_filtering_ordering_names_an_unknown_field() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            published_at: str

            class Meta:
                filtering = Filtering(ordering=["published"])  # LA303

    check_declaration(
        declare,
        error("LA303", "ArticleEndpoint.Meta.filtering.ordering", "LA303",
              "'published' in Filtering.ordering is not a field of ArticleEndpoint",
              "did you mean 'published_at'?"),
    )


def test_la304_search_on_a_non_string_field() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            title: str
            views: int

            class Meta:
                filtering = Filtering(search=["title", "views"])  # LA304

    check_declaration(
        declare,
        error("LA304", "ArticleEndpoint.Meta.filtering.search", "LA304",
              "search field 'views' is int; search needs str fields", "remove it from search="),
    )


def test_la304_accepts_optional_strings() -> None:
    class ArticleEndpoint(RestEndpoint):
        subtitle: Optional[str] = None

        class Meta:
            filtering = Filtering(search=["subtitle"])

    assert inspect(ArticleEndpoint).filtering.search == ("subtitle",)


def test_la305_filter_field_named_like_a_reserved_parameter() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            page: int

            class Meta:
                filtering = Filtering(fields=["page"])  # LA305

    check_declaration(
        declare,
        error("LA305", "ArticleEndpoint.Meta.filtering.fields", "LA305",
              "'page' cannot be a filter: it is a reserved query parameter", "rename or drop it"),
    )


@pytest.mark.parametrize("name", ["page", "page_size", "cursor", "ordering", "search"])
def test_la305_every_reserved_parameter(name: str) -> None:
    def declare() -> None:
        ArticleEndpoint = type(  # a class whose one field is named ``name``
            "ArticleEndpoint",
            (RestEndpoint,),
            {
                "__annotations__": {name: str},
                "Meta": type("Meta", (), {"filtering": Filtering(fields=[name])}),  # LA305-each
            },
        )
        assert ArticleEndpoint

    check_declaration(
        declare,
        from_catalogue("LA305", "ArticleEndpoint.Meta.filtering.fields", here("LA305-each"),
                       field=name),
    )


def test_la306_whitelist_without_its_backend() -> None:
    def record() -> Filtering:
        return Filtering(backends=[FieldFilter], fields=["title"], ordering=["title"])  # LA306

    check_record(
        record, "filtering", "LA306",
        record_subject="Filtering.ordering",
        location=here("LA306"),
        message="Filtering.ordering is set but OrderingFilter is not in backends",
        hint="add the backend",
        severity=WARNING,
    )


def test_la306_backend_without_its_whitelist() -> None:
    def record() -> Filtering:
        return Filtering(backends=[FieldFilter, SearchFilter], fields=["title"])  # LA306-reverse

    check_record(
        record, "filtering", "LA306",
        record_subject="Filtering.search",
        location=here("LA306-reverse"),
        message="SearchFilter is in backends but Filtering.search is empty",
        hint="list names in search= or remove the backend",
        severity=WARNING,
    )


def test_la306_not_reported_without_explicit_backends_or_for_custom_ones() -> None:
    class AuthorFilter(BaseFilter):
        pass

    with collect_diagnostics() as found:
        Filtering(fields=["title"], ordering=["title"])
        Filtering(backends=[], search=["title"])
        Filtering(backends=[AuthorFilter])
        Filtering(backends=[FieldFilter, AuthorFilter], fields=["title"])
    assert found == []


def test_la307_filter_backend_not_a_base_filter_subclass() -> None:
    def record() -> Filtering:
        return Filtering(backends=[FieldFilter, object], fields=["title"])  # LA307

    check_record(
        record, "filtering", "LA307",
        record_subject="Filtering.backends",
        location=here("LA307"),
        message="Filtering.backends[1] is not a BaseFilter subclass",
        hint="subclass BaseFilter",
    )


def test_la307_an_instance_is_not_a_subclass() -> None:
    def record() -> Filtering:
        return Filtering(backends=[SearchFilter()], search=["title"])  # LA307-instance

    with collect_diagnostics() as found:
        record()
    assert found == [
        from_catalogue("LA307", "Filtering.backends", here("LA307-instance"), index=0),
        # The instance does not count as SearchFilter either.
        from_catalogue("LA306", "Filtering.search", here("LA307-instance"),
                       problem="Filtering.search is set but SearchFilter is not in backends",
                       fix="add the backend"),
    ]


def test_la313_cursor_pagination_ordering_by_a_nullable_field() -> None:
    def declare() -> None:
        class ArticleEndpoint(RestEndpoint):
            title: str
            published_at: Optional[datetime.datetime] = None

            class Meta:
                pagination = Pagination(style="cursor")
                filtering = Filtering(ordering=["title", "published_at"])  # LA313

    check_declaration(
        declare,
        error("LA313", "ArticleEndpoint.Meta.filtering.ordering", "LA313",
              "cursor pagination cannot order by nullable field 'published_at'",
              "drop it from ordering="),
    )


def test_la313_not_reported_for_page_number_pagination() -> None:
    class ArticleEndpoint(RestEndpoint):
        published_at: Optional[datetime.datetime] = None

        class Meta:
            pagination = Pagination(style="page_number")
            filtering = Filtering(ordering=["published_at"])

    assert ArticleEndpoint.__lightapi_diagnostics__ == ()


# -- authentication: LA401-LA412 -----------------------------------------------------------------


class Foo:
    """Neither a backend nor a permission."""


class NotAPermission:
    def has_permission(self, request: Any) -> bool:
        return True


def test_la401_backend_not_a_base_authentication() -> None:
    def record() -> Authentication:
        return Authentication(backend=Foo)  # LA401

    check_record(
        record, "authentication", "LA401",
        record_subject="Authentication.backend",
        location=here("LA401"),
        message="Authentication.backend must be a BaseAuthentication, got Foo",
        hint="subclass BaseAuthentication",
    )


def test_la401_names_the_class_of_an_instance() -> None:
    with collect_diagnostics() as found:
        Authentication(backend=Foo())  # LA401-instance
        Authentication(backend="jwt")  # LA401-str
    assert found == [
        from_catalogue("LA401", "Authentication.backend", here("LA401-instance"), actual="Foo"),
        from_catalogue("LA401", "Authentication.backend", here("LA401-str"), actual="str"),
    ]


def test_la402_permission_not_a_base_permission() -> None:
    def record() -> Authentication:
        return Authentication(backend=JWTAuthentication, permission=NotAPermission)  # LA402

    check_record(
        record, "authentication", "LA402",
        record_subject="Authentication.permission",
        location=here("LA402"),
        message="permission NotAPermission is not a BasePermission",
        hint="subclass BasePermission",
    )


def test_la402_permission_map_value_not_a_base_permission() -> None:
    def record() -> Authentication:
        # A call spanning lines is reported at the line where it starts.
        return Authentication(  # LA402-map
            backend=JWTAuthentication, permission={"GET": AllowAny, "POST": NotAPermission()}
        )

    with collect_diagnostics() as found:
        record()
    assert found == [
        from_catalogue("LA402", "Authentication.permission", here("LA402-map"),
                       actual="NotAPermission")
    ]


def test_la403_permission_key_not_an_http_verb() -> None:
    def record() -> Authentication:
        return Authentication(backend=JWTAuthentication, permission={"FETCH": AllowAny})  # LA403

    check_record(
        record, "authentication", "LA403",
        record_subject="Authentication.permission",
        location=here("LA403"),
        message="permission key 'FETCH' is not an HTTP verb",
        hint="use GET, POST, PUT, PATCH or DELETE",
    )


def test_la403_head_and_options_are_not_keys_but_lowercase_verbs_are() -> None:
    with collect_diagnostics() as found:
        Authentication(backend=JWTAuthentication, permission={"HEAD": AllowAny})  # LA403-head
        Authentication(backend=JWTAuthentication, permission={"options": AllowAny})  # LA403-opt
        Authentication(backend=JWTAuthentication, permission={"get": AllowAny, "Post": AllowAny})
    assert found == [
        from_catalogue("LA403", "Authentication.permission", here("LA403-head"), key="HEAD"),
        from_catalogue("LA403", "Authentication.permission", here("LA403-opt"), key="options"),
    ]


def test_la404_permission_key_for_a_verb_the_endpoint_does_not_allow() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint, HttpMethod.GET):
            title: str

            class Meta:
                authentication = Authentication(  # LA404
                    backend=JWTAuthentication, permission={"GET": AllowAny, "delete": IsAdminUser}
                )

    check_declaration(
        declare,
        warning("LA404", "BookEndpoint.Meta.authentication", "LA404",
                "permission for DELETE is unused: DELETE is not allowed", "remove the key"),
    )


def test_la405_permission_needing_a_user_without_a_backend() -> None:
    def declare() -> None:
        class BookEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
            title: str

            class Meta:
                authentication = Authentication(permission={"GET": AllowAny})  # LA405

    check_declaration(
        declare,
        error("LA405", "BookEndpoint.Meta.authentication", "LA405",
              "IsAuthenticated on POST needs an authentication backend", "set backend="),
    )


def test_la405_for_every_verb_that_needs_a_user() -> None:
    class Staff(IsAuthenticated):
        """Judged by issubclass: needs a user like IsAuthenticated."""

    def declare() -> None:
        class BookEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.DELETE):
            title: str

            class Meta:
                authentication = Authentication(  # LA405-each
                    permission={"GET": Staff, "DELETE": IsAdminUser()}
                )

    location = here("LA405-each")
    check_declaration(
        declare,
        from_catalogue("LA405", "BookEndpoint.Meta.authentication", location,
                       permission="Staff", verb="GET"),
        from_catalogue("LA405", "BookEndpoint.Meta.authentication", location,
                       permission="IsAdminUser", verb="DELETE"),
    )


def test_la405_not_reported_for_custom_permissions_or_with_a_backend() -> None:
    class HasApiKey(BasePermission):
        pass

    class OpenEndpoint(RestEndpoint):
        title: str

        class Meta:
            authentication = Authentication(permission=HasApiKey)

    class ClosedEndpoint(RestEndpoint):
        title: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication, permission=IsAdminUser)

    assert OpenEndpoint.__lightapi_diagnostics__ == ()
    assert ClosedEndpoint.__lightapi_diagnostics__ == ()


def test_la406_unsupported_jwt_algorithm_on_the_record() -> None:
    def record() -> Authentication:
        return Authentication(jwt_algorithm="RS256")  # LA406

    check_record(
        record, "authentication", "LA406",
        record_subject="Authentication.jwt_algorithm",
        location=here("LA406"),
        message="JWT algorithm 'RS256' is not supported",
        hint="use HS256, HS384 or HS512",
    )


class ArticleEndpoint(RestEndpoint):
    title: str


class BookEndpoint(RestEndpoint):
    title: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)


def test_la406_unsupported_jwt_algorithm_on_the_app() -> None:
    app = LightApi(engine=sqlite(), jwt_algorithm="RS256")  # LA406-app
    app.register({"/articles": ArticleEndpoint})
    check_app(
        app,
        error("LA406", "app.jwt_algorithm", "LA406-app",
              "JWT algorithm 'RS256' is not supported", "use HS256, HS384 or HS512"),
    )


def test_la406_unsupported_jwt_algorithm_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R10.9's last sources are judged too, when the app uses JWT: no silent HS256."""
    monkeypatch.setenv("LIGHTAPI_JWT_ALGORITHM", "RS256")
    plain = LightApi(engine=sqlite())
    plain.register({"/articles": ArticleEndpoint})
    assert plain.check() == ()
    app = LightApi(engine=sqlite(), **JWT)  # LA406-env
    app.register({"/books": BookEndpoint})
    check_app(
        app,
        from_catalogue("LA406", "app.jwt_algorithm", here("LA406-env"), algorithm="RS256"),
    )


def test_la407_conflicting_jwt_algorithms() -> None:
    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_algorithm="HS256")

    class BookEndpoint(RestEndpoint):
        title: str

        class Meta:
            authentication = Authentication(  # LA407
                backend=JWTAuthentication, jwt_algorithm="HS512"
            )

    app = LightApi(engine=sqlite(), **JWT)
    app.register({"/notes": NoteEndpoint, "/books": BookEndpoint})
    check_app(
        app,
        error("LA407", "BookEndpoint.Meta.authentication", "LA407",
              "JWT algorithm 'HS512' on BookEndpoint conflicts with 'HS256'",
              "set one algorithm on LightApi"),
    )


def test_la407_endpoint_against_the_app() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

        class Meta:
            authentication = Authentication(  # LA407-app
                backend=JWTAuthentication, jwt_algorithm="HS384"
            )

    app = LightApi(engine=sqlite(), **JWT, jwt_algorithm="HS256")
    app.register({"/books": BookEndpoint})
    check_app(
        app,
        from_catalogue("LA407", "BookEndpoint.Meta.authentication", here("LA407-app"),
                       algorithm="HS384", endpoint="BookEndpoint", other="HS256"),
    )


def test_la407_not_reported_for_equal_algorithms_or_non_jwt_endpoints() -> None:
    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_algorithm="HS512")

    class PageEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_algorithm="HS512")

    class MemoEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication, jwt_algorithm="HS256")

    app = LightApi(engine=sqlite(), **JWT)
    app.register({"/notes": NoteEndpoint, "/pages": PageEndpoint, "/memos": MemoEndpoint})
    assert app.check() == ()
    assert app.spec.jwt.algorithm == "HS512"


def test_la408_conflicting_jwt_expiration() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_expiration=600)

    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(  # LA408
                backend=JWTAuthentication, jwt_expiration=60
            )

    app = LightApi(engine=sqlite(), **JWT)
    app.register({"/books": BookEndpoint, "/notes": NoteEndpoint})
    expected = warning(
        "LA408", "NoteEndpoint.Meta.authentication", "LA408",
        "login uses jwt_expiration of BookEndpoint; NoteEndpoint's is ignored",
        "set it on LightApi",
    )
    check_app(app, expected)
    assert app.spec.jwt.expiration == 600
    # R3.14: the warning is emitted once at build, and the app builds.
    with pytest.warns(LightApiWarning) as caught:
        app.build_app()
    assert [str(item.message) for item in caught if "LA408" in str(item.message)] == [
        str(expected)
    ]


def test_la408_conflicting_jwt_extra_claims() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_extra_claims=["role"])

    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(  # LA408-claims
                backend=JWTAuthentication, jwt_extra_claims=["sub"]
            )

    app = LightApi(engine=sqlite(), **JWT)
    app.register({"/books": BookEndpoint, "/notes": NoteEndpoint})
    check_app(
        app,
        from_catalogue("LA408", "NoteEndpoint.Meta.authentication", here("LA408-claims"),
                       option="jwt_extra_claims", endpoint="BookEndpoint", other="NoteEndpoint"),
    )


def test_la408_not_reported_when_the_app_sets_the_expiration() -> None:
    class BookEndpoint(RestEndpoint):
        title: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_expiration=600)

    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_expiration=60)

    app = LightApi(engine=sqlite(), **JWT, jwt_expiration=120)
    app.register({"/books": BookEndpoint, "/notes": NoteEndpoint})
    assert app.check() == ()
    assert app.spec.jwt.expiration == 120


def test_la409_jwt_expiration_below_one() -> None:
    def record() -> Authentication:
        return Authentication(backend=JWTAuthentication, jwt_expiration=0)  # LA409

    check_record(
        record, "authentication", "LA409",
        record_subject="Authentication.jwt_expiration",
        location=here("LA409"),
        message="jwt_expiration must be at least 1 second",
        hint="fix the value",
    )


def test_la409_not_an_integer() -> None:
    with collect_diagnostics() as found:
        Authentication(backend=JWTAuthentication, jwt_expiration="3600")  # LA409-str
        Authentication(backend=JWTAuthentication, jwt_expiration=True)  # LA409-bool
    assert found == [
        from_catalogue("LA409", "Authentication.jwt_expiration", here("LA409-str")),
        from_catalogue("LA409", "Authentication.jwt_expiration", here("LA409-bool")),
    ]


def test_la410_credential_checks_without_a_login_validator() -> None:
    app = LightApi(engine=sqlite(), jwt_secret=SECRET)  # LA410
    app.register({"/books": BookEndpoint})
    check_app(
        app,
        warning("LA410", "app.login_validator", "LA410",
                "no login_validator: every credential check fails", "pass login_validator="),
    )


def test_la410_for_basic_endpoints_and_not_for_custom_backends() -> None:
    class Header(BaseAuthentication):
        pass

    class MemoEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication())

    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=Header)

    basic = LightApi(engine=sqlite())  # LA410-basic
    basic.register({"/memos": MemoEndpoint})
    check_app(basic, from_catalogue("LA410", "app.login_validator", here("LA410-basic")))
    custom = LightApi(engine=sqlite())
    custom.register({"/notes": NoteEndpoint})
    assert custom.check() == ()


def test_la411_login_validator_with_a_wrong_signature() -> None:
    def one_argument(username: str) -> None:
        return None

    app = LightApi(engine=sqlite(), jwt_secret=SECRET, login_validator=one_argument)  # LA411
    app.register({"/books": BookEndpoint})
    check_app(
        app,
        error("LA411", "app.login_validator", "LA411",
              "login_validator must accept (username, password)", "fix its signature"),
    )


def test_la411_not_callable_and_callables_that_fit() -> None:
    class Checker:
        def __call__(self, username: str, password: str, *extra: str) -> None:
            return None

    async def async_check(username: str, password: str) -> None:
        return None

    for validator in (Checker(), async_check, lambda *args: None):
        app = LightApi(engine=sqlite(), jwt_secret=SECRET, login_validator=validator)
        app.register({"/books": BookEndpoint})
        assert app.check() == ()
    app = LightApi(  # LA411-str
        engine=sqlite(), jwt_secret=SECRET, login_validator="pkg.auth.check"
    )
    app.register({"/books": BookEndpoint})
    assert app.check() == (from_catalogue("LA411", "app.login_validator", here("LA411-str")),)


def test_la412_rate_limiter_of_the_wrong_kind() -> None:
    def record() -> Authentication:
        return Authentication(backend=BasicAuthentication, rate_limiter=10)  # LA412

    check_record(
        record, "authentication", "LA412",
        record_subject="Authentication.rate_limiter",
        location=here("LA412"),
        message="rate_limiter must be a RateLimiter or a dict",
        hint="pass RateLimiter(...)",
    )


def test_la412_accepts_a_rate_limiter_or_a_dict() -> None:
    with collect_diagnostics() as found:
        limiter = RateLimiter(5, 50, 500)
        first = Authentication(backend=BasicAuthentication, rate_limiter=limiter)
        second = Authentication(backend=BasicAuthentication, rate_limiter={"requests_per_day": 9})
    assert found == []
    assert first.rate_limiter is limiter
    assert second.rate_limiter == {"requests_per_day": 9}


# -- phase B and P: LA801, LA802, LA804-LA808 ----------------------------------------------------


def test_la801_jwt_backend_used_and_no_secret_at_build() -> None:
    app = LightApi(engine=sqlite(), login_validator=check_login)  # LA801
    app.register({"/books": BookEndpoint})
    check_app(
        app,
        error("LA801", "app.jwt_secret", "LA801",
              "JWTAuthentication is used but no JWT secret is set", "set LIGHTAPI_JWT_SECRET"),
    )


def test_la801_under_deploy_reads_the_environment_then(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTAPI_JWT_SECRET", SECRET)
    app = LightApi(engine=sqlite(),   # LA801-deploy
        login_validator=check_login, jwt_require_exp=True, rate_limiter=False
    )
    app.register({"/books": BookEndpoint})
    assert app.check() == ()
    assert app.spec.jwt.secret_configured
    monkeypatch.delenv("LIGHTAPI_JWT_SECRET")
    assert app.check(deploy=True) == (
        from_catalogue("LA801", "app.jwt_secret", here("LA801-deploy")),
    )


def test_la801_reported_once_by_build_and_deploy() -> None:
    app = LightApi(engine=sqlite(),   # LA801-once
        login_validator=check_login, jwt_require_exp=True, rate_limiter=False
    )
    app.register({"/books": BookEndpoint})
    assert app.check(deploy=True) == (
        from_catalogue("LA801", "app.jwt_secret", here("LA801-once")),
    )


def test_la801_secret_from_config_or_the_environment_at_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R10.8: LightApi(jwt_secret=...), else config.jwt_secret, else the environment, resolved
    at build: set after LightApi(...) still counts."""
    by_config = LightApi(engine=sqlite(), login_validator=check_login)
    by_config.register({"/books": BookEndpoint})
    monkeypatch.setattr(config, "jwt_secret", SECRET)
    assert by_config.check() == ()
    monkeypatch.setattr(config, "jwt_secret", None)
    by_environment = LightApi(engine=sqlite(), login_validator=check_login)
    by_environment.register({"/books": BookEndpoint})
    monkeypatch.setenv("LIGHTAPI_JWT_SECRET", SECRET)
    assert by_environment.check() == ()
    assert by_environment.spec.jwt.secret_configured


def test_la801_not_reported_for_basic_only_apps() -> None:
    class MemoEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication)

    app = LightApi(engine=sqlite(), login_validator=check_login)
    app.register({"/memos": MemoEndpoint})
    assert app.check() == ()
    assert not app.spec.jwt.used and not app.spec.jwt.secret_configured


def test_la802_jwt_secret_shorter_than_32_bytes() -> None:
    app = LightApi(  # LA802
        engine=sqlite(), jwt_secret="fifteen-bytes!!", login_validator=check_login
    )
    app.register({"/books": BookEndpoint})
    check_app(
        app,
        warning("LA802", "app.jwt_secret", "LA802",
                "JWT secret is 15 bytes; use at least 32", "generate a longer secret"),
    )


def test_la802_counts_bytes_and_the_argument_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTAPI_JWT_SECRET", "short")
    app = LightApi(engine=sqlite(), jwt_secret="é" * 16, login_validator=check_login)
    app.register({"/books": BookEndpoint})
    assert app.check() == ()


def test_la802_from_the_environment_under_deploy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTAPI_JWT_SECRET", "short-secret")
    app = LightApi(engine=sqlite(),   # LA802-env
        login_validator=check_login, jwt_require_exp=True, rate_limiter=False
    )
    app.register({"/books": BookEndpoint})
    expected = from_catalogue("LA802", "app.jwt_secret", here("LA802-env"), length=12)
    assert app.check() == (expected,)
    assert app.check(deploy=True) == (expected,)


def test_la804_writes_without_authentication() -> None:
    class BookEndpoint(RestEndpoint):  # LA804
        title: str

    class ShelfEndpoint(RestEndpoint, HttpMethod.GET):
        name: str

    app = LightApi(engine=sqlite())
    app.register({"/books": BookEndpoint, "/shelves": ShelfEndpoint})
    assert app.check() == ()
    assert app.check(deploy=True) == (
        warning("LA804", "BookEndpoint", "LA804",
                "BookEndpoint accepts writes without authentication", "add Meta.authentication"),
    )


def test_la804_not_reported_with_authentication() -> None:
    class NoteEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
        body: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication)

    app = LightApi(engine=sqlite(), login_validator=check_login, redis_url="redis://cache:6379/0")
    app.register({"/notes": NoteEndpoint})
    assert app.check(deploy=True) == ()


def test_la805_cache_without_an_explicit_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    class ShelfEndpoint(RestEndpoint, HttpMethod.GET):
        name: str

        class Meta:
            cache = Cache(ttl=30)

    app = LightApi(engine=sqlite())  # LA805
    app.register({"/shelves": ShelfEndpoint})
    assert app.check(deploy=True) == (
        warning("LA805", "app.redis_url", "LA805",
                "cache uses the default redis://localhost:6379/0", "set LIGHTAPI_REDIS_URL"),
    )
    explicit = LightApi(engine=sqlite(), redis_url="redis://cache:6379/1")
    explicit.register({"/shelves": ShelfEndpoint})
    assert explicit.check(deploy=True) == ()
    monkeypatch.setenv("LIGHTAPI_REDIS_URL", "redis://cache:6379/0")
    assert app.check(deploy=True) == ()


def test_la806_no_database_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    with collect_diagnostics():
        app = LightApi()  # LA806
    assert app.check(deploy=True) == (
        from_catalogue("LA908", "app", here("LA806")),
        error("LA806", "app.database_url", "LA806", "no database configured",
              "set LIGHTAPI_DATABASE_URL"),
    )
    monkeypatch.setenv("LIGHTAPI_DATABASE_URL", "sqlite://")
    assert app.check(deploy=True) == (from_catalogue("LA908", "app", here("LA806")),)


def test_la807_jwts_without_exp_are_accepted() -> None:
    app = LightApi(engine=sqlite(), **JWT, redis_url="redis://cache:6379/0")  # LA807
    app.register({"/books": BookEndpoint})
    assert app.check() == ()
    assert app.check(deploy=True) == (
        warning("LA807", "app.jwt_require_exp", "LA807",
                "tokens without exp never expire", "LightApi(jwt_require_exp=True)"),
    )
    strict = LightApi(
        engine=sqlite(), **JWT, redis_url="redis://cache:6379/0", jwt_require_exp=True
    )
    strict.register({"/books": BookEndpoint})
    assert strict.check(deploy=True) == ()


def test_la808_auth_rate_limits_kept_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    app = LightApi(engine=sqlite(), **JWT, jwt_require_exp=True)  # LA808
    app.register({"/books": BookEndpoint})
    assert app.check(deploy=True) == (
        warning("LA808", "app.rate_limiter", "LA808",
                "rate limits are per process; set LIGHTAPI_REDIS_URL to share them", "set it"),
    )
    disabled = LightApi(engine=sqlite(), **JWT, jwt_require_exp=True, rate_limiter=False)
    disabled.register({"/books": BookEndpoint})
    assert disabled.check(deploy=True) == ()
    monkeypatch.setenv("LIGHTAPI_REDIS_URL", "redis://cache:6379/0")
    assert app.check(deploy=True) == ()


# -- the IR: permissions per verb (R10.2, R10.3) -------------------------------------------------


IS_AUTHENTICATED = ObjectRef(kind=RefKind.IS_AUTHENTICATED, name="IsAuthenticated")
ALLOW_ANY = ObjectRef(kind=RefKind.ALLOW_ANY, name="AllowAny")


def permissions_of(endpoint: type[RestEndpoint]) -> dict[str, ObjectRef]:
    auth = inspect(endpoint).auth
    assert auth is not None
    return dict(auth.permissions)


def test_no_permission_with_a_backend_needs_a_user_on_every_allowed_verb() -> None:
    class NoteEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH):
        body: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication)

    assert permissions_of(NoteEndpoint) == dict.fromkeys(("GET", "POST", "PATCH"), IS_AUTHENTICATED)


def test_no_permission_without_a_backend_allows_anyone() -> None:
    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication()

    assert permissions_of(NoteEndpoint) == dict.fromkeys(
        ("GET", "POST", "PUT", "PATCH", "DELETE"), ALLOW_ANY
    )


def test_one_permission_applies_to_every_allowed_verb() -> None:
    admin = IsAdminUser()

    class NoteEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.DELETE):
        body: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication, permission=admin)

    expected = ObjectRef(kind=RefKind.IS_ADMIN_USER, name="IsAdminUser", value=admin)
    assert permissions_of(NoteEndpoint) == {"GET": expected, "DELETE": expected}


def test_a_permission_map_fails_closed_and_accepts_lowercase_verbs() -> None:
    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(
                backend=JWTAuthentication, permission={"get": AllowAny, "Delete": IsAdminUser}
            )

    permissions = permissions_of(NoteEndpoint)
    assert list(permissions) == ["GET", "POST", "PUT", "PATCH", "DELETE"]  # no HEAD, no OPTIONS
    assert permissions == {
        "GET": ObjectRef(kind=RefKind.ALLOW_ANY, name="AllowAny", value=AllowAny),
        "POST": IS_AUTHENTICATED,
        "PUT": IS_AUTHENTICATED,
        "PATCH": IS_AUTHENTICATED,
        "DELETE": ObjectRef(kind=RefKind.IS_ADMIN_USER, name="IsAdminUser", value=IsAdminUser),
    }


def test_a_permission_map_without_a_backend_lists_every_verb() -> None:
    class NoteEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
        body: str

        class Meta:
            authentication = Authentication(permission={"GET": AllowAny, "POST": AllowAny})

    assert NoteEndpoint.__lightapi_diagnostics__ == ()
    assert set(permissions_of(NoteEndpoint)) == {"GET", "POST"}


def test_auth_spec_holds_the_jwt_options_and_the_limiter() -> None:
    limiter = RateLimiter(1, 2, 3)

    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(
                backend=JWTAuthentication,
                jwt_expiration=90,
                jwt_extra_claims=["role", "tenant"],
                jwt_algorithm="HS384",
                rate_limiter=limiter,
            )

    auth = inspect(NoteEndpoint).auth
    assert auth is not None
    assert auth.backend == ObjectRef(
        kind=RefKind.JWT_BACKEND, name="JWTAuthentication", value=JWTAuthentication
    )
    assert (auth.jwt_expiration, auth.jwt_extra_claims, auth.jwt_algorithm) == (
        90, ("role", "tenant"), "HS384"
    )
    assert auth.rate_limiter == ObjectRef(kind=RefKind.RATE_LIMITER, name="RateLimiter",
                                          value=limiter)


def test_no_authentication_means_public() -> None:
    assert inspect(ArticleEndpoint).auth is None


# -- the IR: kinds are judged by issubclass and isinstance (R10.1) --------------------------------


def test_a_jwt_subclass_with_another_name_counts_as_jwt() -> None:
    class Tokens(JWTAuthentication):
        pass

    class NoteEndpoint(RestEndpoint, HttpMethod.GET):
        body: str

        class Meta:
            authentication = Authentication(backend=Tokens)

    app = LightApi(engine=sqlite(), login_validator=check_login)  # kinds-LA801
    app.register({"/notes": NoteEndpoint})
    # JWT: login routes and a token answer, and a secret is required.
    assert app.check() == (from_catalogue("LA801", "app.jwt_secret", here("kinds-LA801")),)
    assert inspect(NoteEndpoint).auth.backend.kind is RefKind.JWT_BACKEND


def test_a_class_named_like_a_builtin_is_judged_by_its_bases() -> None:
    fake_jwt = type("JWTAuthentication", (), {})
    fake_permission = type("IsAuthenticated", (), {})
    fake_filter = type("FieldFilter", (), {})
    with collect_diagnostics() as found:
        Authentication(backend=fake_jwt)  # kinds-LA401
        Authentication(backend=JWTAuthentication, permission=fake_permission)  # kinds-LA402
        Filtering(backends=[fake_filter], fields=["title"])  # kinds-LA307
    assert found == [
        from_catalogue("LA401", "Authentication.backend", here("kinds-LA401"),
                       actual="JWTAuthentication"),
        from_catalogue("LA402", "Authentication.permission", here("kinds-LA402"),
                       actual="IsAuthenticated"),
        from_catalogue("LA307", "Filtering.backends", here("kinds-LA307"), index=0),
        from_catalogue("LA306", "Filtering.fields", here("kinds-LA307"),
                       problem="Filtering.fields is set but FieldFilter is not in backends",
                       fix="add the backend"),
    ]


def test_instances_are_judged_by_their_class() -> None:
    class NoteEndpoint(RestEndpoint, HttpMethod.GET):
        body: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication(), permission=AllowAny())

    auth = inspect(NoteEndpoint).auth
    assert auth is not None and auth.backend is not None
    assert auth.backend.kind is RefKind.BASIC_BACKEND
    assert auth.permissions["GET"].kind is RefKind.ALLOW_ANY


# -- the IR: filtering (R7.1, R7.4, R7.6) --------------------------------------------------------


FIELD = ObjectRef(kind=RefKind.FIELD_FILTER, name="FieldFilter")
SEARCH = ObjectRef(kind=RefKind.SEARCH_FILTER, name="SearchFilter")
ORDERING = ObjectRef(kind=RefKind.ORDERING_FILTER, name="OrderingFilter")


@pytest.mark.parametrize(
    ("lists", "active"),
    [
        ({"ordering": ["title"], "fields": ["title"], "search": ["title"]},
         (FIELD, SEARCH, ORDERING)),
        ({"ordering": ["title"], "search": ["title"]}, (SEARCH, ORDERING)),
        ({"fields": ["title"]}, (FIELD,)),
        ({"backends": [], "ordering": ["title"]}, (ORDERING,)),
        ({}, ()),
    ],
)
def test_backends_are_implied_by_the_lists_in_a_fixed_order(
    lists: dict[str, Any], active: tuple[ObjectRef, ...]
) -> None:
    class ArticleEndpoint(RestEndpoint):
        title: str

        class Meta:
            filtering = Filtering(**lists)

    spec = inspect(ArticleEndpoint).filtering
    assert spec is not None
    assert spec.backends == active


def test_given_backends_run_exactly_in_the_given_order() -> None:
    class AuthorFilter(BaseFilter):
        pass

    class ArticleEndpoint(RestEndpoint):
        title: str

        class Meta:
            filtering = Filtering(
                backends=[OrderingFilter, AuthorFilter, FieldFilter],
                fields=["title"],
                ordering=["title"],
            )

    spec = inspect(ArticleEndpoint).filtering
    assert spec is not None
    assert spec.backends == (
        ObjectRef(kind=RefKind.ORDERING_FILTER, name="OrderingFilter", value=OrderingFilter),
        ObjectRef(kind=RefKind.CUSTOM_FILTER, name="AuthorFilter", value=AuthorFilter),
        ObjectRef(kind=RefKind.FIELD_FILTER, name="FieldFilter", value=FieldFilter),
    )


EVERY_TYPE = ("exact", "ne", "in")
ORDERED = (*EVERY_TYPE, "gt", "gte", "lt", "lte")


def test_operators_per_filter_field() -> None:
    class ReadingEndpoint(RestEndpoint):
        label: str
        count: int
        ratio: float
        price: decimal.Decimal
        taken_at: datetime.datetime
        day: datetime.date
        valid: bool
        token: uuid.UUID
        note: Optional[str] = None
        limit: Optional[int] = None

        class Meta:
            filtering = Filtering(
                fields=["label", "count", "ratio", "price", "taken_at", "day", "valid", "token",
                        "note", "limit", "id", "created_at"],
                search=["label"],
                ordering=["count"],
            )

    spec = inspect(ReadingEndpoint).filtering
    assert spec is not None
    assert dict(spec.operators) == {
        "label": EVERY_TYPE,
        "count": ORDERED,
        "ratio": ORDERED,
        "price": ORDERED,
        "taken_at": ORDERED,
        "day": ORDERED,
        "valid": EVERY_TYPE,
        "token": EVERY_TYPE,
        "note": (*EVERY_TYPE, "isnull"),
        "limit": (*ORDERED, "isnull"),
        "id": ORDERED,
        "created_at": ORDERED,
    }
    assert (spec.search, spec.ordering) == (("label",), ("count",))


def test_whitelists_keep_their_order_once_each_and_may_name_automatic_columns() -> None:
    class ArticleEndpoint(RestEndpoint):
        title: str

        class Meta:
            filtering = Filtering(
                fields=("title", "id", "title"), ordering=["updated_at", "version"]
            )

    spec = inspect(ArticleEndpoint).filtering
    assert spec is not None
    assert (spec.fields, spec.search, spec.ordering) == (
        ("title", "id"), (), ("updated_at", "version")
    )


# -- the IR: app-level JWT settings (R10.8, R10.9) -----------------------------------------------


def jwt_endpoint(name: str, **options: Any) -> type[RestEndpoint]:
    meta = type("Meta", (), {
        "authentication": Authentication(backend=JWTAuthentication, **options)
    })
    return type(name, (RestEndpoint, HttpMethod.GET), {"__annotations__": {"body": str},
                                                       "Meta": meta})


@pytest.mark.parametrize(
    ("argument", "endpoint", "configured", "environment", "chosen"),
    [
        ("HS384", "HS512", "HS512", "HS512", "HS384"),
        (None, "HS512", "HS384", "HS384", "HS512"),
        (None, None, "HS384", "HS512", "HS384"),
        (None, None, "HS256", "HS512", "HS512"),  # config unchanged: the environment decides
        (None, None, "HS256", None, "HS256"),
    ],
    ids=["argument", "endpoints", "config", "environment", "default"],
)
def test_jwt_algorithm_resolution(
    monkeypatch: pytest.MonkeyPatch,
    argument: str | None,
    endpoint: str | None,
    configured: str,
    environment: str | None,
    chosen: str,
) -> None:
    app = LightApi(engine=sqlite(), **JWT, jwt_algorithm=argument)
    monkeypatch.setattr(config, "jwt_algorithm", configured)
    if environment is not None:
        monkeypatch.setenv("LIGHTAPI_JWT_ALGORITHM", environment)
    options = {"jwt_algorithm": endpoint} if endpoint else {}
    app.register({"/notes": jwt_endpoint("NoteEndpoint", **options)})
    if argument and endpoint and argument != endpoint:
        assert [item.code for item in app.check()] == ["LA407"]
        with collect_diagnostics():
            assert app.spec.jwt.algorithm == chosen
        return
    assert app.check() == ()
    assert app.spec.jwt.algorithm == chosen


def test_jwt_expiration_resolution() -> None:
    first = jwt_endpoint("FirstEndpoint")
    second = jwt_endpoint("SecondEndpoint", jwt_expiration=900)
    third = jwt_endpoint("ThirdEndpoint", jwt_expiration=900)

    by_argument = LightApi(engine=sqlite(), **JWT, jwt_expiration=60)
    by_argument.register({"/a": second})
    assert by_argument.spec.jwt.expiration == 60

    by_endpoint = LightApi(engine=sqlite(), **JWT)
    by_endpoint.register({"/a": first, "/b": second, "/c": third})
    assert by_endpoint.check() == ()
    assert by_endpoint.spec.jwt.expiration == 900

    by_default = LightApi(engine=sqlite(), **JWT)
    by_default.register({"/a": first})
    assert by_default.spec.jwt.expiration == 3600


def test_jwt_settings_in_the_app_spec() -> None:
    app = LightApi(
        engine=sqlite(), **JWT, jwt_issuer="lightapi", jwt_audience="books", jwt_require_exp=True
    )
    app.register({"/books": BookEndpoint})
    jwt = app.spec.jwt
    assert (jwt.used, jwt.algorithm, jwt.expiration) == (True, "HS256", 3600)
    assert (jwt.issuer, jwt.audience, jwt.require_exp, jwt.secret_configured) == (
        "lightapi", "books", True, True
    )
    assert not hasattr(jwt, "secret")


# -- the IR: login routes (R10.11) ---------------------------------------------------------------


def login_paths(app: LightApi) -> list[RouteSpec]:
    return [
        route for route in app.spec.routes if route.kind in (RouteKind.LOGIN, RouteKind.TOKEN)
    ]


@pytest.mark.parametrize(
    ("auth_path", "base"),
    [("/auth", "/auth"), ("/auth/", "/auth"), ("/api/session", "/api/session"), ("/", "")],
)
def test_login_routes_for_jwt_or_basic(auth_path: str, base: str) -> None:
    class MemoEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=BasicAuthentication)

    for endpoint in (BookEndpoint, MemoEndpoint):
        app = LightApi(engine=sqlite(), **JWT, auth_path=auth_path)
        app.register({"/items": endpoint})
        assert login_paths(app) == [
            RouteSpec(path=f"{base}/login", endpoint=None, kind=RouteKind.LOGIN,
                      methods=("POST",)),
            RouteSpec(path=f"{base}/token", endpoint=None, kind=RouteKind.TOKEN,
                      methods=("POST",)),
        ]
        assert app.spec.login_routes
        assert app.spec.auth_path == (base or "/")


def test_no_login_routes_without_jwt_or_basic() -> None:
    class Header(BaseAuthentication):
        pass

    class NoteEndpoint(RestEndpoint):
        body: str

        class Meta:
            authentication = Authentication(backend=Header)

    app = LightApi(engine=sqlite())
    app.register({"/articles": ArticleEndpoint, "/notes": NoteEndpoint})
    assert login_paths(app) == []
    assert not app.spec.login_routes


def test_a_path_on_a_login_route_collides() -> None:
    app = LightApi(engine=sqlite(), **JWT)
    app.register({"/books": BookEndpoint})
    app.register({"/auth/login": ArticleEndpoint})  # LA906-login
    check_app(
        app,
        from_catalogue("LA906", "app.register['/auth/login']", here("LA906-login"),
                       path="/auth/login", route="login"),
    )


# -- the IR: the app's rate limiter (R10.16) -----------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "enabled", "limits"),
    [
        (RateLimiter(5, 50, 500), True, (5, 50, 500)),
        ({"requests_per_minute": 7}, True, (7, 10000, 100000)),
        ({"requests_per_hour": 70, "requests_per_day": 700}, True, (1000, 70, 700)),
        (False, False, (1000, 10000, 100000)),
        (None, True, (1000, 10000, 100000)),
    ],
    ids=["RateLimiter", "minute", "hour-and-day", "False", "None"],
)
def test_rate_limit_resolution(argument: Any, enabled: bool, limits: tuple[int, ...]) -> None:
    app = LightApi(engine=sqlite(), rate_limiter=argument)
    app.register({"/articles": ArticleEndpoint})
    spec = app.spec.rate_limit
    assert spec.enabled is enabled
    assert (spec.requests_per_minute, spec.requests_per_hour, spec.requests_per_day) == limits
    assert not spec.shared


def test_rate_limit_is_shared_with_a_redis_url() -> None:
    app = LightApi(engine=sqlite(), redis_url="redis://cache:6379/0")
    app.register({"/articles": ArticleEndpoint})
    assert app.spec.rate_limit.shared


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ({"requests_per_minute": 5, "per_second": 1}, "rate_limiter got unknown keys: per_second"),
        (10, "rate_limiter must be a RateLimiter, a dict, False or None"),
        (True, "rate_limiter must be a RateLimiter, a dict, False or None"),
    ],
)
def test_rate_limiter_of_another_kind_refuses_the_app(argument: Any, message: str) -> None:
    with pytest.raises(ConfigurationError) as raised_error:
        LightApi(engine=sqlite(), rate_limiter=argument)
    assert str(raised_error.value) == message
    # Not a SpecError: collect mode does not swallow it.
    with collect_diagnostics(), pytest.raises(ConfigurationError):
        LightApi(engine=sqlite(), rate_limiter=argument)


# -- records stay quiet when correct -------------------------------------------------------------


def test_correct_records_report_nothing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert collected(
            lambda: (
                Authentication(
                    backend=JWTAuthentication(),
                    permission={"GET": AllowAny, "POST": IsAuthenticated()},
                    jwt_expiration=60,
                    jwt_extra_claims=("role",),
                    jwt_algorithm="HS512",
                    rate_limiter={"requests_per_minute": 3},
                ),
                Filtering(
                    backends=(FieldFilter, SearchFilter, OrderingFilter),
                    fields=("title",),
                    search=("title",),
                    ordering=("title",),
                ),
            )
        ) == []
