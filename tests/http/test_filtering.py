"""Field filters with typed operators, search and ordering, through HTTP on all four engines
(R7.1-R7.10)."""

from __future__ import annotations

import pytest

from tests.http.querying_models import ArticleEndpoint, CustomFilteredEndpoint

ROWS = [
    {"title": "alpha", "views": 5, "rating": 1.5, "price": "10.00", "featured": True,
     "published_on": "2024-01-10", "edited_at": "2024-01-10T10:00:00Z",
     "ref": "00000000-0000-0000-0000-000000000001", "status": "live"},
    {"title": "beta", "views": 10, "rating": 2.5, "price": "20.50", "featured": False,
     "published_on": "2024-02-10", "edited_at": "2024-02-10T10:00:00+02:00", "status": "draft"},
    {"title": "gamma 100%", "views": 10, "rating": 3.0, "price": "5.25", "status": "live"},
    {"title": "snake_case", "views": 0, "status": "o'neil"},
    {"title": "back\\slash", "views": 7, "status": "draft"},
]


@pytest.fixture
async def articles(serve):
    client = serve({"/articles": ArticleEndpoint})
    for row in ROWS:
        response = await client.post("/articles", json=row)
        assert response.status_code == 201, response.text
    return client


async def titles(client, query: str) -> list[str]:
    response = await client.get(f"/articles?{query}")
    assert response.status_code == 200, response.text
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("views=10", ["beta", "gamma 100%"]),
        ("views=%2B10", ["beta", "gamma 100%"]),  # optional sign
        ("views__gt=5", ["beta", "gamma 100%", "back\\slash"]),
        ("views__gte=7", ["beta", "gamma 100%", "back\\slash"]),
        ("views__lt=5", ["snake_case"]),
        ("views__lte=5", ["alpha", "snake_case"]),
        ("views__ne=10", ["alpha", "snake_case", "back\\slash"]),
        ("views__in=0,5", ["alpha", "snake_case"]),
        ("rating__gt=2", ["beta", "gamma 100%"]),
        ("rating=1.5e0", ["alpha"]),
        ("price__lte=10", ["alpha", "gamma 100%", "snake_case", "back\\slash"]),
        ("price=20.5", ["beta"]),
        ("featured=yes", ["alpha"]),
        ("featured=OFF", ["beta", "gamma 100%", "snake_case", "back\\slash"]),
        ("published_on__gte=2024-02-01", ["beta"]),
        ("published_on__isnull=true", ["gamma 100%", "snake_case", "back\\slash"]),
        ("published_on__isnull=0", ["alpha", "beta"]),
        ("edited_at=2024-02-10T08:00:00Z", ["beta"]),  # stored as UTC
        ("edited_at__lt=2024-02-10T10:00:00", ["alpha", "beta"]),  # naive is UTC
        ("ref=00000000000000000000000000000001", ["alpha"]),  # any form uuid.UUID accepts
        ("status__ne=live", ["beta", "snake_case", "back\\slash"]),
        ("status=o'neil", ["snake_case"]),
        ("status=", []),  # an empty value matches the empty string
        ("views=10&status=live", ["gamma 100%"]),  # AND
        ("views=5&views=10", ["beta", "gamma 100%"]),  # last value wins
        ("unknown=1&views__in=5", ["alpha"]),  # non-whitelisted parameters are ignored
    ],
)
async def test_field_filters_and_operators(articles, query, expected):
    assert await titles(articles, query) == expected


async def test_ne_matches_null_rows(articles):
    """R7.4: ``ne`` also matches rows where the column is NULL."""
    assert await titles(articles, "published_on__ne=2024-01-10") == [
        "beta", "gamma 100%", "snake_case", "back\\slash"
    ]


@pytest.mark.parametrize(
    ("query", "param", "kind"),
    [
        ("views=ten", "views", "int_parsing"),
        ("views=1.5", "views", "int_parsing"),
        ("rating=nan", "rating", "float_parsing"),
        ("rating=1e999", "rating", "finite_number"),
        ("price=1,5", "price", "decimal_parsing"),
        ("featured=maybe", "featured", "bool_parsing"),
        ("published_on=10/01/2024", "published_on", "date_parsing"),
        ("edited_at=yesterday", "edited_at", "datetime_parsing"),
        ("edited_at=1700000000", "edited_at", "datetime_parsing"),
        # R7.3: converted to UTC; an offset past the calendar was an OverflowError (a 500)
        ("edited_at=9999-12-31T23:59:59-23:59", "edited_at", "value_error"),
        ("edited_at__gt=0001-01-01T00:00:00%2B00:01", "edited_at__gt", "value_error"),
        ("ref=not-a-uuid", "ref", "uuid_parsing"),
        ("views__in=", "views__in", "value_error"),
        ("views__in=1,x", "views__in", "int_parsing"),
        ("views__like=1", "views__like", "value_error"),
        ("views__=1", "views__", "value_error"),  # R23.12: an empty suffix
        ("title__gt=a", "title__gt", "value_error"),  # order operators need an ordered type
        ("views__isnull=true", "views__isnull", "value_error"),  # isnull needs a nullable field
        ("published_on__isnull=perhaps", "published_on__isnull", "bool_parsing"),
        ("ordering=secret", "ordering", "value_error"),
        ("search=" + "x" * 257, "search", "string_too_long"),
    ],
)
async def test_bad_query_values_are_422_at_the_parameter(articles, query, param, kind):
    response = await articles.get(f"/articles?{query}")
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == (kind, ["query", param])
    assert "input" in error


