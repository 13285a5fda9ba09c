"""The answers of the runtime match the OpenAPI document the app serves (R17.5), on all four
engines: regressions of what the schemathesis run (tests/e2e/test_schemathesis.py) found."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from lightapi import LightApi, Pagination, RestEndpoint
from tests.http.models import BookEndpoint, KitchenSinkEndpoint
from tests.http.querying_models import ArticleEndpoint, PagedEndpoint

REJECTED = {"detail": "value rejected by the database"}
ERROR = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERROR = {"$ref": "#/components/schemas/ValidationError"}


class PagesOnlyEndpoint(RestEndpoint):
    title: str

    class Meta:
        pagination = Pagination(page_size=2)
        table = "pages_only"


def response_schema(document: dict[str, Any], method: str, path: str, status: int) -> Any:
    response = document["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def validator(document: dict[str, Any], method: str, path: str, status: int) -> Any:
    """A validator of one documented body; its ``$ref``s resolve inside the document."""
    schema = response_schema(document, method, path, status)
    return Draft202012Validator({"components": document["components"], **schema})


async def test_a_value_the_database_rejects_is_a_documented_422(engine, serve):
    """R5.21 answers 422 with a string detail; the document listed only the validation-error
    list, so every such answer violated it."""
    client = serve(
        {"/articles": ArticleEndpoint, "/books": BookEndpoint, "/sink": KitchenSinkEndpoint}
    )
    document = (await client.get("/openapi.json")).json()

    filtered = await client.get(f"/articles?price__lt={'9' * 30}")
    assert (filtered.status_code, filtered.json()) == (422, REJECTED)
    validator(document, "get", "/articles", 422).validate(filtered.json())

    big = 2**70 if engine.dialect.name == "sqlite" else 2**40  # past the INTEGER column
    created = await client.post("/books", json={"title": "Dune", "author": "H", "year": big})
    assert (created.status_code, created.json()) == (422, REJECTED)
    validator(document, "post", "/books", 422).validate(created.json())

    # Decimal without max_digits: 31 digits at scale 2 were a 500 (decimal.InvalidOperation).
    huge = await client.post("/sink", json={"label": "x", "amount": "1e30"})
    assert (huge.status_code, huge.json()) == (422, REJECTED)
    validator(document, "post", "/sink", 422).validate(huge.json())

    row = (await client.post("/books", json={"title": "Dune", "author": "H"})).json()
    stale = await client.patch(f"/books/{row['id']}", json={"version": big})
    assert stale.status_code in (409, 422)  # 422 where the database refuses the integer
    validator(document, "patch", "/books/{id}", stale.status_code).validate(stale.json())
    invalid = await client.post("/books", json={"title": ""})
    validator(document, "post", "/books", 422).validate(invalid.json())  # still a list too


def test_422_documents_the_string_form_only_where_values_are_bound(sqlite_engine):
    app = LightApi(engine=sqlite_engine)
    app.register(
        {
            "/articles": ArticleEndpoint,
            "/paged": PagedEndpoint,
            "/books": BookEndpoint,
            "/pages-only": PagesOnlyEndpoint,
        }
    )
    document = app.openapi()  # the document does not depend on the engine
    either = {"anyOf": [VALIDATION_ERROR, ERROR]}
    bound = [
        ("post", "/books"),
        ("put", "/books/{id}"),
        ("patch", "/books/{id}"),
        ("delete", "/books/{id}"),
        ("get", "/articles"),
        ("get", "/paged"),
    ]
    for method, path in bound:
        assert response_schema(document, method, path, 422) == either, (method, path)
    # page and page_size are checked in Python: nothing of that query reaches the database
    assert response_schema(document, "get", "/pages-only", 422) == VALIDATION_ERROR
