"""``Client``: the engine as a lazily started child process, shared safely by many threads."""

from __future__ import annotations

import atexit
import os
import threading
import weakref
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from .chat_stream import ChatStream
from .engine_process import EngineProcess
from .find_engine import find_engine
from .results import ChatResponse, EmbedResponse, ModelInfo, parse_chat_response, parse_embed_response, parse_models
from .wire_names import to_wire

_INITIALIZE_TIMEOUT_SECONDS = 30.0


class Client:
    """The engine over stdio. ``env`` is added to this process's environment for the engine."""

    def __init__(
        self,
        config: str | os.PathLike[str] | None = None,
        engine: str | Sequence[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self._config = os.fspath(config) if config is not None else None
        self._engine_argument = engine
        self._env = {**os.environ, **(env or {})}
        self._lock = threading.Lock()
        self._process: EngineProcess | None = None
        self._closed = False
        # Interpreter exit shuts the engine down; the weak reference lets an unused client be collected.
        self._atexit = weakref.WeakMethod(self.close)
        atexit.register(_close_at_exit, self._atexit)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def chat(
        self,
        *,
        model: str,
        messages: Sequence[dict[str, Any]],
        max_tokens: int | None = None,
        temperature: float | None = None,
        tools: Sequence[dict[str, Any]] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        **settings: Any,
    ) -> ChatResponse:
        """``settings`` takes the other ChatRequest fields in snake_case (top_p, stop, tool_choice, ...)."""
        params = _chat_params(model, messages, max_tokens, temperature, tools, settings)
        return parse_chat_response(self._call("chat", params, _options(timeout, max_retries)))

    def chat_stream(
        self,
        *,
        model: str,
        messages: Sequence[dict[str, Any]],
        max_tokens: int | None = None,
        temperature: float | None = None,
        tools: Sequence[dict[str, Any]] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        **settings: Any,
    ) -> ChatStream:
        params = _chat_params(model, messages, max_tokens, temperature, tools, settings)
        engine = self._running_engine()
        return ChatStream(engine, engine.start("chat.stream", params, _options(timeout, max_retries)))

    def embed(
        self,
        *,
        model: str,
        input: str | Sequence[str],  # noqa: A002 - the canonical field name
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> EmbedResponse:
        params = {"model": model, "input": input if isinstance(input, str) else list(input)}
        return parse_embed_response(self._call("embed", params, _options(timeout, max_retries)))

    def models(self) -> list[ModelInfo]:
        return parse_models(self._call("models", None, None))

    def close(self) -> None:
        """Shuts the engine down (calls in flight drain first). The client can start a new one later."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            process.close()

    def _call(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> dict[str, Any]:
        engine = self._running_engine()
        call_id = engine.start(method, params, options)
        try:
            return engine.wait(call_id)
        except KeyboardInterrupt:
            # Ctrl-C: the call is aborted upstream too, then KeyboardInterrupt goes on as usual.
            engine.abandon(call_id)
            raise

    def _running_engine(self) -> EngineProcess:
        with self._lock:
            if self._process is not None and self._process.alive:
                return self._process
            if self._process is not None:
                # It died: reap it; the next engine starts fresh.
                self._process.close(timeout=1.0)
            command = [*find_engine(self._engine_argument, self._env), "engine", "--stdio"]
            if self._config is not None:
                command += ["--config", self._config]
            process = EngineProcess(command, self._env)
            try:
                process.initialize(_INITIALIZE_TIMEOUT_SECONDS)
            except BaseException:
                process.close(timeout=1.0)
                raise
            self._process = process
            return process


def _chat_params(
    model: str,
    messages: Sequence[dict[str, Any]],
    max_tokens: int | None,
    temperature: float | None,
    tools: Sequence[dict[str, Any]] | None,
    settings: dict[str, Any],
) -> dict[str, Any]:
    params: dict[str, Any] = {"model": model, "messages": list(messages), **settings}
    if max_tokens is not None:
        params["max_tokens"] = max_tokens
    if temperature is not None:
        params["temperature"] = temperature
    if tools is not None:
        params["tools"] = list(tools)
    return to_wire(params)


def _options(timeout: float | None, max_retries: int | None) -> dict[str, Any] | None:
    """The call's options: ``timeout`` in seconds bounds the whole call, retries and fallbacks included."""
    options: dict[str, Any] = {}
    if timeout is not None:
        options["timeoutMs"] = round(timeout * 1000)
    if max_retries is not None:
        options["maxRetries"] = max_retries
    return options or None


def _close_at_exit(reference: weakref.WeakMethod[Any]) -> None:
    close = reference()
    if close is not None:
        close()
