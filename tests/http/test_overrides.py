"""Sync and async hooks on sync and async engines, background tasks and helpers (§13, R2.21-R2.24,
R23.6, R23.14)."""

from __future__ import annotations

import asyncio
import decimal
import logging
import threading

import pytest
from sqlalchemy import select
from starlette.responses import JSONResponse

from lightapi import RestEndpoint

OWNER = {"x-user": "ann"}


def _pk(request):
    return request.path_params.get("id")


def _marked(response, hook):
    response.headers["x-hook"] = hook
    return response


class SyncNotes(RestEndpoint):
    text: str
    owner: str = "ann"

    def queryset(self, request):
        cls = type(self)
        return select(cls).where(cls.owner == request.headers.get("x-user", ""))

    def get(self, request):
        pk = _pk(request)
        return _marked(self.retrieve(request, pk) if pk else self.list(request), "get")

    def post(self, request):
        return _marked(self.create(self.data), "post")

    def put(self, request):
        return _marked(self.update(self.data, _pk(request)), "put")

    def patch(self, request):
        return _marked(self.update(self.data, _pk(request), partial=True), "patch")

    def delete(self, request):
        return _marked(self.destroy(request, _pk(request)), "delete")


class AsyncNotes(RestEndpoint):
    text: str
    owner: str = "ann"

    async def queryset(self, request):
        cls = type(self)
        return select(cls).where(cls.owner == request.headers.get("x-user", ""))

    async def get(self, request):
        pk = _pk(request)
        if pk:
            return _marked(await self._retrieve_async(request, pk), "get")
        return _marked(await self._list_async(request), "get")

    async def post(self, request):
        return _marked(await self._create_async(self.data), "post")

    async def put(self, request):
        return _marked(await self._update_async(self.data, _pk(request)), "put")

    async def patch(self, request):
        return _marked(await self._update_async(self.data, _pk(request), partial=True), "patch")

    async def delete(self, request):
        return _marked(await self._destroy_async(request, _pk(request)), "delete")


def _shape(response):
    body = response.json() if response.content else None
    if isinstance(body, dict):
        body = {key: value for key, value in body.items()
                if key not in ("created_at", "updated_at")}
        if "results" in body:
            body["results"] = [{key: value for key, value in row.items()
                                if key not in ("created_at", "updated_at")}
                               for row in body["results"]]
    return response.status_code, response.headers.get("x-hook"), body


@pytest.mark.parametrize("endpoint", [SyncNotes, AsyncNotes], ids=["sync-hooks", "async-hooks"])
async def test_every_hook_behaves_the_same_on_every_engine(serve, endpoint):
    """Issue #6 acceptance 1: {sync, async} hooks x {sync, async} engines (via the four-engine
    ``engine`` fixture) x {queryset, get, post, put, patch, delete}."""
    client = serve({"/notes": endpoint})
    seen = [
        _shape(await client.post("/notes", json={"text": "a"}, headers=OWNER)),
        _shape(await client.post("/notes", json={"text": "b", "owner": "bob"}, headers=OWNER)),
        _shape(await client.get("/notes", headers=OWNER)),
        _shape(await client.get("/notes/1", headers=OWNER)),
        _shape(await client.get("/notes/2", headers=OWNER)),  # outside the scope
        _shape(await client.put("/notes/1", json={"text": "A", "version": 1}, headers=OWNER)),
        _shape(await client.patch("/notes/1", json={"text": "AA", "version": 2}, headers=OWNER)),
        _shape(await client.patch("/notes/1", json={"version": 1}, headers=OWNER)),  # stale
        _shape(await client.post("/notes", json={"text": 5}, headers=OWNER)),  # invalid
        _shape(await client.delete("/notes/2", headers=OWNER)),  # outside the scope
        _shape(await client.delete("/notes/1", headers=OWNER)),
    ]
    row = {"text": "a", "owner": "ann", "id": 1, "version": 1}
    assert seen[:5] == [
        (201, "post", row),
        (201, "post", {"text": "b", "owner": "bob", "id": 2, "version": 1}),
        (200, "get", {"results": [row]}),
        (200, "get", row),
        (404, "get", {"detail": "not found"}),
    ]
    assert seen[5:8] == [
        (200, "put", {**row, "text": "A", "version": 2}),
        (200, "patch", {**row, "text": "AA", "version": 3}),
        (409, "patch", {"detail": "version conflict"}),
    ]
    assert seen[8][:2] == (422, "post")
    assert seen[9:] == [(404, "delete", {"detail": "not found"}), (204, "delete", None)]


