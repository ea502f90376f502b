"""The gateway's engine endpoints over blocking HTTP (http.client), with a pool of keep-alive connections.

Each call has a connection to itself for as long as it runs, so any number of threads share one
client; a finished call hands its connection back for the next one. Closing a call's connection
before its answer ended (a stream left early, Ctrl-C) is how the gateway learns to cancel it upstream.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import InternalError, LiterLLMError
from .http_exchange import (
    EngineRequest,
    SSEFrameDecoder,
    broken_stream_frame,
    build_request,
    connection_error,
    frame_of_answer,
    is_event_stream,
    parse_base_url,
    socket_timeout,
)

T = TypeVar("T")
_CONNECT_TIMEOUT_SECONDS = 10.0
# Idle connections kept for later calls; more threads than that at once still work, each extra
# connection is closed after its call.
_MAX_IDLE_CONNECTIONS = 64
_READ_SIZE = 65536
# What a pooled connection the gateway closed meanwhile (its keep-alive timeout) fails with.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class HTTPTransport:
    def __init__(self, base_url: str, api_key: str | None) -> None:
        self.gateway = parse_base_url(base_url, api_key)
        self._lock = threading.Lock()
        self._idle: list[http.client.HTTPConnection] = []
        # close() bumps it: connections of calls that were in flight then are not pooled again.
        self._generation = 0
        self._tls: ssl.SSLContext | None = None

    def start(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> HTTPCall:
        return HTTPCall(self, build_request(self.gateway, method, params, options), socket_timeout(options))

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for connection in idle:
            connection.close()

    def checkout(self, fresh: bool) -> tuple[http.client.HTTPConnection, bool, int]:
        """An idle connection (reused: True), or a new one, not yet connected."""
        with self._lock:
            generation = self._generation
            if self._idle and not fresh:
                return self._idle.pop(), True, generation
        gateway = self.gateway
        if gateway.scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            return http.client.HTTPSConnection(gateway.host, gateway.port, context=self._tls), False, generation
        return http.client.HTTPConnection(gateway.host, gateway.port), False, generation

    def release(self, connection: http.client.HTTPConnection, generation: int, reusable: bool) -> None:
        with self._lock:
            if reusable and generation == self._generation and len(self._idle) < _MAX_IDLE_CONNECTIONS:
                self._idle.append(connection)
                return
        connection.close()


class HTTPCall:
    """One call: the request goes out when the call starts; the answer is read by ``next_frame``,
    a stream's frames as they come."""

    def __init__(self, transport: HTTPTransport, request: EngineRequest, timeout: float | None) -> None:
        self._transport = transport
        self._request = request
        self._timeout = timeout
        self._connection: http.client.HTTPConnection | None = None
        self._reused = False
        self._connecting = False
        self._generation = 0
        self._response: http.client.HTTPResponse | None = None
        self._decoder: SSEFrameDecoder | None = None
        self._pending: deque[dict[str, Any]] = deque()
        self._ended = False
        self._guard(self._send)

    def next_frame(self) -> dict[str, Any]:
        if self._ended:
            raise InternalError("this call has already ended")
        return self._guard(self._next_frame)

    def cancel(self) -> None:
        if not self._ended:
            self._end(reusable=False)

    def _guard(self, step: Callable[[], T]) -> T:
        """Runs a step of the exchange; any failure ends the call and closes its connection (which
        cancels the call at the gateway: Ctrl-C does that too)."""
        try:
            return step()
        except LiterLLMError:
            self._end(reusable=False)
            raise
        except (OSError, http.client.HTTPException) as error:
            self._end(reusable=False)
            raise connection_error(self._transport.gateway, error, connecting=self._connecting) from None
        except BaseException:
            self._end(reusable=False)
            raise

    def _send(self, fresh: bool = False) -> None:
        self._connection, self._reused, self._generation = self._transport.checkout(fresh)
        connection = self._connection
        if connection.sock is None:
            self._connecting = True
            connection.timeout = _CONNECT_TIMEOUT_SECONDS
            connection.connect()
            self._connecting = False
        connection.sock.settimeout(self._timeout)
        try:
            connection.request(self._request.verb, self._request.path, body=self._request.body, headers=self._request.headers)
        except _STALE:
            self._resend_if_stale()

    def _resend_if_stale(self) -> None:
        """A pooled connection the gateway had closed: it never read the request, so sending it again
        on a fresh connection is safe (once; a fresh connection failing is a real failure)."""
        if not self._reused:
            raise
        assert self._connection is not None
        self._connection.close()
        self._send(fresh=True)

    def _next_frame(self) -> dict[str, Any]:
        gateway = self._transport.gateway
        assert self._connection is not None
        if self._response is None:
            try:
                self._response = self._connection.getresponse()
            except _STALE:
                self._resend_if_stale()
                self._response = self._connection.getresponse()
            headers = {name.lower(): value for name, value in self._response.getheaders()}
            if not is_event_stream(self._request, self._response.status, headers):
                body = self._response.read()
                self._end(reusable=True)
                return frame_of_answer(gateway, self._response.status, headers, body)
            self._decoder = SSEFrameDecoder(gateway)
        assert self._decoder is not None
        while not self._pending:
            chunk = self._response.read1(_READ_SIZE)
            if not chunk:
                self._end(reusable=False)
                return broken_stream_frame(gateway, "the connection closed")
            self._pending.extend(self._decoder.feed(chunk))
        frame = self._pending.popleft()
        if frame.get("type") != "event":
            # The final frame: the body ends right after it, and the connection serves the next call.
            self._response.read()
            self._end(reusable=True)
        return frame

    def _end(self, reusable: bool) -> None:
        self._ended = True
        if self._connection is not None:
            reusable = reusable and self._response is not None and not self._response.will_close
            self._transport.release(self._connection, self._generation, reusable)
            self._connection = None
