"""Response caching against the real Redis on 127.0.0.1, on a sync and an async engine (§14)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import shutil
import subprocess
import time
import uuid

import pytest
import redis
from sqlalchemy import select

from lightapi import (
    Authentication,
    BasicAuthentication,
    Cache,
    LightApi,
    RestEndpoint,
)
from lightapi.cache import MemoryCacheBackend, RedisCacheBackend
from tests.conftest import client_for, make_engine
from tests.e2e.server import free_port
from tests.services import unavailable

REDIS_URL = "redis://127.0.0.1:6379/0"


class BookEndpoint(RestEndpoint):
    title: str

    class Meta:
        cache = Cache(ttl=120, vary_on=["Accept-Language"])


def validator(username, password):
    return {"sub": username} if password == "pw" else None


class DiaryEndpoint(RestEndpoint):
    """Each user sees their own entries (the queryset) through an authenticated cache."""

    text: str
    owner: str

    class Meta:
        authentication = Authentication(backend=BasicAuthentication)
        cache = Cache(ttl=120)

    def queryset(self, request):
        cls = type(self)
        return select(cls).where(cls.owner == request.state.user["sub"])


class HookedEndpoint(RestEndpoint):
    title: str

    class Meta:
        cache = Cache(ttl=120)

    async def post(self, request):
        return await self._create_async(self.data)


def user(name: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:pw".encode()).decode()}


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable("Redis", error)
    return client


@pytest.fixture(params=["sqlite", "aiosqlite"])
async def make_client(request, tmp_path, redis_client):
    prefix = f"test-{uuid.uuid4().hex}"
    opened = []

    def build(endpoints, **kwargs):
        folder = tmp_path / str(len(opened))
        folder.mkdir()
        context = make_engine(request.param, folder)
        engine = context.__enter__()
        kwargs.setdefault("redis_url", REDIS_URL)
        app = LightApi(engine=engine, cache_prefix=prefix, login_validator=validator, **kwargs)
        app.register(endpoints)
        client = client_for(app)
        opened.append((client, context, engine))
        return client

    build.prefix = prefix
    yield build
    for client, context, engine in opened:
        await client.aclose()
        if hasattr(engine, "sync_engine"):
            await engine.dispose()
        context.__exit__(None, None, None)
    keys = redis_client.keys(f"{prefix}:*")
    if keys:
        redis_client.delete(*keys)


async def test_hit_after_miss_for_lists_details_and_head(make_client):
    client = make_client({"/books": BookEndpoint})
    await client.post("/books", json={"title": "Dune"})
    for path in ("/books", "/books/1"):
        first = await client.get(path)
        second = await client.get(path)
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
        assert second.content == first.content
        assert second.headers["content-type"] == "application/json"
        head = await client.head(path)
        assert head.headers["x-cache"] == "HIT" and head.content == b""
    hit = await client.get("/books/1")
    assert hit.headers["etag"] == '"1-1"'
    not_modified = await client.get("/books/1", headers={"If-None-Match": '"1-1"'})
    assert (not_modified.status_code, not_modified.headers["x-cache"]) == (304, "HIT")
    assert (await client.get("/books?x=1")).headers["x-cache"] == "MISS"  # another query
    assert (await client.get("/books", headers={"Accept-Language": "fr"})).headers[
        "x-cache"
    ] == "MISS"  # vary_on


@pytest.mark.parametrize("host", ["[::1", "a[b]c:1", "[v1.x"])
async def test_a_host_header_that_is_no_url_leaves_the_cache_working(make_client, caplog, host):
    """R14.6 suspends caching when the backend fails, not on client input: a Host header that
    makes an invalid URL raised ValueError while building the key, was taken for a Redis outage
    and switched caching off for every client."""
    client = make_client({"/books": BookEndpoint})
    await client.post("/books", json={"title": "Dune"})
    with caplog.at_level(logging.WARNING, logger="lightapi"):
        for _ in range(2):
            odd = await client.get("/books", headers={"Host": host})
            assert odd.status_code == 200 and odd.json()["results"][0]["title"] == "Dune"
        assert odd.headers["x-cache"] == "HIT"  # cached under its own key
        answers = [(await client.get("/books")).headers["x-cache"] for _ in range(2)]
    assert answers == ["MISS", "HIT"]
    assert "cache unavailable" not in caplog.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/books", {"title": "New"}),
        ("PUT", "/books/1", {"title": "X", "version": 1}),
        ("PATCH", "/books/1", {"title": "Y", "version": 1}),
        ("DELETE", "/books/1", None),
    ],
)
async def test_every_successful_write_invalidates(make_client, method, path, body):
    client = make_client({"/books": BookEndpoint})
    await client.post("/books", json={"title": "Dune"})
    before = await client.get("/books")
    assert (await client.get("/books")).headers["x-cache"] == "HIT"
    response = await client.request(method, path, json=body)
    assert 200 <= response.status_code < 300
    after = await client.get("/books")
    assert after.headers["x-cache"] == "MISS"
    assert after.content != before.content


async def test_failed_writes_do_not_invalidate(make_client):
    client = make_client({"/books": BookEndpoint})
    await client.post("/books", json={"title": "Dune"})
    await client.get("/books")
    for method, path, body in (
        ("POST", "/books", {"title": 5}),
        ("PATCH", "/books/1", {"version": 9}),
        ("DELETE", "/books/7", None),
    ):
        assert (await client.request(method, path, json=body)).status_code >= 400
        assert (await client.get("/books")).headers["x-cache"] == "HIT"


async def test_overridden_writes_invalidate_too(make_client):
    client = make_client({"/hooked": HookedEndpoint})
    assert (await client.get("/hooked")).headers["x-cache"] == "MISS"
    assert (await client.post("/hooked", json={"title": "a"})).status_code == 201
    listed = await client.get("/hooked")
    assert listed.headers["x-cache"] == "MISS" and len(listed.json()["results"]) == 1


async def test_one_user_never_gets_another_users_cached_list(make_client):
    client = make_client({"/diary": DiaryEndpoint})
    for owner in ("ann", "bob"):
        await client.post(
            "/diary", json={"text": f"{owner}'s", "owner": owner}, headers=user(owner)
        )
    ann = [await client.get("/diary", headers=user("ann")) for _ in range(2)]
    bob = [await client.get("/diary", headers=user("bob")) for _ in range(2)]
    assert [r.headers["x-cache"] for r in ann + bob] == ["MISS", "HIT", "MISS", "HIT"]
    assert [row["owner"] for row in ann[1].json()["results"]] == ["ann"]
    assert [row["owner"] for row in bob[1].json()["results"]] == ["bob"]
    refused = await client.get("/diary")
    assert refused.status_code == 401 and "x-cache" not in refused.headers  # R23.9


def command_calls(redis_client) -> dict[str, int]:
    stats = redis_client.info("commandstats")
    return {name: stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "evalsha")}


async def test_a_hit_costs_one_redis_round_trip(make_client, redis_client):
    """Issue #12: the generation and the entry are read by one EVALSHA, not two GETs."""
    client = make_client({"/books": BookEndpoint})
    await client.post("/books", json={"title": "Dune"})
    await client.get("/books/1")  # MISS: stores the entry (and loads the script)
    before = command_calls(redis_client)
    hit = await client.get("/books/1")
    after = command_calls(redis_client)
    assert hit.headers["x-cache"] == "HIT"
    # One EVALSHA from the app; Redis counts the two GETs the script runs inside it.
    assert {name: after[name] - before[name] for name in after} == {"get": 2, "evalsha": 1}


