"""Response caching of the built-in LIST and RETRIEVE (§14).

Entries are the raw bytes of 200 answers with their Content-Type and ETag, under
``<prefix>:<Endpoint>:<generation>:<sha256>``, where the hash covers scheme, host, path, the
query sorted by name then value, the ``vary_on`` headers and, on authenticated endpoints, the
caller (R14.2). A successful write bumps ``<prefix>:<Endpoint>:gen``, so older entries are never
read again and expire by their TTL (R14.3).

The cache never costs a client an error or a wait: the first failure suspends it, requests are
then served uncached without touching the backend, and it is retried after a back-off that
doubles from 1 s to 30 s (R14.6). Writes made while it was suspended could not bump their
generation, so recovery bumps every cached endpoint's generation before serving from it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from lightapi._runtime.errors import JSON
from lightapi._runtime.inputs import if_none_match_hits
from lightapi.cache import CacheBackend
from lightapi.exceptions import LightApiWarning
from lightapi.spec.model import CacheSpec

logger = logging.getLogger("lightapi")
Handler = Callable[[Request], Awaitable[Response]]
FIRST_DELAY: Final = 1.0
LONGEST_DELAY: Final = 30.0
_entry_codec = msgspec.msgpack.Encoder()


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes
    media_type: str
    etag: str | None


_decode_entry = msgspec.msgpack.Decoder(tuple[bytes, str, str | None])


class ResponseCache:
    """One app's cache: the backend, its key prefix and whether it is usable right now."""

    def __init__(self, backend: CacheBackend, prefix: str, endpoints: Sequence[str]) -> None:
        self.backend = backend
        self.prefix = prefix
        self.endpoints = tuple(endpoints)
        self._delay = FIRST_DELAY
        self._retry_at = 0.0
        self._suspended = False
        self._combined = getattr(backend, "get_at_generation", None)

    # -- availability (R14.6) ----------------------------------------------------------------

    def usable(self) -> bool:
        return not self._suspended or time.monotonic() >= self._retry_at

    def _failed(self, error: BaseException) -> None:
        now = time.monotonic()
        if not self._suspended:
            logger.warning("cache unavailable, serving uncached: %s", type(error).__name__)
        elif now < self._retry_at:
            # A call that was already under way when an earlier failure suspended the cache:
            # the outage is counted once, not once per request in flight.
            return
        else:
            self._delay = min(self._delay * 2, LONGEST_DELAY)
        self._suspended = True
        self._retry_at = now + self._delay

    async def _recovered(self) -> None:
        """Writes during the outage could not bump their generation: bump them all now."""
        for name in self.endpoints:
            await self.backend.incr(self._generation_key(name))
        self._suspended = False
        self._delay = FIRST_DELAY
        logger.warning("cache available again")

    async def startup(self) -> None:
        """R14.6: ping once when the app starts; a failure warns that caching is suspended."""
        try:
            if not await self.backend.ping():
                raise ConnectionError("ping failed")
        except Exception as error:
            self._failed(error)
            warnings.warn(
                f"cache backend unreachable ({type(error).__name__}): caching is suspended",
                LightApiWarning,
                stacklevel=2,
            )

    async def _call(self, work: Callable[[], Awaitable[Any]]) -> Any:
        """Run backend work if the cache is usable; None (and suspension) on any failure."""
        if not self.usable():
            return None
        try:
            if self._suspended:
                await self._recovered()
            return await work()
        except Exception as error:  # a cache problem never reaches a client
            self._failed(error)
            return None

    async def _get_at_generation(
        self, counter: str, prefix: str, suffix: str
    ) -> tuple[int, bytes | None]:
        """The endpoint's generation and the entry stored under it: one round trip where the
        backend offers one (``RedisCacheBackend``), else two plain reads."""
        if self._combined is not None:
            found: tuple[int, bytes | None] = await self._combined(counter, prefix, suffix)
            return found
        raw = await self.backend.get(counter)
        generation = int(raw) if raw else 0  # R23.9: a missing counter reads as 0
        return generation, await self.backend.get(f"{prefix}{generation}{suffix}")

    # -- keys --------------------------------------------------------------------------------

    def _generation_key(self, name: str) -> str:
        return f"{self.prefix}:{name}:gen"

    @staticmethod
    def _request_hash(request: Request, spec: CacheSpec) -> str:
        query = sorted(request.query_params.multi_items())
        varying = [request.headers.get(header, "") for header in spec.vary_on]
        user = None
        if spec.vary_on_user:
            user = json.dumps(
                getattr(request.state, "user", None),
                sort_keys=True,
                separators=(",", ":"),
                default=str,
            )
        # From the scope, never ``request.url``: parsing the URL raises ValueError on a Host
        # header such as ``[::1`` and that failure was taken for a cache outage (R14.6), which
        # suspended caching for every client.
        scope = request.scope
        material = json.dumps(
            [
                scope.get("scheme", "http"),
                request.headers.get("host", ""),
                scope.get("root_path", "") + scope["path"],
                query,
                varying,
                user,
            ],
            separators=(",", ":"),
        )
        return hashlib.sha256(material.encode()).hexdigest()

    # -- reads and writes ----------------------------------------------------------------------

    def reader(self, name: str, spec: CacheSpec, handler: Handler) -> Handler:
        """Wrap a LIST or RETRIEVE handler: serve 200s from the cache, store them on a miss."""

        counter, prefix = self._generation_key(name), f"{self.prefix}:{name}:"

        async def lookup(request: Request) -> tuple[str, Entry | None]:
            suffix = f":{self._request_hash(request, spec)}"
            generation, stored = await self._get_at_generation(counter, prefix, suffix)
            key = f"{prefix}{generation}{suffix}"
            return key, Entry(*_decode_entry.decode(stored)) if stored else None

        async def handle(request: Request) -> Response:
            found = await self._call(lambda: lookup(request))
            if found is not None and found[1] is not None:
                return _hit(request, found[1])
            response = await handler(request)
            if found is not None and response.status_code == 200:
                entry = _entry_codec.encode(
                    (
                        bytes(response.body),
                        response.media_type or JSON,
                        response.headers.get("etag"),
                    )
                )
                await self._call(lambda: self.backend.set(found[0], entry, spec.ttl))
            response.headers["X-Cache"] = "MISS"
            return response

        return handle

    def writer(self, name: str, handler: Handler) -> Handler:
        """Wrap a write handler: a 2xx answer bumps the endpoint's generation (R14.3)."""

        async def handle(request: Request) -> Response:
            response = await handler(request)
            if 200 <= response.status_code < 300:
                await self._call(lambda: self.backend.incr(self._generation_key(name)))
            return response

        return handle


def _hit(request: Request, entry: Entry) -> Response:
    headers = {"X-Cache": "HIT"}
    if entry.etag:
        headers["ETag"] = entry.etag
        if if_none_match_hits(request.headers.get("if-none-match"), entry.etag):
            return Response(status_code=304, headers=headers)  # R14.4
    return Response(entry.body, media_type=entry.media_type, headers=headers)
