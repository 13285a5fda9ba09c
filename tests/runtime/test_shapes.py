"""List statements are built once per shape and reused with bound values (issue #12, R21.1)."""

from __future__ import annotations

from sqlalchemy import column, select

from lightapi._runtime import lists
from lightapi._runtime.shapes import MAX_SHAPES, Shapes
from tests.http.querying_models import CursorEndpoint, PagedEndpoint
from tests.http.test_pagination import _seed


def test_a_shape_is_built_once_and_the_cache_is_capped():
    shapes, built = Shapes(), []

    def build():
        built.append(1)
        return select(column("x"))

    first = shapes.get(("page", "id"), build)
    assert shapes.get(("page", "id"), build) is first and len(built) == 1
    for number in range(MAX_SHAPES + 10):
        shapes.get(("page", f"k{number}"), build)
    assert len(shapes._statements) == MAX_SHAPES  # beyond the cap: built per request, not kept


async def test_pages_reuse_the_statements_of_their_shape(serve, monkeypatch):
    paged = serve({"/paged": PagedEndpoint, "/cursor": CursorEndpoint})
    await _seed(paged, "/paged", [3, 1, 4, 1, 5, 9, 2])
    await _seed(paged, "/cursor", [3, 1, 4, 1, 5, 9, 2])
    first = (await paged.get("/cursor?ordering=-views")).json()
    after = f"/cursor?ordering=-views&cursor={first['next']}"
    for path in ("/paged?page=2", "/paged?ordering=-views", after):
        await paged.get(path)  # the first request of each shape builds its statements
    calls = []
    monkeypatch.setattr(lists, "select", lambda *a: calls.append(a) or select(*a))

    async def titles(path):
        response = await paged.get(path)
        assert response.status_code == 200
        return [row["title"] for row in response.json()["results"]]

    assert await titles("/paged?page=3&page_size=2") == ["t04", "t05"]
    assert await titles("/paged?ordering=-views&page_size=2") == ["t05", "t04"]
    assert await titles(after) == ["t00", "t06", "t01"]
    assert await titles("/cursor?ordering=-views") == ["t05", "t04", "t02"]
    assert calls == []  # values bound into statements built earlier
    assert await titles("/paged?views__gte=4") == ["t02", "t04", "t05"]
    assert await titles("/paged?views__in=1,3&ordering=-views") == ["t00", "t01", "t03"]
    built = len(calls)
    assert built  # a new filter shape: built once
    assert await titles("/paged?views__gte=5") == ["t04", "t05"]
    assert await titles("/paged?views__in=9,4,5&ordering=-views") == ["t05", "t04", "t02"]
    assert len(calls) == built  # other values, other list lengths: the same statements
    assert await titles("/paged?views__lt=2") == ["t01", "t03"]
    assert len(calls) > built  # another operator is another shape
