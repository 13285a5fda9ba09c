"""The YAML front end (§16): a file, validated and substituted, into the same declarations.

``load_config(path)`` reads the file, keeps the line of every key, substitutes ``${VAR}`` and
``${VAR:-default}`` in every string (``$$`` is a literal ``$``), and validates the result with
``LightAPIConfig`` (unknown keys rejected). Problems are LA7xx diagnostics whose subject is the
key path (``lightapi.yaml:endpoints[0].meta.paginaton``) at the key's line (R16.6); all of them
are raised together. ``lightapi._yaml_endpoints`` turns the validated mapping into endpoint
declarations for the compiler and arguments for ``LightApi``.
"""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from lightapi.spec.diagnostics import Diagnostic, diagnostic, relative_path, report
from lightapi.spec.findings import did_you_mean
from lightapi.spec.model import SourceLocation

__all__ = ["LightAPIConfig", "load_config"]

KeyPath = tuple[str | int, ...]
_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseConfig(_Strict):
    url: str | None = None


class CorsConfig(_Strict):
    allow_credentials: bool | None = None
    allow_methods: list[str] | None = None
    allow_headers: list[str] | None = None
    expose_headers: list[str] | None = None
    max_age: int = 600


class JwtConfig(_Strict):
    algorithm: str | None = None
    expiration: int | None = None
    issuer: str | None = None
    audience: str | None = None
    require_exp: bool = False
    extra_claims: list[str] = []


class AuthConfig(_Strict):
    auth_path: str = "/auth"
    login_validator: str | None = None
    jwt: JwtConfig | None = None


class RateLimitConfig(_Strict):
    enabled: bool = True  # ``rate_limit: false`` in the file
    requests_per_minute: int | None = None
    requests_per_hour: int | None = None
    requests_per_day: int | None = None


class FieldConfig(_Strict):
    type: str
    optional: bool = False
    default: Any = None
    description: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    multiple_of: float | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    unique: bool = False
    index: bool = False
    foreign_key: str | None = None


class AuthenticationConfig(_Strict):
    backend: str | None = None
    permission: str | dict[str, str] | None = None
    jwt_expiration: int | None = None
    jwt_extra_claims: list[str] = []
    jwt_algorithm: str | None = None


class FilteringConfig(_Strict):
    backends: list[str] = []
    fields: list[str] = []
    search: list[str] = []
    ordering: list[str] = []


class PaginationConfig(_Strict):
    style: str = "page_number"
    page_size: int = 20
    max_page_size: int | None = None


class SerializerConfig(_Strict):
    fields: list[str] | None = None
    read: list[str] | None = None
    write: list[str] | None = None


class CacheConfig(_Strict):
    ttl: int = 60
    vary_on: list[str] = []


class VerbConfig(_Strict):
    authentication: AuthenticationConfig | None = None


class MetaConfig(_Strict):
    methods: list[str] | dict[str, VerbConfig | None] | None = None
    authentication: AuthenticationConfig | None = None
    filtering: FilteringConfig | None = None
    pagination: PaginationConfig | None = None
    serializer: SerializerConfig | None = None
    cache: CacheConfig | None = None
    reflect: bool | Literal["full", "partial"] | None = None
    table: str | None = None
    description: str | None = None
    tags: list[str] | None = None


class EndpointConfig(_Strict):
    route: str
    name: str | None = None
    reflect: bool | Literal["full", "partial"] | None = None
    fields: dict[str, FieldConfig] = {}
    meta: MetaConfig | None = None

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """``title: str`` is ``title: {type: str}``, as in 0.x files."""
        if not isinstance(value, Mapping):
            return value
        return {
            name: {"type": kind} if isinstance(kind, str) else kind for name, kind in value.items()
        }


class DefaultsConfig(_Strict):
    authentication: AuthenticationConfig | None = None
    pagination: PaginationConfig | None = None
    cache: CacheConfig | None = None


class LightAPIConfig(_Strict):
    """The whole file (R16.3); every mapping rejects unknown keys (LA701)."""

    database: DatabaseConfig | None = None
    mode: Literal["auto", "async", "sync"] = "auto"
    cors_origins: list[str] | None = None
    cors: CorsConfig | None = None
    middleware: list[str] = []
    auth: AuthConfig | None = None
    rate_limit: RateLimitConfig | None = None
    max_body_size: int | None = 1_048_576
    openapi_url: str | None = "/openapi.json"
    docs_url: str | None = "/docs"
    title: str = "LightAPI"
    version: str = "1.0.0"
    defaults: DefaultsConfig | None = None
    endpoints: list[EndpointConfig] = []

    @field_validator("rate_limit", mode="before")
    @classmethod
    def _disabled(cls, value: Any) -> Any:
        return {"enabled": False} if value is False else value


# -- where each key is ----------------------------------------------------------------------


class Source:
    """The file a configuration came from and the line of each key path (1-based)."""

    def __init__(self, file: str, lines: dict[KeyPath, int] | None = None) -> None:
        self.file = file
        self.lines = lines or {}

    def line(self, path: KeyPath) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 0)

    def location(self, path: KeyPath) -> SourceLocation:
        return SourceLocation(file=self.file, line=self.line(path))

    def subject(self, path: KeyPath) -> str:
        rendered = ""
        for part in path:
            rendered += f"[{part}]" if isinstance(part, int) else (f".{part}" if rendered else part)
        return f"{self.file}:{rendered}" if rendered else self.file


