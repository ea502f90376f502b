"""The engine over stdio for ``AsyncClient``: the same engine process, its frames handed to the event loop.

The engine's reader thread puts each frame on the call's asyncio queue through
``call_soon_threadsafe``, so a coroutine awaits its frames without a thread of its own and the loop
is never blocked on the pipe. Starting the engine (a process and its handshake, a few hundred ms)
runs in a worker thread. Writing a request frame happens on the loop: the engine reads its input
all the time, so a write only waits for a request larger than the pipe's buffer.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .engine_process import Delivery, EngineProcess
from .errors import LiterLLMError
from .stdio_transport import CANCEL_TIMEOUT_SECONDS, EngineSupervisor, frame_of


class AsyncStdioCall:
    def __init__(
        self, engine: EngineProcess, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None
    ) -> None:
        loop = asyncio.get_running_loop()
        self._engine = engine
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._ended = False

        def deliver(delivery: Delivery) -> None:
            try:
                loop.call_soon_threadsafe(self._queue.put_nowait, delivery)
            except RuntimeError:
                pass  # the loop is closed: nobody awaits this call any more

        self.id = engine.send(method, params, options, deliver)

    async def next_frame(self) -> dict[str, Any]:
        delivery = await self._queue.get()
        self._ended = True  # until the frame says otherwise: the engine's death ends the call too
        frame = frame_of(delivery)
        self._ended = frame.get("type") != "event"
        return frame

    async def cancel(self) -> None:
        """Cancels the call and awaits its final frame: the engine has aborted it upstream and freed its
        permit when this returns (milliseconds), so a cancelled task leaves nothing running."""
        if self._ended:
            return
        self._engine.cancel(self.id)
        try:
            async with asyncio.timeout(CANCEL_TIMEOUT_SECONDS):
                while (await self.next_frame()).get("type") == "event":
                    pass
        except (LiterLLMError, TimeoutError):
            pass


class AsyncStdioTransport:
    def __init__(self, supervisor: EngineSupervisor) -> None:
        self.supervisor = supervisor

    async def start(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> AsyncStdioCall:
        process = self.supervisor.process
        if process is None or not process.alive:
            process = await asyncio.to_thread(self.supervisor.running)
        return AsyncStdioCall(process, method, params, options)

    async def close(self) -> None:
        await asyncio.to_thread(self.supervisor.close)
