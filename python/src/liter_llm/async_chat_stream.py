"""``AsyncClient.chat_stream``: ``async with`` / ``async for`` over one ``chat.stream`` call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING

from .call_frames import StreamOutcome, StreamProgress
from .errors import LiterLLMError
from .results import StreamEvent

if TYPE_CHECKING:
    from .transport import AsyncCall


class AsyncChatStream(StreamOutcome):
    """The call starts on entering ``async with`` (or at the first event). Leaving the block before the
    end, ``aclose()``, or cancelling the task cancels the call upstream. Use the ``async with`` form:
    a ``break`` out of a bare ``async for`` cannot close the stream (Python has no hook for it)."""

    def __init__(self, start: Callable[[], Awaitable[AsyncCall]]) -> None:
        self._start = start
        self._call: AsyncCall | None = None
        self._progress = StreamProgress()

    async def __aenter__(self) -> AsyncChatStream:
        await self._started()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncChatStream:
        return self

    async def __anext__(self) -> StreamEvent:
        while not self._progress.done:
            call = await self._started()
            try:
                event = self._progress.take(await call.next_frame())
            except LiterLLMError:
                self._progress.done = True
                raise
            except BaseException:
                # The task was cancelled while waiting: cancel upstream, then let CancelledError through.
                await self.aclose()
                raise
            if event is not None:
                return event
        raise StopAsyncIteration

    async def aclose(self) -> None:
        if self._progress.done:
            return
        self._progress.done = True
        if self._call is not None:
            await self._call.cancel()

    async def _started(self) -> AsyncCall:
        if self._call is None:
            self._call = await self._start()
        return self._call
