"""Authentication and permissions through HTTP, on a sync and an async engine (§10)."""

from __future__ import annotations

import asyncio
import base64
import logging
import time

import jwt
import pytest

from lightapi import (
    AllowAny,
    Authentication,
    BaseAuthentication,
    BasePermission,
    BasicAuthentication,
    IsAdminUser,
    JWTAuthentication,
    LightApi,
    RateLimiter,
    RestEndpoint,
)
from tests.conftest import client_for, make_engine

SECRET = "test-secret-" + "x" * 40
USERS = {"ann": "pw-ann", "root": "pw-root"}


def validator(username, password):
    if USERS.get(username) != password:
        return None
    return {"sub": username, "is_admin": username == "root", "team": "blue"}


class NoteEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication)


class OpenReadEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication, permission={"GET": AllowAny, "DELETE": IsAdminUser}
        )


class AdminEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=JWTAuthentication, permission=IsAdminUser())


class BoxEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=BasicAuthentication)


class TeamOnly(BasePermission):
    async def has_permission(self, request):
        await asyncio.sleep(0)
        return request.state.user.get("team") == "blue"


class HeaderBackend(BaseAuthentication):
    """A custom sync backend: runs in a worker thread (R13.3)."""

    def authenticate(self, request):
        name = request.headers.get("x-api-key")
        return {"sub": name, "team": "blue" if name == "good" else "red"} if name else None


class AsyncHeaderBackend(BaseAuthentication):
    async def authenticate(self, request):
        await asyncio.sleep(0)
        name = request.headers.get("x-api-key")
        return {} if name == "empty" else ({"sub": name, "team": "blue"} if name else None)


class CustomEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=HeaderBackend, permission=TeamOnly)


class AsyncCustomEndpoint(RestEndpoint):
    text: str

    class Meta:
        authentication = Authentication(backend=AsyncHeaderBackend)


ENDPOINTS = {
    "/notes": NoteEndpoint,
    "/open": OpenReadEndpoint,
    "/admin": AdminEndpoint,
    "/boxes": BoxEndpoint,
    "/custom": CustomEndpoint,
    "/async": AsyncCustomEndpoint,
}


@pytest.fixture(params=["sqlite", "aiosqlite"])
async def make_client(request, tmp_path):
    """``make_client(**lightapi_kwargs)``: a client on a sync or an async engine."""
    opened = []

    def build(endpoints=None, **kwargs):
        folder = tmp_path / str(len(opened))
        folder.mkdir()
        context = make_engine(request.param, folder)
        engine = context.__enter__()
        kwargs.setdefault("jwt_secret", SECRET)
        kwargs.setdefault("login_validator", validator)
        app = LightApi(engine=engine, **kwargs)
        app.register(endpoints or ENDPOINTS)
        client = client_for(app)
        opened.append((client, context, engine))
        return client

    yield build
    for client, context, engine in opened:
        await client.aclose()
        if hasattr(engine, "sync_engine"):
            await engine.dispose()
        context.__exit__(None, None, None)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(credentials: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(credentials).decode()}


