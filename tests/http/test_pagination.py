"""Page-number and cursor pagination through HTTP on all four engines (§8)."""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightapi import LightApi
from tests.conftest import ENGINE_KINDS, client_for, make_engine
from tests.http.querying_models import CursorEndpoint, PagedEndpoint


async def _seed(client, path, views):
    for number, value in enumerate(views):
        response = await client.post(path, json={"title": f"t{number:02d}", "views": value})
        assert response.status_code == 201


@pytest.fixture
async def paged(serve):
    client = serve({"/paged": PagedEndpoint})
    await _seed(client, "/paged", [3, 1, 4, 1, 5, 9, 2])
    return client


async def test_page_envelope_and_links(paged):
    first = await paged.get("/paged")
    body = first.json()
    assert list(body) == ["count", "pages", "next", "previous", "results"]  # R8.3 key order
    assert (body["count"], body["pages"], body["previous"]) == (7, 3, None)
    assert [row["title"] for row in body["results"]] == ["t00", "t01", "t02"]  # ORDER BY id
    assert body["next"] == "http://testserver/paged?page=2"
    last = (await paged.get("/paged?page=3")).json()
    assert last["next"] is None and [row["title"] for row in last["results"]] == ["t06"]
    assert last["previous"] == "http://testserver/paged?page=2"


async def test_links_keep_every_parameter_encoded(paged):
    response = await paged.get("/paged?ordering=-views,title&tag=a b&tag=c%26d&page=2")
    body = response.json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query == {"ordering": ["-views,title"], "tag": ["a b", "c&d"], "page": ["3"]}
    assert "a+b" in body["next"] or "a%20b" in body["next"]
    assert parse_qs(urlsplit(body["previous"]).query)["page"] == ["1"]


async def test_page_beyond_the_last_links_back(paged):
    body = (await paged.get("/paged?page=10")).json()
    assert (body["count"], body["results"], body["next"]) == (7, [], None)  # R8.5
    assert parse_qs(urlsplit(body["previous"]).query)["page"] == ["3"]  # R8.4


async def test_the_last_allowed_page_is_an_empty_page_on_every_engine(paged):
    """R8.5 at the bound of R8.2: the offset of page 10^9 passes 32 bits (asyncpg once cast it
    to int4 and answered 422)."""
    body = (await paged.get("/paged?page=1000000000&page_size=5")).json()
    assert (body["count"], body["results"], body["next"]) == (7, [], None)


async def test_page_size_and_filters_shape_count(paged):
    body = (await paged.get("/paged?page_size=5&views__lte=3")).json()
    assert (body["count"], body["pages"], len(body["results"])) == (4, 1, 4)
    assert (await paged.get("/paged?page_size=6")).status_code == 422  # above max_page_size
    ordered = (await paged.get("/paged?ordering=-views&page_size=2")).json()
    assert [row["views"] for row in ordered["results"]] == [9, 5]


