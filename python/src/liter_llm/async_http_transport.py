"""The gateway's engine endpoints for ``AsyncClient``: HTTP/1.1 on asyncio streams, keep-alive pooled.

The standard library has no asyncio HTTP client, and running http.client in threads would cost a
thread per call in flight; the part of HTTP/1.1 a gateway answer needs (a status line, headers, a
body framed by Content-Length or chunked, or ended by the close) is small, so it is here. What to
send and how to read the frames is http_exchange's, as for the blocking transport. A cancelled task
closes its connection, which is how the gateway learns to cancel the call upstream.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from .errors import InternalError, LiterLLMError
from .http_exchange import (
    EngineRequest,
    Gateway,
    SSEFrameDecoder,
    broken_stream_frame,
    build_request,
    connection_error,
    frame_of_answer,
    is_event_stream,
    parse_base_url,
    socket_timeout,
)

_CONNECT_TIMEOUT_SECONDS = 10.0
_MAX_IDLE_CONNECTIONS = 64
_READ_SIZE = 65536
# StreamReader's longest line (a header, a chunk size); the bodies are read by size, not by line.
_LINE_LIMIT = 1 << 20
T = TypeVar("T")


class _Closed(ConnectionResetError):
    """The gateway closed the connection where the answer was not finished (or not begun)."""


# What a pooled connection the gateway closed meanwhile (its keep-alive timeout) fails with.
_STALE = (ConnectionResetError, BrokenPipeError)


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        try:
            self.writer.close()
        except RuntimeError:
            pass  # its event loop is closed already, and the socket goes with the transport


class _Body:
    """An answer's body as it arrives: Content-Length, chunked, or up to the connection's end."""

    def __init__(self, reader: asyncio.StreamReader, version: str, headers: dict[str, str]) -> None:
        self._reader = reader
        self._chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length = headers.get("content-length")
        self._remaining = int(length) if length is not None and length.isdigit() and not self._chunked else None
        self._chunk_left = 0
        self.done = False
        self.reusable = (
            version == "HTTP/1.1"
            and headers.get("connection", "").lower() != "close"
            and (self._chunked or self._remaining is not None)
        )

    async def read_some(self) -> bytes:
        """The next bytes of the body; b"" at its end."""
        if self.done:
            return b""
        if self._chunked:
            return await self._read_chunked()
        if self._remaining is None:
            data = await self._reader.read(_READ_SIZE)
            self.done = not data
            return data
        if self._remaining == 0:
            self.done = True
            return b""
        data = await self._reader.read(min(self._remaining, _READ_SIZE))
        if not data:
            raise _Closed("the gateway closed the connection in the middle of an answer")
        self._remaining -= len(data)
        return data

    async def read_all(self) -> bytes:
        parts: list[bytes] = []
        while chunk := await self.read_some():
            parts.append(chunk)
        return b"".join(parts)

    async def _read_chunked(self) -> bytes:
        if self._chunk_left == 0:
            line = await self._reader.readline()
            if not line:
                raise _Closed("the gateway closed the connection in the middle of an answer")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await self._reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                self.done = True
                return b""
            self._chunk_left = size
        data = await self._reader.read(min(self._chunk_left, _READ_SIZE))
        if not data:
            raise _Closed("the gateway closed the connection in the middle of an answer")
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            await self._reader.readexactly(2)  # the CRLF after the chunk
        return data


class AsyncHTTPTransport:
    """One per event loop: its pooled connections belong to the loop that opened them."""

    def __init__(self, base_url: str, api_key: str | None) -> None:
        self.gateway = parse_base_url(base_url, api_key)
        self._idle: list[_Connection] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._generation = 0
        self._tls: ssl.SSLContext | None = None

    async def start(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> AsyncHTTPCall:
        call = AsyncHTTPCall(self, build_request(self.gateway, method, params, options), socket_timeout(options))
        await call.send()
        return call

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        self._generation += 1
        for connection in idle:
            connection.close()

    async def checkout(self, fresh: bool) -> tuple[_Connection, bool, int]:
        """An idle connection (reused: True), or a new one."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            # A new event loop (another asyncio.run): the old loop's connections cannot serve it.
            self._idle, self._loop = [], loop
        if self._idle and not fresh:
            return self._idle.pop(), True, self._generation
        gateway = self.gateway
        tls: ssl.SSLContext | None = None
        if gateway.scheme == "https":
            self._tls = self._tls or ssl.create_default_context()
            tls = self._tls
        try:
            async with asyncio.timeout(_CONNECT_TIMEOUT_SECONDS):
                reader, writer = await asyncio.open_connection(gateway.host, gateway.port, ssl=tls, limit=_LINE_LIMIT)
        except OSError as error:
            raise connection_error(gateway, error, connecting=True) from None
        return _Connection(reader, writer), False, self._generation

    def release(self, connection: _Connection, generation: int, reusable: bool) -> None:
        if reusable and generation == self._generation and len(self._idle) < _MAX_IDLE_CONNECTIONS:
            self._idle.append(connection)
        else:
            connection.close()


