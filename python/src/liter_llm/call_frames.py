"""The one place where an engine frame becomes a result or an exception, whatever carried it.

Both transports (the engine's stdio pipe and the gateway's ``/v1/engine`` endpoints) hand over the
same frames (``{"type": "result" | "event" | "error", ...}``), so results, stream events and errors
are read here alone and every mode raises the same exceptions with the same fields.
"""

from __future__ import annotations

from typing import Any

from .errors import InternalError, error_from_frame
from .results import Attempt, StreamEvent, parse_attempts, parse_stream_event


def result_of(frame: dict[str, Any]) -> dict[str, Any]:
    """A call's final frame: its ``result`` object, or the error it carries raised as its exception."""
    kind = frame.get("type")
    if kind == "error":
        error = frame.get("error")
        raise error_from_frame(error if isinstance(error, dict) else {})
    if kind == "result":
        result = frame.get("result")
        return result if isinstance(result, dict) else {}
    raise InternalError(f"expected a result or an error frame, got a frame of type {kind!r}")


class StreamProgress:
    """What a ``chat.stream`` call has delivered so far; ``take`` reads its frames one at a time."""

    def __init__(self) -> None:
        self.done = False
        self.request_id: str | None = None
        self.attempts: list[Attempt] = []

    def take(self, frame: dict[str, Any]) -> StreamEvent | None:
        """The frame's event, or None once the stream ended normally; an error frame is raised."""
        if frame.get("type") == "event":
            event = frame.get("event")
            return parse_stream_event(event if isinstance(event, dict) else {})
        self.done = True
        result = result_of(frame)
        request_id = result.get("requestId")
        self.request_id = request_id if isinstance(request_id, str) else None
        self.attempts = parse_attempts(result)
        return None


class StreamOutcome:
    """``request_id`` and ``attempts`` of a stream (sync or async), set once it ended normally."""

    _progress: StreamProgress

    @property
    def request_id(self) -> str | None:
        return self._progress.request_id

    @property
    def attempts(self) -> list[Attempt]:
        return self._progress.attempts
