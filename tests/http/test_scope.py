"""A queryset scopes LIST and every detail operation alike (§9), sync or async."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from lightapi import RestEndpoint
from tests.http.querying_models import AsyncScopedEndpoint, OwnerScopedEndpoint

ANN, BOB = {"x-user": "ann"}, {"x-user": "bob"}


@pytest.fixture(params=["sync", "async"])
async def scoped(request, serve):
    endpoint = OwnerScopedEndpoint if request.param == "sync" else AsyncScopedEndpoint
    client = serve({"/notes": endpoint})
    for title, owner in (("a1", "ann"), ("b1", "bob"), ("a2", "ann"), ("b2", "bob")):
        response = await client.post("/notes", json={"title": title, "owner": owner})
        assert response.status_code == 201  # R9.2: CREATE is not scoped
    return client, request.param


async def test_list_and_count_see_only_the_scope(scoped):
    client, kind = scoped
    body = (await client.get("/notes", headers=ANN)).json()
    titles = [row["title"] for row in body["results"]]
    if kind == "sync":
        assert titles == ["a2", "a1"]  # the queryset's ORDER BY, then id (R7.10)
    else:
        assert titles == ["a1", "a2"] and body["count"] == 2  # a page count within the scope
    assert (await client.get("/notes", headers={"x-user": "eve"})).json()["results"] == []


async def test_rows_outside_the_scope_are_404_on_every_detail_verb(scoped):
    client, _ = scoped
    bobs = 2
    for method, body in (("GET", None), ("HEAD", None), ("PUT", {"title": "x", "owner": "ann",
                                                                 "version": 1}),
                         ("PATCH", {"version": 1}), ("DELETE", None)):
        response = await client.request(method, f"/notes/{bobs}", json=body, headers=ANN)
        assert response.status_code == 404, method
        if method != "HEAD":
            assert response.json() == {"detail": "not found"}
    stale = await client.patch(f"/notes/{bobs}", json={"version": 7}, headers=ANN)
    assert stale.status_code == 404  # R9.2: not 409 outside the scope
    assert (await client.get(f"/notes/{bobs}", headers=BOB)).json()["version"] == 1


async def test_writes_inside_the_scope_work(scoped):
    client, _ = scoped
    moved = await client.patch("/notes/1", json={"owner": "bob", "version": 1}, headers=ANN)
    assert moved.status_code == 200  # R23.7: judged on the row as it was
    assert (await client.get("/notes/1", headers=ANN)).status_code == 404
    assert (await client.delete("/notes/3", headers=ANN)).status_code == 204


class BrokenScopeEndpoint(RestEndpoint):
    title: str

    def queryset(self, request):
        return "not a select"


class OtherTableScopeEndpoint(RestEndpoint):
    title: str

    def queryset(self, request):
        return select(OwnerScopedEndpoint)


async def test_a_queryset_that_is_not_a_select_over_the_table_is_a_logged_500(serve, caplog):
    client = serve({"/broken": BrokenScopeEndpoint, "/other": OtherTableScopeEndpoint,
                    "/notes": OwnerScopedEndpoint})
    with caplog.at_level(logging.ERROR, logger="lightapi"):
        for path in ("/broken", "/broken/1", "/other"):
            response = await client.get(path)
            assert response.status_code == 500  # R9.3
            assert response.json() == {"detail": "Internal Server Error"}
    assert any("BrokenScopeEndpoint" in record.getMessage() for record in caplog.records)


class TeamEndpoint(RestEndpoint):
    name: str


class TaskEndpoint(RestEndpoint):
    title: str
    team_id: int

    def queryset(self, request):
        task, team = type(self), TeamEndpoint
        return (
            select(task)
            .join(team, team.id == task.team_id)
            .where(team.name == request.headers.get("x-team", ""))
        )


async def test_a_joined_queryset_scopes_every_operation(serve):
    client = serve({"/teams": TeamEndpoint, "/tasks": TaskEndpoint})
    red = (await client.post("/teams", json={"name": "red"})).json()["id"]
    blue = (await client.post("/teams", json={"name": "blue"})).json()["id"]
    for title, team in (("r1", red), ("b1", blue), ("r2", red)):
        await client.post("/tasks", json={"title": title, "team_id": team})
    as_red = {"x-team": "red"}
    listed = (await client.get("/tasks", headers=as_red)).json()["results"]
    assert [row["title"] for row in listed] == ["r1", "r2"]
    assert (await client.get("/tasks/2", headers=as_red)).status_code == 404
    assert (await client.patch("/tasks/2", json={"version": 1}, headers=as_red)).status_code == 404
    assert (await client.patch("/tasks/3", json={"version": 1}, headers=as_red)).status_code == 200
    assert (await client.delete("/tasks/1", headers=as_red)).status_code == 204
