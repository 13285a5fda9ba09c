"""``lightapi inspect`` (R3.6, R23.11): the compiled spec, as a summary or JSON."""

from __future__ import annotations

import json
import sys

import pytest

from lightapi import inspect as inspect_spec
from lightapi.spec import to_dict
from tests.cli.support import line_of, run_process, target

ENDPOINTS = target("cli_endpoints.py")
CLEAN = target("cli_clean.py")
TWO_APPS = target("cli_two_apps.py")
AUTH = target("cli_auth.py")

AUTHOR_BLOCK = f"""AuthorEndpoint ({ENDPOINTS}:10)
  path: (not registered)
  table: authors
  verbs: GET, POST, PUT, PATCH, DELETE
  operations: list, create, retrieve, replace, update, delete
  fields:
    field       type      nullable  required  default  constraints
    name        str       no        yes       -        min_length=1
    id          int       no        no        -        primary key, read-only
    created_at  datetime  no        no        -        read-only
    updated_at  datetime  no        no        -        read-only
    version     int       no        no        -        read-only
  serializer: read name, id, created_at, updated_at, version
              write name, id, created_at, updated_at, version
  pagination: page_number, page_size 10, max_page_size 50
  filtering: none
  cache: none
  auth: none
  locking: on (version)"""

REVIEW_BLOCK = f"""ReviewEndpoint ({ENDPOINTS}:17)
  path: (not registered)
  table: reviews
  verbs: GET, POST, PUT, PATCH, DELETE
  operations: list, create, retrieve, replace, update, delete
  fields:
    field       type      nullable  required  default  constraints
    stars       int       no        yes       -        ge=1, le=5
    body        str       no        no        ''       -
    id          int       no        no        -        primary key, read-only
    created_at  datetime  no        no        -        read-only
    updated_at  datetime  no        no        -        read-only
    version     int       no        no        -        read-only
  serializer: read stars, body
              write stars, body, id, created_at, updated_at, version
  pagination: none
  filtering: none
  cache: none
  auth: none
  locking: on (version)"""

CLEAN_TEXT = f"""app (LightApi)
  database: sqlite:///clean.db (sqlite+pysqlite, sync)
  routes:
    /books         GET, POST                PlainBookEndpoint
    /books/{{id}}    GET, PUT, PATCH, DELETE  PlainBookEndpoint
    /healthz       GET                      health
    /readyz        GET                      ready
    /openapi.json  GET                      openapi
    /docs          GET                      docs
  auth: path /auth, login routes off
  jwt: HS256, expiration 3600s, issuer -, audience -, require exp no, secret not set
  rate limit: 1000/minute, 10000/hour, 100000/day, per process
  cors: off
  middlewares: -
  max body size: 1048576 bytes
  urls: openapi /openapi.json, docs /docs, health /healthz, ready /readyz
  cache: redis -, key prefix lightapi

PlainBookEndpoint ({CLEAN}:8)
  path: /books
  table: plain_books
  verbs: GET, POST, PUT, PATCH, DELETE
  operations: list, create, retrieve, replace, update, delete
  fields:
    field       type      nullable  required  default  constraints
    title       str       no        yes       -        min_length=1, max_length=200
    year        int       yes       no        None     -
    id          int       no        no        -        primary key, read-only
    created_at  datetime  no        no        -        read-only
    updated_at  datetime  no        no        -        read-only
    version     int       no        no        -        read-only
  serializer: read title, year, id, created_at, updated_at, version
              write title, year, id, created_at, updated_at, version
  pagination: none
  filtering: none
  cache: none
  auth: none
  locking: on (version)

no problems found
"""


@pytest.fixture(autouse=True)
def no_jwt_secret(monkeypatch):
    """The summary says whether a JWT secret is configured; keep the environment out of it."""
    monkeypatch.delenv("LIGHTAPI_JWT_SECRET", raising=False)


# -- the readable summary ------------------------------------------------------------------------


def test_an_app_prints_its_settings_then_one_block_per_endpoint(cli):
    result = cli("inspect", CLEAN)
    assert (result.code, result.out, result.err) == (0, CLEAN_TEXT, "")


def test_a_module_without_app_prints_every_endpoint_class(cli):
    result = cli("inspect", ENDPOINTS)
    assert result.out == f"{AUTHOR_BLOCK}\n\n{REVIEW_BLOCK}\n\nno problems found\n"
    assert result.code == 0


