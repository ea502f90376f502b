"""The gateway's engine endpoints (docs/protocol.md, "Over HTTP") without the I/O: what to send for a
call, and the frames an answer carries. The blocking and the asyncio transports both use it, so they
differ only in how bytes move.
"""

from __future__ import annotations

import builtins
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import InvalidRequestError, LiterLLMError, ProviderUnavailableError, TimeoutError

_ENDPOINTS: dict[str, tuple[str, str]] = {
    "chat": ("POST", "chat"),
    "chat.stream": ("POST", "chat.stream"),
    "embed": ("POST", "embed"),
    "models": ("GET", "models"),
    "stats": ("GET", "stats"),
}
USER_AGENT = "liter-llm-python/0.1.0"

# The code a status stands for when the body is not a protocol error (a proxy's own page, say).
_CODE_BY_STATUS = {
    400: "invalid_request",
    401: "authentication",
    403: "permission_denied",
    404: "not_found",
    408: "timeout",
    413: "invalid_request",
    422: "invalid_request",
    429: "rate_limited",
    499: "cancelled",
    502: "provider_unavailable",
    503: "provider_unavailable",
    504: "timeout",
}
_RETRYABLE_STATUSES = frozenset({408, 429, 502, 503, 504})


@dataclass(frozen=True)
class Gateway:
    """Where the gateway is: ``url`` (no credentials) names it in errors; ``headers`` go with every call."""

    scheme: str
    host: str
    port: int
    base_path: str
    url: str
    headers: dict[str, str]


@dataclass(frozen=True)
class EngineRequest:
    verb: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    stream: bool


def parse_base_url(base_url: str, api_key: str | None) -> Gateway:
    """``http://gateway:8080``, with or without ``/v1``, maybe under a path prefix (``https://x/llm``)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError(
            f"Client: base_url must be an http:// or https:// URL such as http://gateway:8080, got {base_url!r}",
            param="base_url",
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidRequestError(f"Client: base_url {base_url!r} has an invalid port", param="base_url") from None
    base_path = parts.path.rstrip("/")
    if base_path.endswith("/v1"):
        base_path = base_path[: -len("/v1")]
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    headers = {"user-agent": USER_AGENT}
    if api_key:
        headers["authorization"] = f"Bearer {api_key}"
    return Gateway(parts.scheme, parts.hostname, port, base_path, f"{parts.scheme}://{host}:{port}{base_path}", headers)


def build_request(
    gateway: Gateway, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None
) -> EngineRequest:
    verb, name = _ENDPOINTS[method]
    stream = method == "chat.stream"
    headers = {**gateway.headers, "accept": "text/event-stream" if stream else "application/json"}
    body: bytes | None = None
    if verb == "POST":
        payload: dict[str, Any] = {"params": params or {}}
        if options:
            payload["options"] = options
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        headers["content-type"] = "application/json"
    return EngineRequest(verb, f"{gateway.base_path}/v1/engine/{name}", body, headers, stream)


def frame_of_answer(gateway: Gateway, status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The frame a whole (non-stream) answer carries: the body itself when it is one, else an error
    frame that says what came back. ``headers`` have lower-case names."""
    frame = _parse_frame(body)
    if status == 200 and frame is not None and frame.get("type") == "result":
        return frame
    if status != 200 and frame is not None and frame.get("type") == "error" and isinstance(frame.get("error"), dict):
        error: dict[str, Any] = dict(frame["error"])
        retry_after = _retry_after_ms(headers.get("retry-after"))
        if "retryAfterMs" not in error and retry_after is not None:
            error["retryAfterMs"] = retry_after
        return {"type": "error", "error": error}
    return not_a_frame(gateway, status, headers, body)


def not_a_frame(gateway: Gateway, status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """An error frame for an answer that is not the engine's (a proxy's HTML 502, a wrong URL)."""
    code = _CODE_BY_STATUS.get(status, "internal" if status >= 500 or status < 400 else "invalid_request")
    kind = headers.get("content-type", "no content type").split(";")[0]
    snippet = re.sub(r"\s+", " ", body[:200].decode("utf-8", "replace")).strip()
    what = "an unexpected answer" if status == 200 else f"status {status}"
    error: dict[str, Any] = {
        "code": code,
        "message": (
            f"the gateway at {gateway.url} answered {what} with a body that is not a liter-llm engine frame "
            f"({kind}: {snippet!r}); is base_url a liter-llm gateway (serving /v1/engine), or is a proxy in between?"
        ),
        "status": status,
        "retryable": status in _RETRYABLE_STATUSES,
    }
    retry_after = _retry_after_ms(headers.get("retry-after"))
    if retry_after is not None:
        error["retryAfterMs"] = retry_after
    return {"type": "error", "error": error}


def broken_stream_frame(gateway: Gateway, reason: str) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {
            "code": "provider_unavailable",
            "message": f"the gateway at {gateway.url} ended the stream before its final frame ({reason})",
            "retryable": True,
        },
    }


class SSEFrameDecoder:
    """Frames from a ``text/event-stream`` body as its bytes arrive, split anywhere.

    Every event is one ``data:`` line holding one frame; comment lines and other fields are skipped.
    """

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._buffer = b""
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        self._buffer += chunk
        frames: list[dict[str, Any]] = []
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                return frames
            line, self._buffer = self._buffer[:end].rstrip(b"\r"), self._buffer[end + 1 :]
            if line == b"":
                if self._data:
                    frames.append(self._frame(b"\n".join(self._data)))
                    self._data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                self._data.append(value[1:] if value.startswith(b" ") else value)

    def _frame(self, data: bytes) -> dict[str, Any]:
        frame = _parse_frame(data)
        if frame is not None and frame.get("type") in ("event", "result", "error"):
            return frame
        return {
            "type": "error",
            "error": {
                "code": "internal",
                "message": f"the gateway at {self._gateway.url} sent a stream event that is not an engine frame: "
                f"{data[:120].decode('utf-8', 'replace')!r}",
                "retryable": False,
            },
        }


def _parse_frame(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _retry_after_ms(value: str | None) -> int | None:
    # Whole seconds (the gateway's form); an HTTP date from some proxy is left alone.
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip()) * 1000


def connection_error(gateway: Gateway, error: Exception, connecting: bool = False) -> LiterLLMError:
    """The exception for a gateway that cannot be reached (``connecting``), or that broke off the exchange."""
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if isinstance(error, builtins.TimeoutError):
        return TimeoutError(f"no answer from the liter-llm gateway at {gateway.url} in time ({reason})", retryable=True)
    if connecting:
        return ProviderUnavailableError(f"could not reach the liter-llm gateway at {gateway.url} ({reason})", retryable=True)
    return ProviderUnavailableError(f"the exchange with the liter-llm gateway at {gateway.url} broke off ({reason})", retryable=True)


# How much longer than the call's own deadline a socket waits: the gateway answers a timeout itself,
# this only ends a wait on a gateway that stopped answering at all.
_SOCKET_GRACE_SECONDS = 5.0


def socket_timeout(options: dict[str, Any] | None) -> float | None:
    timeout_ms = (options or {}).get("timeoutMs")
    return timeout_ms / 1000 + _SOCKET_GRACE_SECONDS if isinstance(timeout_ms, (int, float)) else None


def is_event_stream(request: EngineRequest, status: int, headers: dict[str, str]) -> bool:
    """Whether the answer is a stream of frames (else one whole body: a result or an error)."""
    return request.stream and status == 200 and headers.get("content-type", "").startswith("text/event-stream")