class SlowEndpoint(RestEndpoint):
    text: str
    started = threading.Event()
    release = threading.Event()

    def get(self, request):
        SlowEndpoint.started.set()
        if not SlowEndpoint.release.wait(timeout=10):
            raise TimeoutError("never released")
        return {"slow": True}


class FastEndpoint(RestEndpoint):
    text: str

    async def get(self, request):
        return {"fast": True}


async def test_a_slow_sync_hook_does_not_block_the_event_loop(serve):
    """Issue #6 acceptance 2: while a sync hook blocks its worker thread, another request is
    served; the test waits on events, never on sleeps."""
    SlowEndpoint.started.clear()
    SlowEndpoint.release.clear()
    client = serve({"/slow": SlowEndpoint, "/fast": FastEndpoint})
    slow = asyncio.create_task(client.get("/slow"))
    assert await asyncio.to_thread(SlowEndpoint.started.wait, 10)
    fast = await asyncio.wait_for(client.get("/fast"), timeout=10)  # served meanwhile
    assert fast.json() == {"fast": True}
    assert not slow.done()
    SlowEndpoint.release.set()
    assert (await asyncio.wait_for(slow, timeout=10)).json() == {"slow": True}


class ResultsEndpoint(RestEndpoint):
    text: str

    def get(self, request):
        kind = request.query_params.get("kind")
        if kind == "list":
            return [1, 2]
        if kind == "response":
            return JSONResponse({"own": True}, status_code=202, headers={"x-own": "1"})
        if kind == "bytes":
            return b"raw"
        if kind == "unencodable":
            return {"value": object()}
        return {"dict": True}

    async def post(self, request):
        return {"body": self.body.decode(), "data": self.data}


async def test_hook_results_and_request_data(serve, caplog):
    client = serve({"/results": ResultsEndpoint})
    assert (await client.get("/results")).json() == {"dict": True}
    assert (await client.get("/results?kind=list")).json() == [1, 2]
    own = await client.get("/results?kind=response")
    assert (own.status_code, own.headers["x-own"], own.json()) == (202, "1", {"own": True})
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        for kind in ("bytes", "unencodable"):
            failed = await client.get(f"/results?kind={kind}")
            assert failed.status_code == 500  # R2.24, R1.5
            assert failed.json() == {"detail": "Internal Server Error"}
    assert "ResultsEndpoint" in caplog.text
    posted = await client.post("/results", content=b'{"a": [1]}')
    assert posted.json() == {"body": '{"a": [1]}', "data": {"a": [1]}}  # R23.6
    assert (await client.post("/results", content=b"")).json() == {"body": "", "data": {}}
    invalid = await client.post("/results", content=b"{nope")
    assert invalid.status_code == 400 and invalid.json() == {"detail": "Invalid JSON body"}


@pytest.mark.parametrize(
    "body",
    [b"[" * 1_000 + b"]" * 1_000, b"[" * 30_000 + b"]" * 30_000, b'{"a": "\xff"}', b"\xc3",
     b'{"a": "\xed\xa0\x80"}'],
)
async def test_undecodable_json_before_a_hook_is_400_not_500(serve, caplog, body):
    """R5.11, R23.6: nesting past the parser's depth limit and invalid UTF-8 are invalid JSON
    (msgspec raised RecursionError or UnicodeDecodeError, answered 500 with a traceback)."""
    client = serve({"/results": ResultsEndpoint})
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        response = await client.post("/results", content=body)
    assert response.status_code == 400 and response.json() == {"detail": "Invalid JSON body"}
    assert "Traceback" not in caplog.text and "unhandled" not in caplog.text


