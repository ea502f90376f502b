"""``Client``: the engine as a lazily started child process, or a gateway over HTTP; safe to share across threads."""

from __future__ import annotations

import atexit
import os
import weakref
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from .call_frames import result_of
from .call_params import call_options, chat_params, embed_params
from .chat_stream import ChatStream
from .results import (
    ChatResponse,
    EmbedResponse,
    EngineStats,
    ModelInfo,
    parse_chat_response,
    parse_embed_response,
    parse_models,
    parse_stats,
)
from .stdio_transport import EngineSupervisor, StdioTransport
from .transport import Transport


class Client:
    """The engine over stdio (``config``, ``engine``, ``env``), or a gateway over HTTP (``base_url``, ``api_key``).

    Over stdio, ``env`` is added to this process's environment for the engine; without ``config`` the
    engine configures itself from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) as the CLI
    does. Over HTTP the calls go to the gateway's ``/v1/engine`` endpoints, which run them on the
    gateway's engine: the same results, stream events and exceptions as over stdio.
    """

    def __init__(
        self,
        config: str | os.PathLike[str] | None = None,
        engine: str | Sequence[str] | None = None,
        env: dict[str, str] | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self._transport: Transport = open_transport(config, engine, env, base_url, api_key)
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
        request_id: str | None = None,
        **settings: Any,
    ) -> ChatResponse:
        """``settings`` takes the other ChatRequest fields in snake_case (top_p, stop, tool_choice, ...).
        ``timeout`` (seconds) bounds the whole call, retries and fallbacks included."""
        params = chat_params(model, messages, max_tokens, temperature, tools, settings)
        return parse_chat_response(self._call("chat", params, call_options(timeout, max_retries, request_id)))

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
        request_id: str | None = None,
        **settings: Any,
    ) -> ChatStream:
        params = chat_params(model, messages, max_tokens, temperature, tools, settings)
        return ChatStream(self._transport.start("chat.stream", params, call_options(timeout, max_retries, request_id)))

    def embed(
        self,
        *,
        model: str,
        input: str | Sequence[str],  # noqa: A002 - the canonical field name
        timeout: float | None = None,
        max_retries: int | None = None,
        request_id: str | None = None,
        **settings: Any,
    ) -> EmbedResponse:
        params = embed_params(model, input, settings)
        return parse_embed_response(self._call("embed", params, call_options(timeout, max_retries, request_id)))

    def models(self) -> list[ModelInfo]:
        return parse_models(self._call("models", None, None))

    def stats(self) -> EngineStats:
        """Each provider's calls in flight, calls queued for a permit, and its concurrency limit."""
        return parse_stats(self._call("stats", None, None))

    def close(self) -> None:
        """Shuts the engine down (calls in flight drain first), or closes the idle HTTP connections.
        The client can still be used: a later call starts a new engine (or connection)."""
        self._transport.close()

    def _call(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> dict[str, Any]:
        call = self._transport.start(method, params, options)
        try:
            frame = call.next_frame()
        except BaseException:
            # Ctrl-C: the call is aborted upstream too, then KeyboardInterrupt goes on as usual.
            call.cancel()
            raise
        return result_of(frame)


def open_transport(
    config: str | os.PathLike[str] | None,
    engine: str | Sequence[str] | None,
    env: dict[str, str] | None,
    base_url: str | None,
    api_key: str | None,
) -> Transport:
    if not check_mode(config, engine, env, base_url, api_key):
        return StdioTransport(EngineSupervisor(config, engine, env))
    # Imported here: a program that only runs the engine over stdio does not pay for http.client.
    from .http_transport import HTTPTransport

    assert base_url is not None
    return HTTPTransport(base_url, api_key)


def check_mode(
    config: str | os.PathLike[str] | None,
    engine: str | Sequence[str] | None,
    env: dict[str, str] | None,
    base_url: str | None,
    api_key: str | None,
) -> bool:
    """True for HTTP mode (``base_url``), False for stdio; arguments of both modes at once are an error."""
    from .errors import InvalidRequestError

    if base_url is None:
        if api_key is not None:
            raise InvalidRequestError(
                "Client: api_key is for a gateway; pass base_url too (without base_url the client runs the engine itself)",
                param="api_key",
            )
        return False
    for name, value in (("config", config), ("engine", engine), ("env", env)):
        if value is not None:
            raise InvalidRequestError(
                f"Client: {name} configures an engine run over stdio and cannot be combined with base_url (a gateway)",
                param=name,
            )
    return True


def _close_at_exit(reference: weakref.WeakMethod[Any]) -> None:
    close = reference()
    if close is not None:
        close()
