"""One OpenAPI operation per served route and verb (R17.2, R17.4-R17.6).

The statuses an operation documents are those the runtime can answer for it, narrowed by the
endpoint's configuration (R5.3):

| status | documented on                                | only when                              |
|--------|----------------------------------------------|----------------------------------------|
| 304    | retrieve                                     | locking (an ETag to match)             |
| 400    | create, replace, update (invalid JSON)       | always                                 |
|        | replace, update, delete (invalid If-Match)   | locking                                |
|        | list (invalid cursor)                        | cursor pagination                      |
| 401    | every operation of the verb                  | a backend, and a permission other than |
| 403    |                                              | AllowAny for that verb                 |
| 404    | retrieve, replace, update, delete            | always                                 |
| 409    | create, replace, update, delete (integrity;  | always                                 |
|        | the version conflict with locking)           |                                        |
| 412    | replace, update, delete                      | locking                                |
| 413    | create, replace, update                      | a body size limit                      |
| 422    | create, replace, update (body)               | always                                 |
|        | list (query)                                 | filtering or pagination                |
|        | delete (``?version=``)                       | locking                                |
| 429    | every operation of the endpoint              | Basic backend with a rate limiter      |
| 503    | every endpoint operation                     | always (the database is unavailable)   |

A 422 is a list of validation errors (``ValidationError``), except where a client value reaches
the database, which may refuse it with ``{"detail": "value rejected by the database"}`` (R5.21):
there the body is either (``anyOf``). That is every write with a body, a version-checked delete
(``?version=``, ``If-Match``) and a list with filters (values and search terms are bound).
"""

from __future__ import annotations

from typing import Any, Final

from lightapi.openapi.schemas import Schema, list_schema_name, ref, row_schema_names
from lightapi.spec.model import (
    AppSpec,
    ColumnType,
    EndpointSpec,
    FieldSpec,
    Operation,
    RefKind,
)

Responses = dict[str, Any]
JSON: Final = "application/json"
SECURITY_SCHEMES: Final = {
    RefKind.JWT_BACKEND: (
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    ),
    RefKind.BASIC_BACKEND: ("basicAuth", {"type": "http", "scheme": "basic"}),
}
DESCRIPTIONS: Final = {
    "304": "Not modified: the row still has the tag of If-None-Match",
    "400": "Bad request",
    "401": "Authentication required",
    "403": "Insufficient permissions",
    "404": "not found",
    "409": "version conflict, or a constraint of the database refused the row",
    "412": "precondition failed: no tag of If-Match is the row's",
    "413": "Request body too large",
    "422": "Validation error",
    "429": "Too many requests",
    "503": "database unavailable",
}
VERB_OF: Final = {
    Operation.LIST: "GET",
    Operation.CREATE: "POST",
    Operation.RETRIEVE: "GET",
    Operation.REPLACE: "PUT",
    Operation.UPDATE: "PATCH",
    Operation.DELETE: "DELETE",
}
SUMMARY: Final = {
    Operation.LIST: "List",
    Operation.CREATE: "Create",
    Operation.RETRIEVE: "Retrieve",
    Operation.REPLACE: "Replace",
    Operation.UPDATE: "Update",
    Operation.DELETE: "Delete",
}
_QUERY_TYPES: Final[dict[ColumnType, Schema]] = {
    ColumnType.STRING: {"type": "string"},
    ColumnType.INTEGER: {"type": "integer"},
    ColumnType.FLOAT: {"type": "number"},
    ColumnType.BOOLEAN: {"type": "boolean"},
    ColumnType.DATETIME: {"type": "string", "format": "date-time"},
    ColumnType.DATE: {"type": "string", "format": "date"},
    ColumnType.DECIMAL: {"type": "string", "pattern": r"^[+-]?(\d+(\.\d*)?|\.\d+)$"},
    ColumnType.UUID: {"type": "string", "format": "uuid"},
    ColumnType.TIME: {"type": "string", "format": "time"},
    ColumnType.JSON: {"type": "string"},
}
HEADER: Final[Schema] = {"schema": {"type": "string"}}
OPERATOR_WORDS: Final = {
    "exact": "equals",
    "ne": "is not (or null)",
    "gt": "is above",
    "gte": "is at least",
    "lt": "is below",
    "lte": "is at most",
}


