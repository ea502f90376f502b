"""``Client.chat_stream``: a context manager over one ``chat.stream`` call's event frames."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import TYPE_CHECKING

from .call_frames import StreamOutcome, StreamProgress
from .errors import LiterLLMError
from .results import StreamEvent

if TYPE_CHECKING:
    from .transport import Call


class ChatStream(StreamOutcome):
    """Iterate for events; leaving the ``with`` block (or ``close()``) before the end cancels the call upstream.

    ``attempts`` and ``request_id`` are set once the stream ended normally."""

    def __init__(self, call: Call) -> None:
        self._call = call
        self._progress = StreamProgress()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[StreamEvent]:
        while not self._progress.done:
            try:
                event = self._progress.take(self._call.next_frame())
            except LiterLLMError:
                self._progress.done = True
                raise
            except BaseException:
                # Ctrl-C while waiting: cancel upstream, then let KeyboardInterrupt through.
                self.close()
                raise
            if event is not None:
                try:
                    yield event
                except GeneratorExit:
                    # The loop was left (break, or the iterator dropped) without the with block: still cancel.
                    self.close()
                    raise

    def close(self) -> None:
        if self._progress.done:
            return
        self._progress.done = True
        self._call.cancel()
