"""A minimal HTTP/1.1 client: one keep-alive connection per soak client, on asyncio streams.

The load generator shares a 2-core machine with the server. httpx spent about 1.4 ms of CPU per
request here (0.72 cores for 516 req/s), so the load was capped by the client, not the server;
this writes the request bytes itself and reads the answer by ``Content-Length`` (or chunks),
at a fraction of that. It speaks only what the soak needs, to a server on 127.0.0.1.

Anything that goes wrong on the wire (refused, reset, a truncated answer, no answer within the
timeout) raises ``TransportError`` and closes the connection; the next request opens a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

MAX_HEAD: Final = 65_536


class TransportError(Exception):
    """No proper HTTP answer; ``kind`` names what happened (e.g. ``TimeoutError``)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: dict[str, str]  # names in lower case
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Connection:
    """One persistent connection to ``host:port``, (re)opened on demand."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.opened = 0  # connections opened, for the report

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Response:
        target = f"{path}?{urlencode(params)}" if params else path
        body = b"" if json_body is None else json.dumps(json_body).encode()
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if json_body is not None or method in ("POST", "PUT", "PATCH"):
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        try:
            return await asyncio.wait_for(self._exchange(raw, method), self.timeout)
        except TransportError:
            await self.close()
            raise
        except (TimeoutError, asyncio.TimeoutError) as error:  # before OSError, its base class
            await self.close()
            raise TransportError("TimeoutError", f"no answer within {self.timeout:g} s") from error
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as e:
            await self.close()
            raise TransportError(type(e).__name__, str(e)) from e

    async def _exchange(self, raw: bytes, method: str) -> Response:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(
                self.host, self.port, limit=MAX_HEAD
            )
            self.opened += 1
        reader, writer = self._reader, self._writer
        assert reader is not None
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        version, code, *_reason = status_line.split(" ", 2)
        if not version.startswith("HTTP/1."):
            raise TransportError("BadStatusLine", status_line[:100])
        status = int(code)
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            content = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            content = await self._chunks(reader)
        elif "content-length" in headers:
            content = await reader.readexactly(int(headers["content-length"]))
        else:
            content = await reader.read()  # delimited by the end of the connection
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, content)

    @staticmethod
    async def _chunks(reader: asyncio.StreamReader) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")  # no trailers from uvicorn: the final CRLF
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