def _key_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            lines[child] = key.start_mark.line + 1
            _key_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _key_lines(item, child, lines)


# -- ${VAR} (R16.2) ---------------------------------------------------------------------------


def _substituted(value: Any, path: KeyPath, source: Source, found: list[Diagnostic]) -> Any:
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            name, default = match.group(1), match.group(2)
            current = os.environ.get(name)
            if default is not None:
                return current or default  # unset or empty (R16.2)
            if current is not None:
                return current
            found.append(
                diagnostic("LA703", source.subject(path), source.location(path), name=name)
            )
            return ""

        return _VARIABLE.sub(replace, value)
    if isinstance(value, Mapping):
        return {key: _substituted(item, (*path, key), source, found) for key, item in value.items()}
    if isinstance(value, list):
        return [
            _substituted(item, (*path, index), source, found) for index, item in enumerate(value)
        ]
    return value


# -- validation (LA701, LA702) ----------------------------------------------------------------


def _allowed_keys(path: KeyPath) -> list[str]:
    """The keys the schema allows where ``path`` points, for "did you mean" hints."""
    model: Any = LightAPIConfig
    keyed = False  # the previous part was a mapping of names to models (``fields``)
    for part in path[:-1]:
        if isinstance(part, int) or model is None or keyed:
            keyed = False
            continue
        field = model.model_fields.get(part)
        annotation = field.annotation if field is not None else None
        keyed = typing.get_origin(annotation) is dict
        model = _model_of(annotation)
    return list(model.model_fields) if model is not None else []


def _model_of(annotation: Any) -> Any:
    """The model an annotation holds, through unions, lists and dicts."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in typing.get_args(annotation):
        found = _model_of(inner)
        if found is not None:
            return found
    return None


def _data_path(raw: tuple[Any, ...], data: Any) -> KeyPath:
    """pydantic's error location as a path in the document: parts that are not keys or indexes
    of the data (the names of union members pydantic tried) are dropped."""
    path: list[str | int] = []
    node = data
    for part in raw:
        if (isinstance(node, Mapping) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            continue
        path.append(part)
    return tuple(path)


def validation_findings(errors: list[Any], data: Any, source: Source) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for error in errors:
        path = _data_path(tuple(error["loc"]), data)
        if error["type"] == "extra_forbidden":
            key = str(path[-1])
            hint = did_you_mean(key, _allowed_keys(path), fallback="known keys: {options}")
            found.append(
                diagnostic(
                    "LA701", source.subject(path), source.location(path), key=key, suggestion=hint
                )
            )
        elif error["type"] == "missing":
            found.append(
                diagnostic(
                    "LA702",
                    source.subject(path),
                    source.location(path),
                    error=f"'{error['loc'][-1]}' is required",
                )
            )
        else:
            found.append(
                diagnostic("LA702", source.subject(path), source.location(path), error=error["msg"])
            )
    # A union reports each member's failure: keep the most specific ones.
    subjects = [item.subject for item in found]
    return list(
        dict.fromkeys(
            item
            for item in found
            if item.code != "LA702"
            or not any(other.startswith(item.subject + ".") for other in subjects)
        )
    )


def parse(text: str, file: str) -> tuple[Any, Source, list[Diagnostic]]:
    """The YAML document and its key lines; LA707 for a syntax error."""
    source = Source(file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(error, "problem", None) or str(error)
        return (
            None,
            source,
            [diagnostic("LA707", file, SourceLocation(file=file, line=line), error=problem)],
        )
    if node is not None:
        _key_lines(node, (), source.lines)
    return data, source, []


def validated(data: Any, source: Source) -> tuple[LightAPIConfig | None, list[Diagnostic]]:
    """Substitute variables, then validate against the schema.

    Each endpoint entry is validated on its own, so that one entry's typo does not hide the
    problems of the others (R16.1); an invalid entry is left out, as ``None``, keeping the
    indexes of the others. The configuration is None only when the rest of the file is invalid.
    """
    found: list[Diagnostic] = []
    data = _substituted(data if data is not None else {}, (), source, found)
    if not isinstance(data, Mapping):
        found.append(
            diagnostic(
                "LA702", source.file, source.location(()), error="the file must hold a mapping"
            )
        )
        return None, found
    entries = data.get("endpoints")
    rest = {key: value for key, value in data.items() if key != "endpoints"}
    endpoints: list[EndpointConfig | None] = []
    if isinstance(entries, list):
        for index, entry in enumerate(entries):
            try:
                endpoints.append(EndpointConfig.model_validate(entry))
            except ValidationError as error:
                errors = [
                    {**item, "loc": ("endpoints", index, *item["loc"])}
                    for item in error.errors(include_url=False)
                ]
                found.extend(validation_findings(errors, data, source))
                endpoints.append(None)
    elif entries is not None:
        rest["endpoints"] = entries  # not a list: let the schema say so
    try:
        config = LightAPIConfig.model_validate(rest)
    except ValidationError as error:
        found.extend(validation_findings(error.errors(include_url=False), data, source))
        return None, found
    config.endpoints = endpoints  # type: ignore[assignment]
    return config, found


def load_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The validated, substituted mapping of a YAML file (R1.2); SpecError with every problem."""
    file = relative_path(str(path))
    data, source, found = parse(Path(path).read_text(), file)
    config = None
    if not found:
        config, found = validated(data, source)
    report(found)
    assert config is not None
    return config.model_dump(exclude_unset=True)
