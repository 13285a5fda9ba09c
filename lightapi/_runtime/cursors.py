"""Cursor tokens for keyset pagination (R8.6-R8.8, R23.18).

A token is URL-safe base64 (no padding) of compact JSON: the ordering signature ``o``, the
boundary row's keyset values ``k`` (as text), its ``id`` ``i``, the direction ``d`` (``n`` next,
``p`` previous) and ``m``, an HMAC over the rest. The MAC makes tampering evident: with the
app's JWT secret as key it cannot be forged; without one the key is derived from the endpoint,
which still catches corrupted or hand-edited tokens. Keyset values only ever reach SQL as bound
parameters, so a forged token could at worst start a page elsewhere.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from lightapi._runtime.errors import Problem
from lightapi._runtime.listing import CoercionError, coerce
from lightapi.spec.model import FieldSpec

MAX_TOKEN_LENGTH: Final = 1024
INVALID_CURSOR: Final = "Invalid cursor"
MAC_BYTES: Final = 12


@dataclass(frozen=True, slots=True)
class Boundary:
    values: tuple[Any, ...]  # the keyset values, the id last
    forward: bool


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class CursorCodec:
    """Encodes and checks the cursors of one endpoint."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def _mac(self, payload: bytes) -> str:
        return _b64(hmac.new(self.key, payload, hashlib.sha256).digest()[:MAC_BYTES])

    def encode(self, signature: str, values: Sequence[Any], forward: bool) -> str:
        body = {
            "o": signature,
            "k": [_text(value) for value in values[:-1]],
            "i": values[-1],
            "d": "n" if forward else "p",
        }
        payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        body["m"] = self._mac(payload)
        return _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())

    def decode(self, token: str, signature: str, keys: Sequence[FieldSpec]) -> Boundary:
        """The boundary a token names; 400 ``Invalid cursor`` for anything else (R8.7)."""
        try:
            body = self._verified(token)
            if body["o"] != signature or body["d"] not in ("n", "p"):
                raise ValueError("made for another ordering")
            texts, pk = body["k"], body["i"]
            if not isinstance(texts, list) or len(texts) != len(keys) or not _is_id(pk):
                raise ValueError("wrong shape")
            if not all(isinstance(text, str) for text in texts):
                raise ValueError("wrong types")
            values = tuple(coerce(field, text) for field, text in zip(keys, texts, strict=True))
        except (ValueError, KeyError, TypeError, CoercionError, binascii.Error):
            raise Problem(400, INVALID_CURSOR) from None
        return Boundary(values=(*values, pk), forward=body["d"] == "n")

    def _verified(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        body = json.loads(raw)
        if not isinstance(body, dict) or not isinstance(body.get("m"), str):
            raise ValueError("not a cursor")
        mac = body.pop("m")
        payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise ValueError("tampered")
        return body


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