async def test_no_rows_gives_zero_pages(serve):
    client = serve({"/paged": PagedEndpoint})
    assert (await client.get("/paged")).json() == {
        "count": 0, "pages": 0, "next": None, "previous": None, "results": []
    }


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "page=1.5", "page=1000000001", "page_size=0",
     "page_size=x", "page_size=99999999999999999999999"],
)
async def test_bad_page_parameters_are_422(paged, query):
    response = await paged.get(f"/paged?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


async def _walk(client, path, ordering, size):
    """Follow ``next`` to the end, then ``previous`` back; return both id sequences."""
    params = {"page_size": size, **({"ordering": ordering} if ordering else {})}
    pages, cursor = [], None
    while True:
        body = (await client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
                ).json()
        pages.append(body)
        cursor = body["next"]
        if cursor is None:
            break
    forward = [row["id"] for page in pages for row in page["results"]]
    backward: list[list[int]] = []
    cursor = pages[-1]["previous"]
    while cursor is not None:
        body = (await client.get(path, params={**params, "cursor": cursor})).json()
        backward.insert(0, [row["id"] for row in body["results"]])
        cursor = body["previous"]
    return pages, forward, [ident for page in backward for ident in page]


async def test_cursor_pages_forward_and_back(serve):
    client = serve({"/cursor": CursorEndpoint})
    await _seed(client, "/cursor", [2, 2, 1, 2, 1, 2, 1])
    pages, forward, backward = await _walk(client, "/cursor", "-views", 3)
    expected = [1, 2, 4, 6, 3, 5, 7]  # views desc, then id
    assert forward == expected
    assert backward == expected[:-1]  # everything before the last page
    assert list(pages[0]) == ["next", "previous", "results"]  # R8.6
    assert pages[0]["previous"] is None  # R8.8: the first page has no previous
    assert pages[-1]["next"] is None


async def test_exact_multiple_needs_no_empty_page(serve):
    client = serve({"/cursor": CursorEndpoint})
    await _seed(client, "/cursor", [1, 2, 3, 4, 5, 6])
    pages, forward, _ = await _walk(client, "/cursor", None, 3)
    assert len(pages) == 2 and len(forward) == 6  # R8.8


def _token(body: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()


async def test_bad_cursors_are_400(serve):
    client = serve({"/cursor": CursorEndpoint})
    await _seed(client, "/cursor", [1, 2, 3, 4])
    good = (await client.get("/cursor?ordering=views")).json()["next"]
    decoded = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    tampered = _token({**decoded, "i": decoded["i"] + 1})
    for cursor, ordering in [
        ("garbage", "views"),
        ("eyJ4IjoxfQ", "views"),  # valid base64 JSON of the wrong shape
        ("A" * 1100, "views"),  # longer than 1024 characters
        (tampered, "views"),  # R8.7: edited values are refused
        (good, "-views"),  # made for another ordering
        (good, ""),
        ("%%%", "views"),
    ]:
        params = {"cursor": cursor, **({"ordering": ordering} if ordering else {})}
        response = await client.get("/cursor", params=params)
        assert response.status_code == 400, (cursor, ordering)
        assert response.json() == {"detail": "Invalid cursor"}


async def test_cursor_survives_a_filter_change(serve):
    """R23.18: only the ordering signature is bound to a cursor."""
    client = serve({"/cursor": CursorEndpoint})
    await _seed(client, "/cursor", [1, 2, 3, 4, 5])
    token = (await client.get("/cursor")).json()["next"]
    response = await client.get("/cursor", params={"cursor": token, "views__gte": 5})
    assert [row["views"] for row in response.json()["results"]] == [5]


@pytest.mark.parametrize("kind", ENGINE_KINDS)
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    views=st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=14),
    size=st.integers(min_value=1, max_value=4),
    descending=st.booleans(),
)
async def test_cursor_traversal_never_skips_or_repeats(kind, tmp_path, views, size, descending):
    """Property (issue #4), on all four engines: under a non-unique ordering, walking forward
    visits every row once in keyset order, and walking back from the end visits every earlier
    row once."""
    folder = tmp_path / uuid.uuid4().hex  # hypothesis reuses tmp_path across examples
    folder.mkdir()
    with make_engine(kind, folder) as engine:
        app = LightApi(engine=engine)
        app.register({"/cursor": CursorEndpoint})
        async with client_for(app) as client:
            await _seed(client, "/cursor", views)
            rows = (await client.get("/cursor", params={"page_size": 50})).json()["results"]
            key = (lambda row: (-row["views"], row["id"])) if descending else (
                lambda row: (row["views"], row["id"]))
            expected = [row["id"] for row in sorted(rows, key=key)]
            _, forward, backward = await _walk(
                client, "/cursor", "-views" if descending else "views", size
            )
            assert forward == expected
            last_page = len(expected) % size or size
            assert backward == (expected[:-last_page] if expected else [])
        if hasattr(engine, "sync_engine"):
            await engine.dispose()
