"""One engine child process: writes request frames, and one reader thread routes answers by call id."""

from __future__ import annotations

import logging
import queue
import subprocess
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .call_frames import result_of
from .errors import InternalError, LiterLLMError
from .find_engine import HOW_TO_GET_ONE
from .frames import encode_frame, read_frame

_log = logging.getLogger("liter_llm")

PROTOCOL_VERSION = "1.0.0"
CLIENT_INFO = {"name": "liter-llm-python", "version": "0.1.0"}

# What a call receives: an engine frame, or the exception that ended the engine.
Delivery = dict[str, Any] | LiterLLMError
# Where a call's deliveries go: a queue for a thread, an asyncio queue for a coroutine. Called on
# the reader thread, so it must not block.
Deliver = Callable[[Delivery], None]


class EngineProcess:
    def __init__(self, command: Sequence[str], env: dict[str, str]) -> None:
        try:
            self._process = subprocess.Popen(
                list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True
            )
        except OSError as error:
            raise InternalError(f"could not start the liter-llm engine {command[0]!r}: {error}; {HOW_TO_GET_ONE}") from None
        self.pid = self._process.pid
        self._lock = threading.Lock()
        self._calls: dict[int, Deliver] = {}
        self._next_id = 1
        self._dead: LiterLLMError | None = None
        self._reader = threading.Thread(target=self._read, name=f"liter-llm-engine-{self.pid}", daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        return self._dead is None

    def initialize(self, timeout: float) -> dict[str, Any]:
        result = self._request("initialize", {"protocolVersion": PROTOCOL_VERSION, "client": CLIENT_INFO}, timeout)
        major = str(result.get("protocolVersion", "")).split(".")[0]
        if major != PROTOCOL_VERSION.split(".")[0]:
            raise InternalError(
                f"protocol version mismatch: this binding speaks {PROTOCOL_VERSION}, the engine "
                f"{result.get('protocolVersion')}; use a binding and an engine of the same release"
            )
        return result

    def send(
        self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None, deliver: Deliver | None
    ) -> int:
        """Sends a call and returns its id. Its frames go to ``deliver`` in order; after its final frame
        (result or error) the call is forgotten, before that frame is delivered. Without ``deliver``
        the answer is dropped (its id is still unique, so it never reaches another call)."""
        with self._lock:
            if self._dead is not None:
                raise self._dead
            call_id = self._next_id
            self._next_id += 1
            if deliver is not None:
                self._calls[call_id] = deliver
            frame: dict[str, Any] = {"id": call_id, "method": method}
            if params is not None:
                frame["params"] = params
            if options:
                frame["options"] = options
            try:
                self._write(encode_frame(frame))
            except LiterLLMError:
                self._calls.pop(call_id, None)
                raise
        return call_id

    def cancel(self, call_id: int) -> None:
        """Asks the engine to abort a call (upstream too); the call still ends with its own final frame."""
        with self._lock:
            pending = call_id in self._calls and self._dead is None
        if pending:
            try:
                # Nobody waits for the cancel's own answer.
                self.send("cancel", {"id": call_id}, None, None)
            except LiterLLMError:
                pass

    def close(self, timeout: float = 5.0) -> None:
        """Shutdown (drains calls in flight), then the end of stdin, then terminate and kill if need be."""
        if self._dead is None:
            try:
                self._request("shutdown", None, timeout)
            except LiterLLMError:
                pass
        try:
            if self._process.stdin:
                self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._reader.join(timeout)
        if self._process.stdout:
            self._process.stdout.close()

    def _request(self, method: str, params: dict[str, Any] | None, timeout: float) -> dict[str, Any]:
        """A call of the engine's own (initialize, shutdown), answered by one frame."""
        answers: queue.Queue[Delivery] = queue.Queue()
        self.send(method, params, None, answers.put)
        try:
            delivery = answers.get(timeout=timeout)
        except queue.Empty:
            raise InternalError(f"the liter-llm engine (pid {self.pid}) did not answer {method} within {timeout} s") from None
        if isinstance(delivery, LiterLLMError):
            raise delivery
        return result_of(delivery)

    def _write(self, data: bytes) -> None:
        # Called with the lock held, so frames from many threads never interleave.
        stdin = self._process.stdin
        try:
            assert stdin is not None
            stdin.write(data)
            stdin.flush()
        except (OSError, ValueError) as error:
            raise InternalError(f"the liter-llm engine (pid {self.pid}) is not reading its input: {error}") from None

    def _read(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        reason = "its output ended"
        try:
            while True:
                frame = read_frame(stdout)
                if frame is None:
                    break
                call_id = frame.get("id")
                final = frame.get("type") != "event"
                with self._lock:
                    if not isinstance(call_id, int):
                        target = None
                    elif final:
                        target = self._calls.pop(call_id, None)
                    else:
                        target = self._calls.get(call_id)
                if target is not None:
                    target(frame)
                elif frame.get("type") == "error":
                    # id null: a frame the engine could not read, which means a bug in this binding.
                    _log.warning("the liter-llm engine rejected a frame: %s", frame.get("error"))
        except (OSError, ValueError) as error:
            reason = f"its output could not be read ({error})"
        code = self._process.wait()
        dead = InternalError(
            f"the liter-llm engine (pid {self.pid}) exited with code {code} while calls were in flight ({reason}); "
            "the next call starts a fresh engine"
        )
        with self._lock:
            self._dead = dead
            waiting = list(self._calls.values())
            self._calls.clear()
        for target in waiting:
            target(dead)