def test_module_attr_naming_an_endpoint_class_prints_that_class(cli):
    result = cli("inspect", f"{ENDPOINTS}:ReviewEndpoint")
    assert result.out == f"{REVIEW_BLOCK}\n\nno problems found\n"


def test_warnings_follow_the_spec(cli):
    result = cli("inspect", f"{TWO_APPS}:admin")
    lines = result.out.splitlines()
    assert lines[0] == "admin (LightApi)"
    assert lines[-5:] == [
        "no endpoints",
        "",
        f"{TWO_APPS}:{line_of(TWO_APPS, 'LA908')}: LA908 warning: app: no endpoints are registered",
        "    hint: call app.register(...)",
        "0 errors, 1 warning (0 silenced)",
    ]
    assert result.code == 0


def test_a_module_binding_several_apps_must_name_one(cli):
    result = cli("inspect", TWO_APPS)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"error: {TWO_APPS} binds 2 LightApi apps (public, admin); name one, e.g. "
        f"{TWO_APPS}:public\n"
    )


# -- errors instead of the spec (R23.11) ---------------------------------------------------------


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_errors_are_printed_in_the_check_format_with_exit_1(cli, flag):
    sample = target("cli_sample.py")
    result = cli("inspect", sample, *flag)
    assert result.out == cli("check", sample).out
    assert result.out.endswith("1 error, 1 warning (0 silenced)\n")
    assert result.code == 1


def test_import_failures_exit_2(cli):
    result = cli("inspect", target("cli_raises.py"))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: cannot import ")


# -- JSON (R3.6) -------------------------------------------------------------------------------


def test_json_of_an_app_holds_the_app_spec_and_its_bound_endpoints(cli):
    result = cli("inspect", f"{CLEAN}:app", "--json")
    document = json.loads(result.out)
    assert list(document) == ["format", "app", "endpoints", "diagnostics"]
    assert document["format"] == 1
    app_spec = inspect_spec(sys.modules["cli_clean"].app)
    assert document["app"] == to_dict(app_spec)
    assert document["endpoints"] == [to_dict(spec) for spec in app_spec.endpoints]
    assert document["endpoints"][0]["path"] == "/books"
    assert document["diagnostics"] == []
    assert result.out == json.dumps(document, indent=2) + "\n"


def test_json_of_endpoint_classes_has_no_app(cli):
    document = json.loads(cli("inspect", ENDPOINTS, "--json").out)
    assert document["app"] is None
    assert [item["name"] for item in document["endpoints"]] == [
        "AuthorEndpoint",
        "ReviewEndpoint",
    ]
    assert [item["path"] for item in document["endpoints"]] == [None, None]
    one = json.loads(cli("inspect", f"{ENDPOINTS}:AuthorEndpoint", "--json").out)
    assert [item["name"] for item in one["endpoints"]] == ["AuthorEndpoint"]


def test_json_lists_the_warnings(cli):
    document = json.loads(cli("inspect", f"{TWO_APPS}:admin", "--json").out)
    assert document["endpoints"] == []
    assert document["diagnostics"] == [
        {
            "code": "LA908",
            "severity": "warning",
            "subject": "app",
            "file": TWO_APPS,
            "line": line_of(TWO_APPS, "LA908"),
            "message": "no endpoints are registered",
            "hint": "call app.register(...)",
        }
    ]


@pytest.mark.parametrize("module", [CLEAN, AUTH, ENDPOINTS])
def test_json_is_byte_identical_across_runs(module):
    """R3.6: two processes (different hash seeds, different addresses) print the same bytes;
    cli_auth.py holds backend and permission instances whose reprs carry addresses."""
    first = run_process("inspect", module, "--json", env={"PYTHONHASHSEED": "1"})
    second = run_process("inspect", module, "--json", env={"PYTHONHASHSEED": "2"})
    assert first.code == 0, first.err
    assert first.out == second.out
    assert " at 0x" not in first.out


def test_text_is_byte_identical_across_runs():
    first = run_process("inspect", AUTH, env={"PYTHONHASHSEED": "3"})
    second = run_process("inspect", AUTH, env={"PYTHONHASHSEED": "4"})
    assert (first.code, first.out) == (second.code, second.out)
    assert "  auth: backend JWTAuthentication\n" in first.out
    assert "  filtering: backends FieldFilter, OrderingFilter\n" in first.out