async def login(client, username="ann", password=None):
    response = await client.post(
        "/auth/login", json={"username": username, "password": password or USERS[username]}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


# -- permissions (R10.2-R10.6) -----------------------------------------------------------------


async def test_is_authenticated_by_default_with_a_backend(make_client):
    client = make_client()
    missing = await client.get("/notes")
    assert missing.status_code == 401
    assert missing.json() == {"detail": "Authentication required"}
    assert missing.headers["www-authenticate"] == "Bearer"  # R10.5
    token = await login(client)
    assert (
        await client.post("/notes", json={"text": "t"}, headers=bearer(token))
    ).status_code == 201
    assert (await client.get("/notes", headers=bearer(token))).status_code == 200


async def test_allow_any_and_per_verb_maps_fail_closed(make_client):
    client = make_client()
    assert (await client.get("/open")).status_code == 200  # listed: AllowAny
    assert (await client.head("/open")).status_code == 200  # HEAD uses GET's permission
    assert (await client.options("/open")).status_code == 204  # OPTIONS never checked
    unlisted = await client.post("/open", json={"text": "t"})
    assert unlisted.status_code == 401  # R10.3: unlisted verbs need a user
    ann = await login(client)
    created = await client.post("/open", json={"text": "t"}, headers=bearer(ann))
    assert created.status_code == 201
    forbidden = await client.delete("/open/1", headers=bearer(ann))
    assert forbidden.status_code == 403 and forbidden.json() == {
        "detail": "Insufficient permissions"
    }
    root = await login(client, "root")
    assert (await client.delete("/open/1", headers=bearer(root))).status_code == 204
    anonymous_with_bad_token = await client.get("/open", headers=bearer("garbage"))
    assert anonymous_with_bad_token.status_code == 200  # AllowAny proceeds either way


async def test_is_admin_user_needs_exactly_true(make_client):
    client = make_client()
    signer = JWTAuthentication()
    from lightapi.authentication import JwtSettings

    signer.bind(JwtSettings(secret=SECRET))
    for claims, status in (
        ({"is_admin": True}, 200),
        ({"is_admin": "true"}, 403),
        ({"is_admin": 1}, 403),
        ({}, 403),
    ):
        token = signer.generate_token({"sub": "x", **claims})
        assert (await client.get("/admin", headers=bearer(token))).status_code == status, claims


async def test_custom_sync_backend_and_async_permission(make_client):
    client = make_client()
    assert (await client.get("/custom")).status_code == 401
    assert "www-authenticate" not in (await client.get("/custom")).headers  # custom: no header
    assert (await client.get("/custom", headers={"x-api-key": "good"})).status_code == 200
    assert (await client.get("/custom", headers={"x-api-key": "other"})).status_code == 403


async def test_async_backend_result_is_tested_after_awaiting(make_client):
    client = make_client()
    assert (await client.get("/async", headers={"x-api-key": "ok"})).status_code == 200
    assert (await client.get("/async", headers={"x-api-key": "empty"})).status_code == 401
    assert (await client.get("/async")).status_code == 401


# -- tokens (R10.7) ----------------------------------------------------------------------------


def token(claims, key=SECRET, algorithm="HS256"):
    return jwt.encode(claims, key, algorithm=algorithm)


@pytest.mark.parametrize(
    "bad",
    [
        "expired",
        "forged",
        "alg-none",
        "wrong-algorithm",
        "future-nbf",
        "malformed",
        "empty",
        "not-an-object",
    ],
)
async def test_rejected_tokens_are_401_invalid_token(make_client, bad):
    client = make_client()
    now = int(time.time())
    value = {
        "expired": token({"sub": "a", "exp": now - 10}),
        "forged": token({"sub": "a"}, key="another-secret-" + "y" * 40),
        "alg-none": jwt.encode({"sub": "a"}, None, algorithm="none"),
        "wrong-algorithm": token({"sub": "a"}, algorithm="HS512"),
        "future-nbf": token({"sub": "a", "nbf": now + 3600}),
        "malformed": "abc.def.ghi",
        "empty": "",
        "not-an-object": jwt.api_jws.encode(b"[1, 2]", SECRET, algorithm="HS256"),
    }[bad]
    response = await client.get("/notes", headers=bearer(value))
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}
    if value:
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_tokens_without_exp_unless_required(make_client):
    lenient = make_client()
    no_exp = token({"sub": "a"})
    assert (await lenient.get("/notes", headers=bearer(no_exp))).status_code == 200  # R10.7
    strict = make_client(jwt_require_exp=True)
    assert (await strict.get("/notes", headers=bearer(no_exp))).status_code == 401
    assert (await strict.get("/notes", headers=bearer(await login(strict)))).status_code == 200


async def test_scheme_is_case_insensitive(make_client):
    client = make_client()
    value = await login(client)
    assert (
        await client.get("/notes", headers={"Authorization": f"bEaReR {value}"})
    ).status_code == 200