async def test_entries_expire_after_the_ttl(make_client, redis_client):
    client = make_client({"/books": BookEndpoint})
    await client.get("/books")
    [entry] = [
        key
        for key in redis_client.keys(f"{make_client.prefix}:BookEndpoint:*")
        if not key.endswith(b":gen")
    ]
    assert 110 < redis_client.ttl(entry) <= 120  # R14.1: stored for ttl seconds
    redis_client.delete(entry)  # what the expiry does
    assert (await client.get("/books")).headers["x-cache"] == "MISS"


async def test_a_memory_backend_behaves_the_same():
    async with contextlib.AsyncExitStack() as stack:
        app = LightApi(database_url="sqlite://", cache_backend=MemoryCacheBackend())
        app.register({"/books": BookEndpoint})
        client = await stack.enter_async_context(client_for(app))
        assert [(await client.get("/books")).headers["x-cache"] for _ in range(2)] == [
            "MISS",
            "HIT",
        ]


def start_redis(port: int) -> subprocess.Popen:
    """A Redis server of the test's own, on ``port``, accepting connections on return."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server", FileNotFoundError("redis-server"))
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    probe = redis.Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while True:
        try:
            probe.ping()
            return process
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)  # waiting for the server to accept connections


def stop_redis(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()


class OwnRedis:
    """A Redis server of the test's own, which the test may kill and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process = start_redis(self.port)

    def stop(self) -> None:
        stop_redis(self.process)  # a second stop of a stopped server does nothing

    def start(self) -> None:
        """Again on the same port, empty, as a restarted Redis without persistence."""
        self.process = start_redis(self.port)


