"""Untrusted request input: bodies (R5.11-R5.14), versions (R5.17) and entity tags (§6).

Everything here either returns clean values or raises ``Problem`` with the documented 4xx.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from lightapi._runtime.errors import BODY_TOO_LARGE, INVALID_JSON, Problem, validation_problem

_TAG: Final = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
_TAG_LIST: Final = re.compile(rf"\s*(?:\*|{_TAG}(?:\s*,\s*{_TAG})*)\s*")
_TAG_ITEM: Final = re.compile(r'(W/)?"([^"]*)"')
_NON_JSON_TOKENS: Final = (b"NaN", b"Infinity")
_QUERY_INTEGER: Final = re.compile(r"[+-]?[0-9]{1,18}")

MISSING_VERSION: Final = {"type": "missing", "loc": ["version"], "msg": "Field required"}
# What msgspec raises for bytes that are no JSON document (R5.11).
UNDECODABLE: Final = (msgspec.DecodeError, RecursionError, UnicodeDecodeError)


def make_etag(pk: int, version: int) -> str:
    """The strong tag of a row version (R6.1), e.g. ``"7-3"``."""
    return f'"{pk}-{version}"'


async def read_body(request: Request, limit: int | None) -> bytes:
    """The body, refused with 413 past ``limit`` bytes (R5.12): early by Content-Length, else
    as soon as the stream passes the limit."""
    if limit is None:
        return await request.body()
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(413, BODY_TOO_LARGE)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, BODY_TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _reject_non_json(body: bytes) -> None:
    """R23.2: ``NaN``/``Infinity`` are not JSON; pydantic's parser accepts them, msgspec not.

    msgspec raises RecursionError on nesting past its depth limit and UnicodeDecodeError on
    invalid UTF-8, not DecodeError; both are invalid JSON bodies (R5.11)."""
    if any(token in body for token in _NON_JSON_TOKENS):
        try:
            msgspec.json.decode(body)
        except UNDECODABLE:
            raise Problem(400, INVALID_JSON) from None


def validate_body(model: type[BaseModel], body: bytes) -> tuple[BaseModel | None, list[Any]]:
    """Validate straight from bytes (R5.13); an empty body is ``{}`` (R5.11).

    Returns the instance, or None and the JSON-safe errors, so that the caller can add its own
    (version) errors to one 422.
    """
    if not body.strip():
        body = b"{}"
    _reject_non_json(body)
    try:
        return model.model_validate_json(body), []
    except ValidationError as error:
        errors = error.errors(include_url=False)
        if any(item["type"] == "json_invalid" for item in errors):
            raise Problem(400, INVALID_JSON) from None
        return None, list(errors)


def raw_body_version(body: bytes) -> Any:
    """The body's ``version`` as written, for reporting it when other fields failed."""
    try:
        document = msgspec.json.decode(body or b"{}")
    except UNDECODABLE:
        return None
    return document.get("version") if isinstance(document, dict) else None


def version_error(value: Any) -> dict[str, Any] | None:
    """R5.17: ``version`` must be a JSON integer; ``true``, ``"3"`` and ``3.0`` are not."""
    if value is None:
        return MISSING_VERSION
    if isinstance(value, bool) or not isinstance(value, int):
        return {
            "type": "int_type",
            "loc": ["version"],
            "msg": "Input should be a valid integer",
            "input": value,
        }
    return None


@dataclass(frozen=True, slots=True)
class IfMatch:
    """A parsed If-Match header: ``*``, or the versions its strong tags name for this row."""

    any_version: bool
    versions: tuple[int, ...]


def parse_if_match(value: str | None, pk: int) -> IfMatch | None:
    """R6.3, R23.3: None when absent; 400 when it is not an entity-tag list."""
    if value is None:
        return None
    if not _TAG_LIST.fullmatch(value):
        raise Problem(400, "Invalid If-Match header")
    if value.strip() == "*":
        return IfMatch(any_version=True, versions=())
    prefix = f"{pk}-"
    versions = []
    for weak, tag in _TAG_ITEM.findall(value):
        if weak or not tag.startswith(prefix):
            continue
        number = tag[len(prefix) :]
        if number.isascii() and number.isdigit():  # not "²": latin-1 headers allow \xb2
            versions.append(int(number))
    return IfMatch(any_version=False, versions=tuple(versions))


def if_none_match_hits(value: str | None, etag: str) -> bool:
    """R6.2: ``*`` or any listed tag equal to ``etag`` under weak comparison."""
    if value is None or not _TAG_LIST.fullmatch(value):
        return False
    if value.strip() == "*":
        return True
    current = etag.strip('"')
    return any(tag == current for _, tag in _TAG_ITEM.findall(value))


def query_version(request: Request) -> int | None:
    """DELETE's ``?version=N`` (R5.20); 422 at ``["query", "version"]`` unless an integer."""
    raw = request.query_params.get("version")
    if raw is None:
        return None
    if not _QUERY_INTEGER.fullmatch(raw):
        raise validation_problem(
            [
                {
                    "type": "int_parsing",
                    "loc": ["query", "version"],
                    "msg": "Input should be a valid integer, unable to parse string as an integer",
                    "input": raw,
                }
            ]
        )
    return int(raw)


def version_in(value: Any, allowed: Sequence[int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in allowed
