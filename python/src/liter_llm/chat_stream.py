"""``Client.chat_stream``: a context manager over one ``chat.stream`` call's event frames."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .errors import LiterLLMError
from .results import Attempt, StreamEvent, parse_attempts, parse_stream_event

if TYPE_CHECKING:
    from .engine_process import EngineProcess

class ChatStream:
    """Iterate for events; leaving the ``with`` block (or ``close()``) before the end cancels the call upstream."""

    def __init__(self, engine: EngineProcess, call_id: int) -> None:
        self._engine = engine
        self._call_id = call_id
        self._done = False
        self.request_id: str | None = None
        self.attempts: list[Attempt] = []

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[StreamEvent]:
        while not self._done:
            try:
                frame = self._engine.next_frame(self._call_id)
            except LiterLLMError:
                self._done = True
                raise
            except BaseException:
                # Ctrl-C while waiting: cancel upstream, then let KeyboardInterrupt through.
                self.close()
                raise
            if frame.get("type") == "event":
                yield parse_stream_event(frame.get("event") or {})
                continue
            self._done = True
            result: dict[str, Any] = frame.get("result") or {}
            self.request_id = result.get("requestId")
            self.attempts = parse_attempts(result)

    def close(self) -> None:
        if self._done:
            return
        self._done = True
        self._engine.abandon(self._call_id)
