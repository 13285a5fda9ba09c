"""The OpenAPI document (§17): valid OpenAPI 3.1 for every test app, and each rule of R17.2 to
R17.8 asserted on the document of an app built for it."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Optional

import pytest
from openapi_spec_validator import validate
from sqlalchemy import create_engine, text

from lightapi import (
    AllowAny,
    Authentication,
    BasicAuthentication,
    Cache,
    Field,
    Filtering,
    HttpMethod,
    IsAdminUser,
    JWTAuthentication,
    LightApi,
    Pagination,
    RestEndpoint,
    Serializer,
)
from lightapi.openapi import build_openapi
from tests.conftest import client_for

SECRET = "openapi-tests-secret-0123456789abcdef0123"


class AuthorEndpoint(RestEndpoint):
    name: str = Field(min_length=1, max_length=40, description="The author's name")
    born: Optional[datetime.date] = None

    class Meta:
        pagination = Pagination(page_size=5, max_page_size=50)
        filtering = Filtering(fields=["name", "born"], search=["name"], ordering=["name"])
        cache = Cache(ttl=30)
        table = "authors"


class BookEndpoint(RestEndpoint):
    """Books of the catalogue"""

    title: str = Field(min_length=1)
    pages: int = Field(default=100, ge=1)
    price: decimal.Decimal = Field(default=decimal.Decimal(0), max_digits=8, decimal_places=2)
    author_id: Optional[int] = Field(default=None, foreign_key="authors.id")

    class Meta:
        authentication = Authentication(
            backend=JWTAuthentication, permission={"GET": AllowAny, "DELETE": IsAdminUser}
        )
        pagination = Pagination(style="cursor", page_size=2)
        serializer = Serializer(write=["title", "id", "version"])
        tags = ["catalogue"]
        table = "books"


class NoteEndpoint(RestEndpoint, HttpMethod.GET, HttpMethod.POST):
    body: str

    class Meta:
        authentication = Authentication(backend=BasicAuthentication)


def login(username: str, password: str) -> dict[str, str] | None:
    return {"sub": username} if password == "secret" else None


def library(**kwargs) -> LightApi:
    app = LightApi(
        engine=create_engine("sqlite://"), jwt_secret=SECRET, login_validator=login, **kwargs
    )
    app.register({"/authors": AuthorEndpoint, "/books": BookEndpoint, "/notes": NoteEndpoint})
    return app


@pytest.fixture(scope="module")
def document() -> dict:
    return library(title="Library", version="2.1.0", description="Books and authors").openapi()


def operation(document: dict, method: str, path: str) -> dict:
    return document["paths"][path][method]


# -- the document as a whole (R17.1, R17.2, R17.8) ------------------------------------------------


def test_the_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {
        "title": "Library",
        "version": "2.1.0",
        "description": "Books and authors",
    }


def test_paths_are_the_served_routes_and_verbs(document):
    """R17.2: no HEAD or OPTIONS, no OpenAPI or docs route; login and health routes are."""
    served = {
        path: sorted(verb for verb in item if verb != "parameters")
        for path, item in document["paths"].items()
    }
    assert served == {
        "/authors": ["get", "post"],
        "/authors/{id}": ["delete", "get", "patch", "put"],
        "/books": ["get", "post"],
        "/books/{id}": ["delete", "get", "patch", "put"],
        "/notes": ["get", "post"],
        "/notes/{id}": ["get"],
        "/auth/login": ["post"],
        "/auth/token": ["post"],
        "/healthz": ["get"],
        "/readyz": ["get"],
    }


def test_operation_ids_are_stable_names(document):
    ids = [
        item["operationId"]
        for path in document["paths"].values()
        for verb, item in path.items()
        if verb != "parameters"
    ]
    assert ids == [
        "AuthorEndpoint_list", "AuthorEndpoint_create",
        "AuthorEndpoint_retrieve", "AuthorEndpoint_replace", "AuthorEndpoint_update",
        "AuthorEndpoint_delete",
        "BookEndpoint_list", "BookEndpoint_create",
        "BookEndpoint_retrieve", "BookEndpoint_replace", "BookEndpoint_update",
        "BookEndpoint_delete",
        "NoteEndpoint_list", "NoteEndpoint_create", "NoteEndpoint_retrieve",
        "auth_login", "auth_token", "healthz", "readyz",
    ]


def test_the_same_app_always_yields_the_same_document(document):
    again = library(title="Library", version="2.1.0", description="Books and authors")
    assert json.dumps(again.openapi()) == json.dumps(document)
    assert build_openapi(again) == document


async def test_served_from_bytes_and_disabled_by_none():
    app = library()
    async with client_for(app) as client:
        served = await client.get("/openapi.json")
        page = await client.get("/docs")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/json"
    assert served.json() == app.openapi()
    assert page.status_code == 200 and "swagger-ui" in page.text

    hidden = library(openapi_url=None)  # the docs page needs the document (R17.8)
    async with client_for(hidden) as client:
        assert (await client.get("/openapi.json")).status_code == 404
        assert (await client.get("/docs")).status_code == 404
    assert hidden.spec.docs_url is None
    assert hidden.openapi()["paths"]  # app.openapi() still works

    moved = library(openapi_url="/api/schema.json", docs_url=None)
    async with client_for(moved) as client:
        assert (await client.get("/api/schema.json")).json() == moved.openapi()
        assert (await client.get("/docs")).status_code == 404


async def test_the_docs_page_serves_its_own_assets():
    """R17.7: Swagger UI comes from the app, under <docs_url>/static/."""
    async with client_for(library(docs_url="/reference")) as client:
        page = (await client.get("/reference")).text
        bundle = await client.get("/reference/static/swagger-ui-bundle.js")
        style = await client.get("/reference/static/swagger-ui.css")
    assert 'src="/reference/static/swagger-ui-bundle.js"' in page
    assert 'url: "/openapi.json"' in page and "validatorUrl: null" in page
    assert "http://" not in page and "https://" not in page
    assert bundle.status_code == 200
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert style.status_code == 200


# -- schemas (R17.3) ------------------------------------------------------------------------------


def test_schema_names_per_endpoint(document):
    assert list(document["components"]["schemas"]) == [
        "AuthorEndpointCreate", "AuthorEndpointReplace", "AuthorEndpointUpdate",
        "AuthorEndpointRead", "AuthorEndpointPage",
        "BookEndpointCreate", "BookEndpointReplace", "BookEndpointUpdate",
        "BookEndpointRead", "BookEndpointWritten", "BookEndpointCursorPage",
        "NoteEndpointCreate", "NoteEndpointRead", "NoteEndpointList",
        "LoginRequest", "LoginResponse", "Status", "Error", "ValidationError",
    ]


def test_input_schemas_carry_the_models_constraints(document):
    schemas = document["components"]["schemas"]
    create = schemas["AuthorEndpointCreate"]
    assert create["properties"]["name"] == {
        "description": "The author's name", "maxLength": 40, "minLength": 1,
        "title": "Name", "type": "string",
    }
    assert create["required"] == ["name"]
    assert create["additionalProperties"] is False  # unknown keys are 422 (R5.14)
    assert schemas["BookEndpointCreate"]["properties"]["pages"] == {
        "default": 100, "minimum": 1, "title": "Pages", "type": "integer",
    }


def test_replace_and_update_need_the_version(document):
    """R17.3, R5.17: ``version`` is required in PUT and PATCH bodies, unless If-Match is sent."""
    schemas = document["components"]["schemas"]
    replace, update = schemas["AuthorEndpointReplace"], schemas["AuthorEndpointUpdate"]
    assert replace["required"] == ["name", "version"]
    assert "If-Match" in replace["properties"]["version"]["description"]
    assert update["required"] == ["version"]
    name = update["properties"]["name"]
    assert name["type"] == "string" and "default" not in name  # no null for a NOT NULL column
    assert {"type": "null"} in update["properties"]["born"]["anyOf"]


def test_read_and_written_projections(document):
    schemas = document["components"]["schemas"]
    read, written = schemas["BookEndpointRead"], schemas["BookEndpointWritten"]
    assert read["required"] == [
        "title", "pages", "price", "author_id", "id", "created_at", "updated_at", "version",
    ]
    assert read["properties"]["price"] == {"title": "Price", "type": "string"}  # "12.50"
    assert written["required"] == ["title", "id", "version"]
    assert "AuthorEndpointWritten" not in schemas  # the same projection: one schema


def test_list_envelopes_per_pagination_style(document):
    schemas = document["components"]["schemas"]
    assert schemas["AuthorEndpointPage"]["required"] == [
        "count", "pages", "next", "previous", "results",
    ]
    assert schemas["BookEndpointCursorPage"]["required"] == ["next", "previous", "results"]
    assert schemas["NoteEndpointList"]["required"] == ["results"]
    assert schemas["NoteEndpointList"]["properties"]["results"]["items"] == {
        "$ref": "#/components/schemas/NoteEndpointRead"
    }


# -- parameters (R17.4) ---------------------------------------------------------------------------


def test_list_parameters_follow_filtering_and_pagination(document):
    parameters = {
        item["name"]: item["schema"]
        for item in operation(document, "get", "/authors")["parameters"]
    }
    assert parameters == {
        "name": {"type": "string"},
        "name__exact": {"type": "string"},
        "name__ne": {"type": "string"},
        "name__in": {"type": "string"},
        "born": {"type": "string", "format": "date"},
        "born__exact": {"type": "string", "format": "date"},
        "born__gt": {"type": "string", "format": "date"},
        "born__gte": {"type": "string", "format": "date"},
        "born__lt": {"type": "string", "format": "date"},
        "born__lte": {"type": "string", "format": "date"},
        "born__ne": {"type": "string", "format": "date"},
        "born__in": {"type": "string"},
        "born__isnull": {"type": "boolean"},
        "search": {"type": "string", "maxLength": 256},
        "ordering": {"type": "string"},
        "page": {"type": "integer", "minimum": 1},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 50},
    }
    cursor = [item["name"] for item in operation(document, "get", "/books")["parameters"]]
    assert cursor == ["cursor", "page_size"]
    assert "parameters" not in operation(document, "get", "/notes")


def test_path_id_and_conditional_headers(document):
    item = document["paths"]["/authors/{id}"]
    assert item["parameters"] == [
        {"name": "id", "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 0}},
    ]
    names = {
        method: [parameter["name"] for parameter in item[method].get("parameters", [])]
        for method in ("get", "put", "patch", "delete")
    }
    assert names == {
        "get": ["If-None-Match"],
        "put": ["If-Match"],
        "patch": ["If-Match"],
        "delete": ["If-Match", "version"],
    }


# -- responses (R17.5) ----------------------------------------------------------------------------


def statuses(document: dict, method: str, path: str) -> list[str]:
    return list(operation(document, method, path)["responses"])


def test_statuses_are_those_the_runtime_can_answer(document):
    assert statuses(document, "get", "/authors") == ["200", "422", "503"]
    assert statuses(document, "post", "/authors") == [
        "201", "400", "409", "413", "422", "503",
    ]
    assert statuses(document, "get", "/authors/{id}") == ["200", "304", "404", "503"]
    assert statuses(document, "put", "/authors/{id}") == [
        "200", "400", "404", "409", "412", "413", "422", "503",
    ]
    assert statuses(document, "delete", "/authors/{id}") == [
        "204", "400", "404", "409", "412", "422", "503",
    ]
    # cursor pagination adds 400; AllowAny GET has no 401; DELETE needs an admin
    assert statuses(document, "get", "/books") == ["200", "400", "422", "503"]
    assert statuses(document, "delete", "/books/{id}") == [
        "204", "400", "401", "403", "404", "409", "412", "422", "503",
    ]
    # Basic checks are rate limited (R10.15); an unfiltered list validates no query
    assert statuses(document, "get", "/notes") == ["200", "401", "403", "429", "503"]


def test_responses_reference_the_error_schemas_and_headers(document):
    created = operation(document, "post", "/books")["responses"]
    assert created["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BookEndpointWritten"
    }
    assert list(created["201"]["headers"]) == ["ETag", "Location"]
    # A body's value may pass validation and still be refused by the database (R5.21).
    assert created["422"]["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/ValidationError"},
            {"$ref": "#/components/schemas/Error"},
        ]
    }
    login = operation(document, "post", "/auth/login")["responses"]["422"]
    assert login["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"
    }
    assert created["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "Retry-After" in created["503"]["headers"]
    cached = operation(document, "get", "/authors/{id}")["responses"]["200"]
    assert list(cached["headers"]) == ["ETag", "X-Cache"]
    assert list(operation(document, "delete", "/authors/{id}")["responses"]["204"]) == [
        "description"
    ]
    assert document["components"]["responses"]["MethodNotAllowed"]["headers"] == {
        "Allow": {"schema": {"type": "string"}}
    }


def test_login_and_health_operations(document):
    login_operation = operation(document, "post", "/auth/login")
    assert list(login_operation["responses"]) == ["200", "401", "413", "422", "429"]
    assert document["components"]["schemas"]["LoginResponse"]["required"] == [
        "token", "token_type", "expires_in", "user",
    ]
    assert login_operation["security"] == [{}, {"basicAuth": []}]
    assert statuses(document, "get", "/healthz") == ["200"]
    assert statuses(document, "get", "/readyz") == ["200", "503"]


# -- security (R17.6) -----------------------------------------------------------------------------


def test_security_schemes_and_requirements(document):
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "basicAuth": {"type": "http", "scheme": "basic"},
    }
    assert operation(document, "get", "/books")["security"] == [{}, {"bearerAuth": []}]
    assert operation(document, "post", "/books")["security"] == [{"bearerAuth": []}]
    assert operation(document, "get", "/notes")["security"] == [{"basicAuth": []}]
    assert "security" not in operation(document, "get", "/authors")
    assert "security" not in document  # public operations stay public


def test_an_app_without_authentication_has_no_security_schemes():
    class PlainEndpoint(RestEndpoint):
        title: str

    app = LightApi(engine=create_engine("sqlite://"))
    app.register({"/plain": PlainEndpoint})
    document = app.openapi()
    validate(document)
    assert "securitySchemes" not in document["components"]
    assert "/auth/login" not in document["paths"]


# -- reflection and locking -----------------------------------------------------------------------


def test_a_reflected_table_without_version_documents_no_locking(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/legacy.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE legacy (code INTEGER PRIMARY KEY, body TEXT)"))

    class LegacyEndpoint(RestEndpoint):
        class Meta:
            reflect = True
            table = "legacy"

    app = LightApi(engine=engine, silence={"LA603"})
    app.register({"/legacy": LegacyEndpoint})
    document = app.openapi()
    validate(document)
    schemas = document["components"]["schemas"]
    assert schemas["LegacyEndpointRead"]["required"] == ["body", "code"]
    assert "version" not in schemas["LegacyEndpointReplace"]["properties"]
    assert statuses(document, "get", "/legacy/{id}") == ["200", "404", "503"]
    assert statuses(document, "delete", "/legacy/{id}") == ["204", "404", "409", "503"]
    assert "headers" not in operation(document, "get", "/legacy/{id}")["responses"]["200"]
    engine.dispose()


def test_every_example_app_is_valid(example_document):
    validate(example_document)