@contextlib.asynccontextmanager
async def books_cached_on_own_redis(tmp_path):
    """A client of an app caching /books in an ``OwnRedis``, and that server."""
    own = OwnRedis()
    try:
        app = LightApi(
            database_url=f"sqlite:///{tmp_path}/books.db",
            redis_url=f"redis://127.0.0.1:{own.port}/0",
        )
        app.register({"/books": BookEndpoint})
        async with client_for(app) as client:
            yield client, own
    finally:
        own.stop()


async def _until_hit(client, path, deadline_seconds=20.0):
    """Poll until the cache serves again: its back-off decides when (R14.6)."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        response = await client.get(path)
        assert response.status_code == 200
        if response.headers["x-cache"] == "HIT":
            return response
        await asyncio.sleep(0.2)
    raise AssertionError("caching never resumed")


async def test_redis_outage_is_invisible_and_caching_resumes(tmp_path, caplog):
    """Issue #7 acceptance 2: a Redis the test starts, kills mid-run and starts again."""
    async with books_cached_on_own_redis(tmp_path) as (client, own):
        await client.post("/books", json={"title": "before"})
        assert (await client.get("/books")).headers["x-cache"] == "MISS"
        assert (await client.get("/books")).headers["x-cache"] == "HIT"

        own.stop()  # every request still answers correctly, uncached
        started = time.monotonic()
        for _ in range(5):
            down = await client.get("/books")
            assert (down.status_code, down.headers["x-cache"]) == (200, "MISS")
        created = await client.post("/books", json={"title": "during"})
        assert created.status_code == 201
        patched = await client.patch("/books/1", json={"title": "changed", "version": 1})
        assert patched.status_code == 200
        assert time.monotonic() - started < 5  # served without waiting on the cache
        titles = [row["title"] for row in (await client.get("/books")).json()["results"]]
        assert titles == ["changed", "during"]

        own.start()
        resumed = await _until_hit(client, "/books")
        assert [row["title"] for row in resumed.json()["results"]] == ["changed", "during"]
    assert "cache unavailable" in caplog.text


async def test_stale_entries_are_not_served_after_an_outage(tmp_path):
    """Writes during an outage cannot bump a generation; recovery bumps them all, so an entry
    cached before the outage (and still in a Redis that only lost its connection) is never
    served again."""
    async with books_cached_on_own_redis(tmp_path) as (client, own):
        await client.post("/books", json={"title": "old"})
        await client.get("/books")
        assert (await client.get("/books")).headers["x-cache"] == "HIT"
        backend_client = redis.Redis(port=own.port)
        backend_client.client_pause(3000)  # Redis unresponsive, its data kept
        assert (
            await client.patch("/books/1", json={"title": "new", "version": 1})
        ).status_code == 200
        backend_client.client_unpause()
        resumed = await _until_hit(client, "/books")
        assert [row["title"] for row in resumed.json()["results"]] == ["new"]


async def test_an_unreachable_cache_at_startup_warns(tmp_path):
    from starlette.testclient import TestClient

    from lightapi import LightApiWarning

    app = LightApi(
        database_url=f"sqlite:///{tmp_path}/down.db", redis_url=f"redis://127.0.0.1:{free_port()}/0"
    )
    app.register({"/books": BookEndpoint})
    with (
        pytest.warns(LightApiWarning, match="caching is suspended"),
        TestClient(app.build_app()) as client,
    ):
        response = client.get("/books")
    assert (response.status_code, response.headers["x-cache"]) == (200, "MISS")
    assert isinstance(RedisCacheBackend(REDIS_URL), RedisCacheBackend)