async def test_operator_error_names_the_allowed_operators(articles):
    response = await articles.get("/articles?title__gte=a")
    assert response.json()["detail"][0]["msg"] == (
        "operator 'gte' is not allowed on 'title'; allowed: exact, ne, in"
    )


@pytest.mark.parametrize("param", ["price", "price__lt", "price__in"])
async def test_decimal_filter_values_no_column_can_hold_are_422(articles, param):
    """30 digits quantized to the column's scale exceed Python's decimal context: the value is
    rejected (R5.21) instead of a 500 (found by schemathesis)."""
    response = await articles.get(f"/articles?{param}={'9' * 30}.5")
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": "value rejected by the database"}
    assert (await articles.get(f"/articles?{param}=999999.99")).status_code == 200


async def test_in_accepts_at_most_100_items(articles):
    many = ",".join(str(number) for number in range(101))
    assert (await articles.get(f"/articles?views__in={many}")).status_code == 422
    fits = ",".join(str(number) for number in range(100))
    assert (await articles.get(f"/articles?views__in={fits}")).status_code == 200


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("%", ["gamma 100%"]),  # R7.7: % matches itself
        ("_", ["snake_case"]),  # _ matches itself
        ("\\", ["back\\slash"]),
        ("'", ["snake_case"]),  # a quote in the term (status o'neil)
        ("ALPHA", ["alpha"]),  # case-insensitive
        ("live", ["alpha", "gamma 100%"]),  # any search field
        ("", ["alpha", "beta", "gamma 100%", "snake_case", "back\\slash"]),  # empty: off
        ("' OR 1=1 --", []),
        ("%' OR '1'='1", []),
    ],
)
async def test_search_matches_literally(articles, term, expected):
    response = await articles.get("/articles", params={"search": term})
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == expected


@pytest.mark.parametrize("term", ["\x00", "a\x00", "\x00zzz"])
async def test_a_nul_in_the_search_term_is_422_on_every_engine(articles, term):
    """R7.7: the term must match literally. SQLite's LIKE reads the pattern only up to a NUL
    ("%\x00%" answered every row) and PostgreSQL text cannot hold one (a "value rejected" 422):
    LightAPI refuses it itself, the same way on every engine."""
    response = await articles.get("/articles", params={"search": term})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("value_error", ["query", "search"])
    assert error["input"] == term


async def test_multi_field_ordering(articles):
    assert await titles(articles, "ordering=-views,title") == [
        "beta", "gamma 100%", "back\\slash", "alpha", "snake_case"
    ]
    assert await titles(articles, "ordering= views , ,-title,views") == [
        "snake_case", "alpha", "back\\slash", "gamma 100%", "beta"
    ]  # trimmed, empty items skipped, later duplicates ignored
    assert await titles(articles, "ordering=-rating&search=a") == [
        "gamma 100%", "beta", "alpha", "snake_case", "back\\slash"
    ]
    assert await titles(articles, "ordering=") == await titles(articles, "")  # default: id


async def test_sql_fragments_in_every_parameter_change_nothing(articles):
    hostile = ["1; DROP TABLE articles", "1' OR '1'='1", "0) OR (1=1", "%00", "\x00"]
    for value in hostile:
        for param in ("views", "title", "status__in", "ordering", "search", "price"):
            response = await articles.get("/articles", params={param: value})
            assert response.status_code in (200, 422), (param, value, response.text)
            assert "detail" in response.json() or "results" in response.json()
    assert len(await titles(articles, "")) == len(ROWS)


async def test_custom_backends_run_in_order_sync_and_async(serve):
    client = serve({"/custom": CustomFilteredEndpoint})
    for number, title in enumerate(["ant", "bee", "ape", "cat", "axe"]):
        await client.post("/custom", json={"title": title, "views": number})
    response = await client.get("/custom?starts=a&ordering=-views")
    assert [row["title"] for row in response.json()["results"]] == ["axe", "ape", "ant"]
    response = await client.get("/custom?views__gte=2")
    assert [row["title"] for row in response.json()["results"]] == ["ape", "axe"]