async def test_issuer_and_audience_are_required_when_configured(make_client):
    client = make_client(jwt_issuer="https://issuer", jwt_audience="api")
    issued = await login(client)
    claims = jwt.decode(issued, SECRET, algorithms=["HS256"], audience="api")
    assert (claims["iss"], claims["aud"]) == ("https://issuer", "api")
    assert (await client.get("/notes", headers=bearer(issued))).status_code == 200
    for claims in (
        {"sub": "a"},
        {"sub": "a", "iss": "https://issuer", "aud": "other"},
        {"sub": "a", "iss": "https://evil", "aud": "api"},
    ):
        assert (await client.get("/notes", headers=bearer(token(claims)))).status_code == 401


# -- login (R10.11-R10.13) ---------------------------------------------------------------------


async def test_login_success_body_and_claims(make_client):
    client = make_client(jwt_expiration=120)
    for path in ("/auth/login", "/auth/token"):
        response = await client.post(
            path, json={"username": "ann", "password": "pw-ann", "extra": "ignored"}
        )
        assert response.status_code == 200
        body = response.json()
        assert list(body) == ["token", "token_type", "expires_in", "user"]
        assert (body["token_type"], body["expires_in"]) == ("Bearer", 120)
        assert body["user"] == {"sub": "ann", "is_admin": False, "team": "blue"}
        claims = jwt.decode(body["token"], SECRET, algorithms=["HS256"])
        assert claims["exp"] - claims["iat"] == 120 and claims["sub"] == "ann"


async def test_login_extra_claims_pick_a_subset(make_client):
    class ClaimsEndpoint(RestEndpoint):
        text: str

        class Meta:
            authentication = Authentication(backend=JWTAuthentication, jwt_extra_claims=["sub"])

    client = make_client({"/claims": ClaimsEndpoint})
    claims = jwt.decode(await login(client), SECRET, algorithms=["HS256"])
    assert set(claims) == {"sub", "iat", "exp"}


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        ({"username": "ann", "password": "wrong"}, 401, None),
        ({"username": "nobody", "password": "x"}, 401, None),
        ({"username": "ann"}, 422, "missing"),
        ({"username": "", "password": "x"}, 422, "string_too_short"),
        ({"username": 5, "password": "x"}, 422, "string_type"),
        ([1, 2], 422, "model_type"),
    ],
)
async def test_login_failures(make_client, body, status, kind):
    client = make_client()
    response = await client.post("/auth/login", json=body)
    assert response.status_code == status
    if kind is None:
        assert response.json() == {"detail": "Invalid credentials"}
    else:
        assert response.json()["detail"][0]["type"] == kind


async def test_login_invalid_json_is_422_at_body(make_client):
    client = make_client()
    response = await client.post("/auth/login", content=b"{nope")
    assert response.status_code == 422  # R10.12, R22.2
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("json_invalid", ["body"])


async def test_login_with_a_basic_header(make_client):
    client = make_client()
    ok = await client.post("/auth/login", headers=basic(b"ann:pw-ann"))
    assert ok.status_code == 200
    malformed = await client.post(
        "/auth/login",
        headers={"Authorization": "Basic !!!"},
        json={"username": "ann", "password": "pw-ann"},
    )
    assert malformed.status_code == 401  # even with a valid body (R10.12)
    lowercase = await client.post(
        "/auth/login",
        headers={"Authorization": "basic " + base64.b64encode(b"x:y").decode()},
        json={"username": "ann", "password": "pw-ann"},
    )
    assert lowercase.status_code == 200  # the prefix is case-sensitive: the body counts (R22.2)
    for header in ("Basic", "Basic " + base64.b64encode(b"root:pw-root").decode() + "="):
        bare = await client.post(
            "/auth/login",
            headers={"Authorization": header},
            json={"username": "ann", "password": "pw-ann"},
        )
        # R23.8: "Basic" alone (what arrives of "Basic " once HTTP strips it) and invalid
        # padding are malformed Basic headers, 401 even with a valid body; they answered 200.
        assert (bare.status_code, bare.json()) == (401, {"detail": "Invalid credentials"}), header