REJECTED: Final = "Validation error, or a value the database rejects"
RETRY_AFTER: Final = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}}


def _error(status: str, *, rejected: bool = False) -> Any:
    """An error response; ``rejected``: a 422 may also be the database refusing a value."""
    schema = ref("Error")
    description = DESCRIPTIONS[status]
    if status == "422":
        schema = ref("ValidationError")
        if rejected:
            schema = {"anyOf": [schema, ref("Error")]}
            description = REJECTED
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": schema}}}
    if status in ("429", "503"):
        response["headers"] = RETRY_AFTER
    return response


def _json(description: str, schema: Schema, headers: dict[str, Any] | None = None) -> Any:
    response: dict[str, Any] = {"description": description, "content": {JSON: {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


# -- security (R17.6) ----------------------------------------------------------------------------


def _backend_kind(spec: EndpointSpec) -> RefKind | None:
    if spec.auth is None or spec.auth.backend is None:
        return None
    return spec.auth.backend.kind


def _protected(spec: EndpointSpec, verb: str) -> bool:
    """A user is required for ``verb``: a backend runs and the permission is not AllowAny."""
    if spec.auth is None or spec.auth.backend is None:
        return False
    permission = spec.auth.permissions.get(verb)
    return permission is not None and permission.kind is not RefKind.ALLOW_ANY


def _security(spec: EndpointSpec, verb: str) -> list[dict[str, list[str]]] | None:
    """Who may call: the scheme, or optionally the scheme for AllowAny verbs (R17.6)."""
    kind = _backend_kind(spec)
    scheme = SECURITY_SCHEMES.get(kind) if kind is not None else None
    if scheme is None:
        return None
    requirement: dict[str, list[str]] = {scheme[0]: []}
    return [requirement] if _protected(spec, verb) else [{}, requirement]


def security_schemes(app: AppSpec) -> dict[str, Schema]:
    used = {_backend_kind(spec) for spec in app.endpoints}
    return dict(scheme for kind, scheme in SECURITY_SCHEMES.items() if kind in used)


def _rate_limited(app: AppSpec, spec: EndpointSpec) -> bool:
    """Failed Basic checks count against the limiter (R10.15)."""
    if _backend_kind(spec) is not RefKind.BASIC_BACKEND:
        return False
    assert spec.auth is not None
    return app.rate_limit.enabled or spec.auth.rate_limiter is not None


# -- parameters (R17.4) --------------------------------------------------------------------------


def _query(name: str, schema: Schema, description: str | None = None) -> Any:
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": schema}
    if description is not None:
        parameter["description"] = description
    return parameter


def _filter_parameters(spec: EndpointSpec, field: FieldSpec) -> list[Any]:
    assert spec.filtering is not None
    typed = _QUERY_TYPES[field.column_type]
    parameters = [_query(field.name, typed, f"Rows whose {field.name} equals the value")]
    for operator in spec.filtering.operators.get(field.name, ()):
        name = f"{field.name}__{operator}"
        if operator == "in":
            schema: Schema = {"type": "string"}
            description = f"Rows whose {field.name} is one of a comma-separated list (1-100 items)"
        elif operator == "isnull":
            schema, description = {"type": "boolean"}, f"Rows whose {field.name} is (not) null"
        else:
            relation = OPERATOR_WORDS.get(operator, operator)
            schema, description = typed, f"Rows whose {field.name} {relation} the value"
        parameters.append(_query(name, schema, description))
    return parameters


def list_parameters(spec: EndpointSpec) -> list[Any]:
    parameters: list[Any] = []
    filtering = spec.filtering
    if filtering is not None:
        kinds = {backend.kind for backend in filtering.backends}
        if RefKind.FIELD_FILTER in kinds:
            for name in filtering.fields:
                parameters.extend(_filter_parameters(spec, spec.field(name)))
        if RefKind.SEARCH_FILTER in kinds and filtering.search:
            searched = ", ".join(filtering.search)
            parameters.append(
                _query(
                    "search",
                    {"type": "string", "maxLength": 256},
                    f"Rows where any of {searched} contains the term (case-insensitive)",
                )
            )
        if RefKind.ORDERING_FILTER in kinds and filtering.ordering:
            allowed = ", ".join(filtering.ordering)
            parameters.append(
                _query(
                    "ordering",
                    {"type": "string"},
                    f"Comma-separated field names, '-' first for descending; allowed: {allowed}",
                )
            )
    pagination = spec.pagination
    if pagination is not None:
        if pagination.style == "cursor":
            parameters.append(
                _query("cursor", {"type": "string"}, "A next or previous token of a page")
            )
        else:
            parameters.append(_query("page", {"type": "integer", "minimum": 1}))
        size = {"type": "integer", "minimum": 1, "maximum": pagination.max_page_size}
        parameters.append(_query("page_size", size, f"Default {pagination.page_size}"))
    return parameters


def _header(name: str, description: str) -> Any:
    return {"name": name, "in": "header", "required": False, **HEADER, "description": description}


# -- operations ----------------------------------------------------------------------------------


def _statuses(app: AppSpec, spec: EndpointSpec, operation: Operation) -> list[str]:
    """The failure statuses of the decision table above, in numeric order."""
    verb = VERB_OF[operation]
    locking = spec.locking.enabled
    has_body = operation in (Operation.CREATE, Operation.REPLACE, Operation.UPDATE)
    item = operation in (Operation.RETRIEVE, Operation.REPLACE, Operation.UPDATE, Operation.DELETE)
    writes = has_body or operation is Operation.DELETE
    paginated_or_filtered = spec.filtering is not None or spec.pagination is not None
    cursor = spec.pagination is not None and spec.pagination.style == "cursor"
    conditions = {
        "304": operation is Operation.RETRIEVE and locking,
        "400": has_body or (writes and locking) or (operation is Operation.LIST and cursor),
        "401": _protected(spec, verb),
        "403": _protected(spec, verb),
        "404": item,
        "409": writes,
        "412": item and operation is not Operation.RETRIEVE and locking,
        "413": has_body and app.max_body_size is not None,
        "422": has_body
        or (operation is Operation.LIST and paginated_or_filtered)
        or (operation is Operation.DELETE and locking),
        "429": _rate_limited(app, spec),
        "503": True,
    }
    return [status for status, applies in conditions.items() if applies]


def _success(spec: EndpointSpec, operation: Operation) -> tuple[str, Any]:
    read, written = row_schema_names(spec)
    etag = {"ETag": {**HEADER, "description": 'The row\'s tag, "<id>-<version>"'}}
    tagged = etag if spec.locking.enabled else {}
    cached = {"X-Cache": {"schema": {"type": "string", "enum": ["HIT", "MISS"]}}}
    cache = cached if spec.cache is not None else {}
    match operation:
        case Operation.LIST:
            return "200", _json("The rows", ref(list_schema_name(spec)), cache)
        case Operation.CREATE:
            location = {"Location": {**HEADER, "description": "The path of the new row"}}
            return "201", _json("Created", ref(written), {**tagged, **location})
        case Operation.RETRIEVE:
            return "200", _json("The row", ref(read), {**tagged, **cache})
        case Operation.REPLACE | Operation.UPDATE:
            return "200", _json("The row after the write", ref(written), tagged)
        case Operation.DELETE:
            return "204", {"description": "Deleted"}


def _bad_request(spec: EndpointSpec, operation: Operation) -> str:
    reasons = []
    if operation in (Operation.CREATE, Operation.REPLACE, Operation.UPDATE):
        reasons.append("Invalid JSON body")
    if operation in (Operation.REPLACE, Operation.UPDATE, Operation.DELETE):
        reasons.append("Invalid If-Match header")
    if operation is Operation.LIST:
        reasons.append("Invalid cursor")
    return ", or ".join(reasons)


def endpoint_operation(app: AppSpec, spec: EndpointSpec, operation: Operation) -> Any:
    """The operation object of one built-in operation of an endpoint."""
    status, success = _success(spec, operation)
    responses: Responses = {status: success}
    if operation is Operation.RETRIEVE and spec.locking.enabled:
        responses["304"] = {"description": DESCRIPTIONS["304"]}
    # Where client values are bound, the database may refuse one (R5.21; module docstring).
    binds_values = operation is not Operation.LIST or spec.filtering is not None
    for failure in _statuses(app, spec, operation):
        if failure != "304":
            responses[failure] = _error(failure, rejected=binds_values)
    if "400" in responses:
        responses["400"]["description"] = _bad_request(spec, operation)
    parameters: list[Any] = []
    if operation is Operation.LIST:
        parameters = list_parameters(spec)
    elif spec.locking.enabled and operation is not Operation.CREATE:
        if operation is Operation.RETRIEVE:
            parameters = [_header("If-None-Match", "Entity tags; 304 when one is the row's")]
        else:
            parameters = [_header("If-Match", "Entity tags; the write happens only on a match")]
            if operation is Operation.DELETE:
                parameters.append(
                    _query("version", {"type": "integer"}, "The version of the row you read")
                )
    result: dict[str, Any] = {
        "operationId": f"{spec.name}_{operation.value}",
        "summary": f"{SUMMARY[operation]} ({spec.name})",
        "tags": list(spec.tags),
    }
    if spec.description:
        result["description"] = spec.description
    if parameters:
        result["parameters"] = parameters
    body = {
        Operation.CREATE: "Create",
        Operation.REPLACE: "Replace",
        Operation.UPDATE: "Update",
    }.get(operation)
    if body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": ref(f"{spec.name}{body}")}},
        }
    result["responses"] = responses
    security = _security(spec, VERB_OF[operation])
    if security is not None:
        result["security"] = security
    return result


# -- built-in routes -----------------------------------------------------------------------------

STATUS_OK: Final[Schema] = {
    "type": "object",
    "properties": {"status": {"type": "string", "enum": ["ok"]}},
    "required": ["status"],
}
LOGIN_REQUEST: Final[Schema] = {
    "type": "object",
    "properties": {
        "username": {"type": "string", "minLength": 1},
        "password": {"type": "string", "minLength": 1},
    },
    "required": ["username", "password"],
}


def login_response(app: AppSpec) -> Schema:
    """R10.13: a token when any endpoint uses JWT, else only the validator's user."""
    if not app.jwt.used:
        return {"type": "object", "properties": {"user": {}}, "required": ["user"]}
    properties = {
        "token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer"},
        "user": {},
    }
    return {"type": "object", "properties": properties, "required": list(properties)}


def login_operation(app: AppSpec, operation_id: str) -> Any:
    responses: Responses = {
        "200": _json("Logged in", ref("LoginResponse")),
        "401": _error("401") | {"description": "Invalid credentials"},
    }
    if app.max_body_size is not None:
        responses["413"] = _error("413")
    responses["422"] = _error("422")
    if app.rate_limit.enabled:
        responses["429"] = _error("429")
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": "Exchange a username and password for the validator's user"
        + (" and a token" if app.jwt.used else ""),
        "tags": ["auth"],
        "requestBody": {"required": True, "content": {JSON: {"schema": ref("LoginRequest")}}},
        "responses": responses,
    }
    if "basicAuth" in security_schemes(app):
        operation["security"] = [{}, {"basicAuth": []}]
    return operation


def health_operation(operation_id: str, ready: bool) -> Any:
    responses: Responses = {"200": _json("Serving", ref("Status"))}
    if ready:
        responses["503"] = _error("503")
    summary = "The database answers and the tables are ready" if ready else "The process serves"
    return {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["health"],
        "responses": responses,
    }
