"""What the baseline reads from a request besides its body: query parameters, cursor tokens
and the bearer token, each checked the way LightAPI checks it (422, 400 or 401 like its).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any, Final

import jwt
from starlette.datastructures import QueryParams
from starlette.responses import Response

from bench.apps.raw_shapes import encode, json_response
from bench.apps.raw_sql import ARTICLE_ID_ORDER, ARTICLE_ORDERING

PAGE_SIZE: Final = 20
MAX_PAGE_SIZE: Final = 100
MAX_PAGE: Final = 10**9
INTEGER: Final = re.compile(r"[+-]?[0-9]{1,30}")  # int() alone takes " 1", "1_0", non-ASCII digits
MAX_TOKEN_LENGTH: Final = 1024
MAC_BYTES: Final = 12
INVALID_CURSOR: Final = b'{"detail":"Invalid cursor"}'
AUTHENTICATION_REQUIRED: Final = b'{"detail":"Authentication required"}'


class QueryError(Exception):
    """A bad query parameter: 422 with one pydantic-style error at ``["query", <param>]``."""

    def __init__(self, param: str, kind: str, message: str, raw: str, **ctx: Any) -> None:
        super().__init__(message)
        self.error: dict[str, Any] = {
            "type": kind,
            "loc": ["query", param],
            "msg": message,
            "input": raw,
        }
        if ctx:
            self.error["ctx"] = ctx

    def response(self) -> Response:
        return json_response(encode({"detail": [self.error]}), 422)


def query_int(raw: str, param: str) -> int:
    if INTEGER.fullmatch(raw) is None:
        raise QueryError(
            param,
            "int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
            raw,
        )
    return int(raw)


def bounded(params: QueryParams, param: str, low: int, high: int, default: int) -> int:
    raw = params.get(param)
    if raw is None:
        return default
    value = query_int(raw, param)
    if value < low:
        raise QueryError(
            param,
            "greater_than_equal",
            f"Input should be greater than or equal to {low}",
            raw,
            ge=low,
        )
    if value > high:
        raise QueryError(
            param, "less_than_equal", f"Input should be less than or equal to {high}", raw, le=high
        )
    return value


def article_order(raw: str | None) -> list[Any]:
    """``a,-b``: items trimmed, empty ones skipped, later duplicates ignored; then ``id``."""
    if raw is None:
        return [ARTICLE_ID_ORDER]
    seen: set[str] = set()
    clauses = []
    for part in raw.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.removeprefix("-").strip()
        if not name or name in seen:
            continue
        column = ARTICLE_ORDERING.get(name)
        if column is None:
            raise QueryError(
                "ordering", "value_error", f"cannot order by '{name}'; allowed: views, title", raw
            )
        seen.add(name)
        clauses.append(column.desc() if descending else column.asc())
    clauses.append(ARTICLE_ID_ORDER)
    return clauses


class InvalidCursor(Exception):
    """400 ``Invalid cursor``: not ours, tampered with, or the wrong shape."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _compact(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


class Cursors:
    """Keyset cursors of ``/feed`` (ordered by id): URL-safe base64 of compact JSON holding the
    boundary id ``i``, the direction ``d`` and an HMAC-SHA256 ``m`` (keyed with the app's
    secret) over the rest, so a client cannot forge or edit one. The same layout as LightAPI's
    (``o`` names the ordering, ``k`` the keyset values besides the id: none here), which lets
    the parity check compare what two apps' tokens mean."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def _mac(self, payload: bytes) -> str:
        return _b64(hmac.new(self.key, payload, hashlib.sha256).digest()[:MAC_BYTES])

    def encode(self, boundary: int, forward: bool) -> str:
        body: dict[str, Any] = {"o": "id", "k": [], "i": boundary, "d": "n" if forward else "p"}
        body["m"] = self._mac(_compact(body))
        return _b64(_compact(body))

    def decode(self, token: str) -> tuple[int, bool]:
        """The boundary id and whether the page lies after it."""
        try:
            if len(token) > MAX_TOKEN_LENGTH:
                raise ValueError("too long")
            body = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            mac = body.pop("m")
            if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(_compact(body))):
                raise ValueError("tampered")
            boundary, direction = body["i"], body["d"]
            if body["o"] != "id" or body["k"] != [] or direction not in ("n", "p"):
                raise ValueError("another ordering")
            if not isinstance(boundary, int) or isinstance(boundary, bool) or boundary < 0:
                raise ValueError("not an id")
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidCursor from error
        return boundary, direction == "n"


class BearerAuth:
    """``Authorization: Bearer <JWT>`` verified per request with PyJWT, HS256 only (``alg:
    none`` and algorithm confusion fail); 401 with LightAPI's body and ``WWW-Authenticate``."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def rejection(self, header: str | None) -> Response | None:
        """None when the request carries a valid token, else the 401 to send."""
        if header is not None:
            scheme, _, token = header.strip().partition(" ")
            if scheme.lower() == "bearer":
                try:
                    payload = jwt.decode(token.strip(), self.secret, algorithms=["HS256"])
                except jwt.PyJWTError:
                    return self._unauthorized('Bearer error="invalid_token"')
                if isinstance(payload, dict) and payload:
                    return None
        return self._unauthorized("Bearer")

    @staticmethod
    def _unauthorized(challenge: str) -> Response:
        return json_response(AUTHENTICATION_REQUIRED, 401, {"WWW-Authenticate": challenge})
