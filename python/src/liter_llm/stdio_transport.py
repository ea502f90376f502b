"""The engine over stdio: one lazily started child process per client, restarted after it died."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Sequence
from typing import Any

from .engine_process import Delivery, EngineProcess
from .errors import InternalError, LiterLLMError
from .find_engine import find_engine

_INITIALIZE_TIMEOUT_SECONDS = 30.0
# How long cancelling waits for the engine to confirm the call ended (it answers in milliseconds).
CANCEL_TIMEOUT_SECONDS = 10.0


class EngineSupervisor:
    """Starts the engine on first use and again after it died; shared by ``Client`` and ``AsyncClient``."""

    def __init__(
        self,
        config: str | os.PathLike[str] | None,
        engine: str | Sequence[str] | None,
        env: dict[str, str] | None,
    ) -> None:
        self._config = os.fspath(config) if config is not None else None
        self._engine_argument = engine
        self._env = {**os.environ, **(env or {})}
        # The engine shares this program's stderr: as a library it keeps to warnings and errors there,
        # unless the user asks for its per-request lines (LITER_LLM_LOG_LEVEL=info).
        self._env.setdefault("LITER_LLM_LOG_LEVEL", "warn")
        self._lock = threading.Lock()
        self.process: EngineProcess | None = None

    def running(self) -> EngineProcess:
        """The live engine, started (and its handshake done) if need be. Blocks while it starts."""
        with self._lock:
            if self.process is not None and self.process.alive:
                return self.process
            if self.process is not None:
                # It died: reap it; the next engine starts fresh.
                self.process.close(timeout=1.0)
            command = [*find_engine(self._engine_argument, self._env), "engine", "--stdio"]
            if self._config is not None:
                command += ["--config", self._config]
            process = EngineProcess(command, self._env)
            try:
                process.initialize(_INITIALIZE_TIMEOUT_SECONDS)
            except BaseException:
                process.close(timeout=1.0)
                raise
            self.process = process
            return process

    def close(self) -> None:
        """Shuts the engine down (calls in flight drain first). A later call starts a new one."""
        with self._lock:
            process, self.process = self.process, None
        if process is not None:
            process.close()


class StdioCall:
    """One call's frames, delivered by the engine's reader thread into a queue."""

    def __init__(
        self, engine: EngineProcess, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None
    ) -> None:
        self._engine = engine
        self._queue: queue.Queue[Delivery] = queue.Queue()
        self._ended = False
        self.id = engine.send(method, params, options, self._queue.put)

    def next_frame(self, timeout: float | None = None) -> dict[str, Any]:
        try:
            delivery = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise InternalError(f"the engine did not answer call {self.id} within {timeout} s") from None
        self._ended = True  # until the frame says otherwise: the engine's death ends the call too
        frame = frame_of(delivery)
        self._ended = frame.get("type") != "event"
        return frame

    def cancel(self) -> None:
        """Cancels the call and reads it to its final frame, so that when this returns the engine has
        aborted it upstream and freed its permit."""
        if self._ended:
            return
        self._engine.cancel(self.id)
        try:
            while self.next_frame(CANCEL_TIMEOUT_SECONDS).get("type") == "event":
                pass
        except LiterLLMError:
            pass


def frame_of(delivery: Delivery) -> dict[str, Any]:
    """The frame delivered, or the engine's death raised."""
    if isinstance(delivery, LiterLLMError):
        raise delivery
    return delivery


class StdioTransport:
    def __init__(self, supervisor: EngineSupervisor) -> None:
        self.supervisor = supervisor

    def start(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> StdioCall:
        return StdioCall(self.supervisor.running(), method, params, options)

    def close(self) -> None:
        self.supervisor.close()