async def test_validator_problems_are_401_and_logged_without_credentials(make_client, caplog):
    def exploding(username, password):
        raise RuntimeError(f"boom {password}")

    client = make_client(login_validator=exploding)
    with caplog.at_level(logging.DEBUG, logger="lightapi"):
        response = await client.post("/auth/login", json={"username": "u", "password": "hunter2"})
    assert response.status_code == 401
    assert any(record.levelno == logging.WARNING for record in caplog.records)
    assert "hunter2" not in caplog.text


async def test_async_validator_and_missing_validator(make_client):
    async def async_validator(username, password):
        await asyncio.sleep(0)
        return {"sub": username} if password == "ok" else None

    client = make_client(login_validator=async_validator)
    assert (
        await client.post("/auth/login", json={"username": "a", "password": "ok"})
    ).status_code == 200
    with pytest.warns(Warning, match="LA410"):
        without = make_client(login_validator=None)
        response = await without.post("/auth/login", json={"username": "a", "password": "ok"})
    assert response.status_code == 401


async def test_a_non_mapping_user_in_a_jwt_app_is_a_logged_500(make_client, caplog):
    client = make_client(login_validator=lambda username, password: "just a name")
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        response = await client.post("/auth/login", json={"username": "a", "password": "b"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}


async def test_basic_only_apps_answer_the_user(make_client):
    client = make_client({"/boxes": BoxEndpoint})
    response = await client.post("/auth/login", json={"username": "ann", "password": "pw-ann"})
    assert response.json() == {"user": {"sub": "ann", "is_admin": False, "team": "blue"}}


async def test_login_routes_answer_post_only(make_client):
    client = make_client(auth_path="/")
    assert (
        await client.post("/login", json={"username": "ann", "password": "pw-ann"})
    ).status_code == 200  # auth_path "/" gives /login and /token
    response = await client.get("/token")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    too_big = make_client(max_body_size=64)
    assert (await too_big.post("/auth/login", content=b" " * 100)).status_code == 413


# -- Basic headers (R10.10, R23.8) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("Basic " + base64.b64encode(b"ann:pw-ann").decode(), 200),
        ("  basic   " + base64.b64encode(b"ann:pw-ann").decode() + "  ", 200),
        ("Basic " + base64.b64encode(b"root:pw-root").decode(), 200),
        ("Basic", 401),
        ("Basic ", 401),
        ("Basic !!notbase64", 401),
        ("Basic " + base64.b64encode(b"ann:pw-ann").decode().rstrip("="), 401),  # unpadded
        # R23.8 strict base64: b64decode(validate=True) took these (they answered 200)
        ("Basic " + base64.b64encode(b"root:pw-root").decode() + "=", 401),  # excess padding
        ("Basic " + base64.b64encode(b"ann:pw-ann").decode()[:-3] + "u==", 401),  # stray bits
        ("Basic " + base64.b64encode(b"annpw-ann").decode(), 401),  # no colon
        ("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), 401),  # not UTF-8
        ("Basic " + base64.b64encode(b"ann:wrong").decode(), 401),
        ("Bearer abc", 401),
    ],
)
async def test_basic_header_edge_cases(make_client, header, status):
    client = make_client()
    response = await client.get("/boxes", headers={"Authorization": header})
    assert response.status_code == status, header
    if status == 401:
        assert response.headers["www-authenticate"] == 'Basic realm="LightAPI", charset="UTF-8"'


async def test_basic_password_may_hold_colons(make_client):
    users = {"ann": "a:b:c"}
    client = make_client(login_validator=lambda u, p: {"sub": u} if users.get(u) == p else None)
    assert (await client.get("/boxes", headers=basic(b"ann:a:b:c"))).status_code == 200


# -- rate limiting (R10.15-R10.17) -------------------------------------------------------------


async def test_login_attempts_are_limited_with_headers(make_client):
    client = make_client(rate_limiter=RateLimiter(requests_per_minute=3))
    statuses = []
    for _ in range(5):
        response = await client.post("/auth/login", json={"username": "ann", "password": "x"})
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429, 429]
    assert response.json() == {"detail": "Too many requests. Please try again later."}
    assert response.headers["x-ratelimit-limit"] == "3"
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert int(response.headers["x-ratelimit-reset"]) > time.time()
    good = await client.post("/auth/login", json={"username": "ann", "password": "pw-ann"})
    assert good.status_code == 429  # refused before the credentials are checked


