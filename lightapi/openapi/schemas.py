"""Component schemas (R17.3): the JSON Schemas of the pydantic models that validate requests,
the row projections responses use, the list envelopes and the two error bodies.

pydantic writes JSON Schema 2020-12, which is OpenAPI 3.1's dialect, so its output is used as
it is. What the models cannot say is added here from the spec: the ``version`` token of PUT and
PATCH bodies (read apart from the model, R5.17) and the projections of the serializer.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from pydantic import BaseModel, TypeAdapter

from lightapi._runtime.models import EndpointModels, column_python_type
from lightapi.spec.model import ColumnType, EndpointSpec

Schema = dict[str, Any]
REF: Final = "#/components/schemas/{model}"

ERROR: Final[Schema] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR: Final[Schema] = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "input": {},
                    "ctx": {"type": "object"},
                },
                "required": ["type", "loc", "msg"],
            },
        }
    },
    "required": ["detail"],
}
VERSION_TOKEN: Final[Schema] = {
    "type": "integer",
    "description": "The version of the row you read. Optional when an If-Match header is sent.",
}
LINK: Final[Schema] = {"type": ["string", "null"], "format": "uri"}
CURSOR: Final[Schema] = {"type": ["string", "null"]}


def ref(name: str) -> Schema:
    return {"$ref": REF.format(model=name)}


def _allows_null(schema: Schema) -> bool:
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return "type" not in schema and (
        "anyOf" not in schema or any(_allows_null(item) for item in schema["anyOf"])
    )


def _model_schema(model: type[BaseModel], mode: str) -> Schema:
    """The model's JSON Schema, without the ``default: null`` that only means "may be left
    out" on fields that cannot be null (PATCH fields, columns the database fills in)."""
    schema: Schema = model.model_json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
    for name, field in schema.get("properties", {}).items():
        if "default" in field and field["default"] is None and not _allows_null(field):
            schema["properties"][name] = {
                key: value for key, value in field.items() if key != "default"
            }
    return schema


def partial_schema(create: Schema, title: str) -> Schema:
    """The PATCH body schema, derived from the create model's: the update model shares every
    constraint (R5.18), requires nothing, and its ``default: null`` stays only where null is
    allowed. Equal to the update model's own schema (tests/openapi/test_partial.py), without
    generating it: a third of the schema work of an app's start-up (issue #12)."""
    properties = {}
    for name, field in create["properties"].items():
        kept = {key: value for key, value in field.items() if key != "default"}
        properties[name] = (
            dict(sorted({**kept, "default": None}.items())) if _allows_null(kept) else kept
        )
    return {
        key: value
        for key, value in {**create, "title": title, "properties": properties}.items()
        if key != "required"
    }


def _with_version(schema: Schema) -> Schema:
    """PUT and PATCH bodies carry the version they replace (R5.17, R17.3)."""
    return {
        **schema,
        "properties": {**schema["properties"], "version": VERSION_TOKEN},
        "required": [*schema.get("required", ()), "version"],
    }


@functools.cache
def _value_schema(kind: ColumnType, nullable: bool) -> Schema:
    """pydantic's JSON Schema of a column's values as responses send them, once per kind."""
    adapter: TypeAdapter[Any] = TypeAdapter(column_python_type(kind, nullable=nullable))
    return adapter.json_schema(ref_template=REF, mode="serialization")


def _row_properties(spec: EndpointSpec) -> dict[str, Schema]:
    """Each column's schema, titled and key-sorted as pydantic writes a model field: what a
    read model of all columns would give, without building one per endpoint (R21.1)."""
    return {
        field.name: dict(
            sorted(
                {
                    **_value_schema(field.column_type, field.nullable),
                    "title": field.name.title().replace("_", " ").strip(),
                }.items()
            )
        )
        for field in spec.fields
    }


def _projection(properties: Schema, names: tuple[str, ...], title: str) -> Schema:
    """The row narrowed to a serializer projection; every listed key is always sent."""
    return {
        "type": "object",
        "title": title,
        "properties": {name: properties[name] for name in names},
        "required": list(names),
    }


def row_schema_names(spec: EndpointSpec) -> tuple[str, str]:
    """The schema of read responses and the one of write responses (``Written`` only when the
    write projection differs, R17.3)."""
    read = f"{spec.name}Read"
    written = read if spec.serializer.write == spec.serializer.read else f"{spec.name}Written"
    return read, written


def list_schema_name(spec: EndpointSpec) -> str:
    style = spec.pagination.style if spec.pagination is not None else None
    suffix = {None: "List", "page_number": "Page", "cursor": "CursorPage"}[style]
    return f"{spec.name}{suffix}"


def _envelope(spec: EndpointSpec, read: str) -> Schema:
    """The LIST bodies of R5.4 and R8.3/R8.6, keys in the order they are sent."""
    results = {"type": "array", "items": ref(read)}
    style = spec.pagination.style if spec.pagination is not None else None
    properties: Schema
    if style == "page_number":
        properties = {
            "count": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 0},
            "next": LINK,
            "previous": LINK,
            "results": results,
        }
    elif style == "cursor":
        properties = {"next": CURSOR, "previous": CURSOR, "results": results}
    else:
        properties = {"results": results}
    return {"type": "object", "properties": properties, "required": list(properties)}


def endpoint_schemas(spec: EndpointSpec, models: EndpointModels) -> dict[str, Schema]:
    """Every component schema of one endpoint, by name."""
    locking = spec.locking.enabled
    schemas: dict[str, Schema] = {}
    if spec.methods & {"POST", "PUT", "PATCH"}:
        create = _model_schema(models.create, "validation")
        if "POST" in spec.methods:
            schemas[f"{spec.name}Create"] = create
        if "PUT" in spec.methods:
            replace = {**create, "title": f"{spec.name}Replace"}  # the same model (R5.18)
            schemas[f"{spec.name}Replace"] = _with_version(replace) if locking else replace
        if "PATCH" in spec.methods:
            update = (
                partial_schema(create, f"{spec.name}Update")
                if not any("json_schema_extra" in field.schema_options for field in spec.fields)
                else _model_schema(models.update, "validation")  # may set keys of its own
            )
            schemas[f"{spec.name}Update"] = _with_version(update) if locking else update
    columns = _row_properties(spec)
    read, written = row_schema_names(spec)
    schemas[read] = _projection(columns, spec.serializer.read, read)
    if written != read:
        schemas[written] = _projection(columns, spec.serializer.write, written)
    if "GET" in spec.methods:
        schemas[list_schema_name(spec)] = _envelope(spec, read)
    return schemas