class MeasureEndpoint(RestEndpoint):
    """A verb override creating from self.data."""

    ratio: float = 1.0
    amount: decimal.Decimal = decimal.Decimal(0)

    def post(self, request):
        return self.create(self.data)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [(b'{"ratio": 1e400}', 422, "ratio"), (b'{"amount": -1e999}', 422, "amount"),
     (b'{"ratio": 1e400, "amount": NaN}', 400, None), (b'{"ratio": ' + b"9" * 5000 + b"}", 400,
     None), (b'[1e400, "\xff"]', 400, None)],
)
async def test_a_number_past_the_parser_before_a_hook_is_judged_by_its_field(
    serve, body, status, field
):
    """R23.2, R23.6: 1e999 is valid JSON and a 422 for its field, as on the built-in create;
    msgspec refused it like invalid JSON (400). NaN, invalid UTF-8 and integers past int()'s
    limit stay 400."""
    client = serve({"/measures": MeasureEndpoint})
    response = await client.post("/measures", content=body)
    assert response.status_code == status, response.text
    if field is None:
        assert response.json() == {"detail": "Invalid JSON body"}
    else:
        [error] = response.json()["detail"]
        assert (error["type"], error["loc"]) == ("finite_number", [field])
    assert (await client.get("/measures")).json()["results"] == []


class HelperOverrideEndpoint(RestEndpoint):
    """Overriding a helper changes what the built-in dispatch runs (R2.23)."""

    text: str

    def create(self, data):
        return super().create({**data, "text": data["text"] + "!"})

    async def _list_async(self, request):
        response = await super()._list_async(request)
        response.headers["x-helper"] = "list"
        return response


async def test_overridden_helpers_are_dispatched(serve):
    client = serve({"/helped": HelperOverrideEndpoint})
    created = await client.post("/helped", json={"text": "hi"})
    assert created.status_code == 201 and created.json()["text"] == "hi!"
    listed = await client.get("/helped")
    assert listed.headers["x-helper"] == "list" and len(listed.json()["results"]) == 1


class LoopHelperEndpoint(RestEndpoint):
    text: str

    async def get(self, request):
        return self.list(request)  # a sync helper on the event loop thread


async def test_a_sync_helper_on_the_loop_names_its_twin(serve, caplog):
    client = serve({"/loop": LoopHelperEndpoint})
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        response = await client.get("/loop")
    assert response.status_code == 500
    assert "_list_async" in caplog.text  # R2.23


RAN: list[str] = []


def _record(value):
    RAN.append(value)


async def _record_async(value):
    await asyncio.sleep(0)
    RAN.append(value)


def _explode():
    raise RuntimeError("task failed")


class TasksEndpoint(RestEndpoint):
    text: str

    def post(self, request):
        self.background(_record, "sync")
        self.background(_explode)
        self.background(_record_async, value="async")
        return {"queued": 3}

    async def delete(self, request):
        self.background(_record, "discarded")
        raise ValueError("the handler failed")


async def test_background_tasks_run_after_the_response_and_failures_are_logged(serve, caplog):
    RAN.clear()
    client = serve({"/tasks": TasksEndpoint})
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        response = await client.post("/tasks", json={})
        assert response.status_code == 200 and response.json() == {"queued": 3}
        failed = await client.delete("/tasks/1")
    assert RAN == ["sync", "async"]  # queue order, the failure between does not stop them
    assert failed.status_code == 500  # R23.14: tasks of a failed handler are discarded
    messages = [record.getMessage() for record in caplog.records]
    assert any("TasksEndpoint" in message and "_explode" in message for message in messages)


def test_background_outside_a_request_raises():
    with pytest.raises(RuntimeError, match="background\\(\\) called outside request handler"):
        TasksEndpoint().background(_record, "x")