async def test_failed_basic_checks_count_and_successes_do_not(make_client):
    client = make_client(rate_limiter={"requests_per_minute": 2})
    for _ in range(4):
        assert (await client.get("/boxes", headers=basic(b"ann:pw-ann"))).status_code == 200
    assert (await client.get("/boxes", headers=basic(b"ann:bad"))).status_code == 401
    assert (await client.get("/boxes", headers=basic(b"ann:bad"))).status_code == 401
    assert (await client.get("/boxes", headers=basic(b"ann:pw-ann"))).status_code == 429


async def test_an_endpoint_limiter_and_disabling(make_client):
    class TightBoxEndpoint(RestEndpoint):
        text: str

        class Meta:
            authentication = Authentication(
                backend=BasicAuthentication, rate_limiter=RateLimiter(requests_per_minute=1)
            )

    client = make_client({"/tight": TightBoxEndpoint})
    assert (await client.get("/tight", headers=basic(b"ann:bad"))).status_code == 401
    assert (await client.get("/tight", headers=basic(b"ann:pw-ann"))).status_code == 429
    off = make_client(rate_limiter=False)
    for _ in range(5):
        assert (
            await off.post("/auth/login", json={"username": "a", "password": "b"})
        ).status_code == 401


async def test_forwarded_addresses_count_only_behind_trusted_proxies(make_client):
    trusted = make_client(
        rate_limiter=RateLimiter(requests_per_minute=1, trusted_proxies=["127.0.0.0/8"])
    )
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        response = await trusted.post(
            "/auth/login",
            json={"username": "a", "password": "b"},
            headers={"X-Forwarded-For": f"{address}, 127.0.0.1"},
        )
        assert response.status_code == 401, address  # each client has its own counter
    untrusted = make_client(rate_limiter=RateLimiter(requests_per_minute=1))
    statuses = [
        (
            await untrusted.post(
                "/auth/login",
                json={"username": "a", "password": "b"},
                headers={"X-Forwarded-For": f"10.0.0.{n}"},
            )
        ).status_code
        for n in range(3)
    ]
    assert statuses == [401, 429, 429]  # the forwarded header is ignored


# -- secrets (issue #5 acceptance 3) -----------------------------------------------------------


async def test_secrets_never_appear_in_logs_or_bodies(make_client, caplog):
    client = make_client()
    seen = []
    with caplog.at_level(logging.DEBUG):
        for response in (
            await client.post("/auth/login", json={"username": "ann", "password": "pw-ann-x"}),
            await client.post("/auth/login", content=b'{"username": "ann", "password": "pw-ann-x'),
            await client.post("/auth/login", json={"password": "pw-ann-x"}),
            await client.get("/notes", headers=bearer(token({"sub": "a"}, key="wrong-" * 8))),
            await client.get("/notes", headers=bearer(token({"sub": "a", "exp": 1}))),
            await client.get("/boxes", headers=basic(b"ann:pw-ann-x")),
        ):
            seen.append(response.text)
    text = caplog.text + "".join(seen)
    assert SECRET not in text
    assert "pw-ann-x" not in text


def test_rate_limiter_counts_attempts_on_its_own():
    """R1.2: the compatible standalone API counts per client and endpoint in the process."""
    from starlette.requests import Request

    limiter = RateLimiter(requests_per_minute=2)
    request = Request({"type": "http", "headers": [], "client": ("10.0.0.1", 1)})
    assert limiter.is_rate_limited(request, "login") == (False, None)
    assert limiter.is_rate_limited(request, "login") == (False, None)
    limited, message = limiter.is_rate_limited(request, "login")
    assert limited and message == "Too many requests. Please try again later."
    assert limiter.is_rate_limited(request, "other") == (False, None)
    limiter.reset()
    assert limiter.is_rate_limited(request, "login") == (False, None)