class AsyncHTTPCall:
    """One call: ``send`` writes the request when the call starts; ``next_frame`` reads the answer."""

    def __init__(self, transport: AsyncHTTPTransport, request: EngineRequest, timeout: float | None) -> None:
        self._transport = transport
        self._request = request
        self._timeout = timeout
        self._connection: _Connection | None = None
        self._reused = False
        self._generation = 0
        self._body: _Body | None = None
        self._decoder: SSEFrameDecoder | None = None
        self._pending: list[dict[str, Any]] = []
        self._ended = False

    async def send(self) -> None:
        await self._guard(self._send)

    async def next_frame(self) -> dict[str, Any]:
        if self._ended:
            raise InternalError("this call has already ended")
        return await self._guard(self._next_frame)

    async def cancel(self) -> None:
        if not self._ended:
            self._end(reusable=False)

    async def _guard(self, step: Callable[[], Awaitable[T]]) -> T:
        """Runs a step of the exchange within the call's deadline; any failure ends the call and
        closes its connection (a cancelled task too: that is what cancels the call at the gateway)."""
        try:
            async with asyncio.timeout(self._timeout):
                return await step()
        except LiterLLMError:
            self._end(reusable=False)
            raise
        except (OSError, ValueError, asyncio.IncompleteReadError) as error:
            self._end(reusable=False)
            raise connection_error(self._transport.gateway, error) from None
        except BaseException:
            self._end(reusable=False)
            raise

    async def _send(self, fresh: bool = False) -> None:
        self._connection, self._reused, self._generation = await self._transport.checkout(fresh)
        try:
            self._connection.writer.write(_encode_head(self._transport.gateway, self._request) + (self._request.body or b""))
            await self._connection.writer.drain()
        except _STALE:
            await self._resend_if_stale()

    async def _resend_if_stale(self) -> None:
        """A pooled connection the gateway had closed: it never read the request, so sending it again
        on a fresh connection is safe (once; a fresh connection failing is a real failure)."""
        if not self._reused:
            raise
        assert self._connection is not None
        self._connection.close()
        await self._send(fresh=True)

    async def _head(self) -> tuple[int, dict[str, str]]:
        assert self._connection is not None
        try:
            version, status, headers = await _read_head(self._connection.reader)
        except _STALE:
            await self._resend_if_stale()
            version, status, headers = await _read_head(self._connection.reader)
        self._body = _Body(self._connection.reader, version, headers)
        return status, headers

    async def _next_frame(self) -> dict[str, Any]:
        gateway = self._transport.gateway
        if self._body is None:
            status, headers = await self._head()
            assert self._body is not None
            if not is_event_stream(self._request, status, headers):
                body = await self._body.read_all()
                self._end(reusable=True)
                return frame_of_answer(gateway, status, headers, body)
            self._decoder = SSEFrameDecoder(gateway)
        assert self._decoder is not None
        while not self._pending:
            chunk = await self._body.read_some()
            if not chunk:
                self._end(reusable=False)
                return broken_stream_frame(gateway, "the connection closed")
            self._pending.extend(self._decoder.feed(chunk))
        frame = self._pending.pop(0)
        if frame.get("type") != "event":
            # The final frame: the body ends right after it, and the connection serves the next call.
            await self._body.read_all()
            self._end(reusable=True)
        return frame

    def _end(self, reusable: bool) -> None:
        self._ended = True
        if self._connection is not None:
            reusable = reusable and self._body is not None and self._body.done and self._body.reusable
            self._transport.release(self._connection, self._generation, reusable)
            self._connection = None


def _encode_head(gateway: Gateway, request: EngineRequest) -> bytes:
    host = f"[{gateway.host}]" if ":" in gateway.host else gateway.host
    default_port = 443 if gateway.scheme == "https" else 80
    lines = [f"{request.verb} {request.path} HTTP/1.1", f"host: {host if gateway.port == default_port else f'{host}:{gateway.port}'}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    if request.body is not None:
        lines.append(f"content-length: {len(request.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, int, dict[str, str]]:
    while True:
        line = await reader.readline()
        if not line:
            raise _Closed("the gateway closed the connection before answering")
        version, _, rest = line.decode("latin-1").rstrip("\r\n").partition(" ")
        status = int(rest.split(" ", 1)[0])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if not 100 <= status < 200:  # an interim answer (100 Continue) is followed by the real one
            return version, status, headers
