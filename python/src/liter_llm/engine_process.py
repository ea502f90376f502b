"""One engine child process: writes request frames, and one reader thread routes answers by call id."""

from __future__ import annotations

import logging
import queue
import subprocess
import threading
from collections.abc import Sequence
from typing import Any

from .errors import InternalError, LiterLLMError, error_from_frame
from .find_engine import HOW_TO_GET_ONE
from .frames import encode_frame, read_frame

_log = logging.getLogger("liter_llm")

PROTOCOL_VERSION = "1.0.0"
CLIENT_INFO = {"name": "liter-llm-python", "version": "0.1.0"}

# What a call's queue receives: an engine frame, or the exception that ended the engine.
Delivery = dict[str, Any] | LiterLLMError


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
        self._calls: dict[int, queue.Queue[Delivery]] = {}
        self._next_id = 1
        self._dead: LiterLLMError | None = None
        self._reader = threading.Thread(target=self._read, name=f"liter-llm-engine-{self.pid}", daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        return self._dead is None

    def initialize(self, timeout: float) -> dict[str, Any]:
        result = self.wait(self.start("initialize", {"protocolVersion": PROTOCOL_VERSION, "client": CLIENT_INFO}), timeout)
        major = str(result.get("protocolVersion", "")).split(".")[0]
        if major != PROTOCOL_VERSION.split(".")[0]:
            raise InternalError(
                f"protocol version mismatch: this binding speaks {PROTOCOL_VERSION}, the engine "
                f"{result.get('protocolVersion')}; use a binding and an engine of the same release"
            )
        return result

    def start(self, method: str, params: dict[str, Any] | None = None, options: dict[str, Any] | None = None) -> int:
        """Sends a call and returns its id; its frames arrive through ``next_frame``."""
        with self._lock:
            if self._dead is not None:
                raise self._dead
            call_id = self._next_id
            self._next_id += 1
            self._calls[call_id] = queue.Queue()
            frame: dict[str, Any] = {"id": call_id, "method": method}
            if params is not None:
                frame["params"] = params
            if options:
                frame["options"] = options
            self._write(encode_frame(frame))
        return call_id

    def next_frame(self, call_id: int, timeout: float | None = None) -> dict[str, Any]:
        """The call's next frame; an error frame is raised, and a final frame forgets the call."""
        try:
            delivery = self._calls[call_id].get(timeout=timeout)
        except queue.Empty:
            raise InternalError(f"the engine did not answer call {call_id} within {timeout} s") from None
        if isinstance(delivery, LiterLLMError):
            self._forget(call_id)
            raise delivery
        if delivery.get("type") != "event":
            self._forget(call_id)
        if delivery.get("type") == "error":
            raise error_from_frame(delivery.get("error") or {})
        return delivery

    def wait(self, call_id: int, timeout: float | None = None) -> dict[str, Any]:
        """The result of a call that sends no events."""
        frame = self.next_frame(call_id, timeout)
        result = frame.get("result")
        return result if isinstance(result, dict) else {}

    def abandon(self, call_id: int, timeout: float = 10.0) -> None:
        """Cancels a call nobody will read any more (a stream left early, Ctrl-C) and drains it to its
        final frame, so the engine has aborted it upstream and freed its permit when this returns."""
        if call_id not in self._calls:
            return
        if self._dead is None:
            try:
                # Nobody waits for the cancel's own answer.
                self._forget(self.start("cancel", {"id": call_id}))
            except LiterLLMError:
                pass
        try:
            while self.next_frame(call_id, timeout).get("type") == "event":
                pass
        except LiterLLMError:
            pass

    def close(self, timeout: float = 5.0) -> None:
        """Shutdown (drains calls in flight), then the end of stdin, then terminate and kill if need be."""
        if self._dead is None:
            try:
                self.wait(self.start("shutdown"), timeout)
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

    def _write(self, data: bytes) -> None:
        # Called with the lock held, so frames from many threads never interleave.
        stdin = self._process.stdin
        try:
            assert stdin is not None
            stdin.write(data)
            stdin.flush()
        except (OSError, ValueError) as error:
            raise InternalError(f"the liter-llm engine (pid {self.pid}) is not reading its input: {error}") from None

    def _forget(self, call_id: int) -> None:
        with self._lock:
            self._calls.pop(call_id, None)

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
                with self._lock:
                    target = self._calls.get(call_id) if isinstance(call_id, int) else None
                if target is not None:
                    target.put(frame)
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
        for target in waiting:
            target.put(dead)
