"""``AsyncClient``: ``Client``'s surface for asyncio, over stdio or HTTP; cancelling a task cancels its call."""

from __future__ import annotations

import atexit
import os
import weakref
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from .async_chat_stream import AsyncChatStream
from .async_stdio_transport import AsyncStdioTransport
from .call_frames import result_of
from .call_params import call_options, chat_params, embed_params
from .client import check_mode
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
from .stdio_transport import EngineSupervisor
from .transport import AsyncCall, AsyncTransport


class AsyncClient:
    """The same arguments and calls as ``Client``, awaited. Over stdio the engine runs as a child
    process driven from the event loop (its start-up in a worker thread); over HTTP the calls use
    asyncio connections to the gateway. Use one AsyncClient per event loop."""

    def __init__(
        self,
        config: str | os.PathLike[str] | None = None,
        engine: str | Sequence[str] | None = None,
        env: dict[str, str] | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self._transport: AsyncTransport
        self._supervisor: EngineSupervisor | None = None
        if check_mode(config, engine, env, base_url, api_key):
            from .async_http_transport import AsyncHTTPTransport

            assert base_url is not None
            self._transport = AsyncHTTPTransport(base_url, api_key)
        else:
            self._supervisor = EngineSupervisor(config, engine, env)
            self._transport = AsyncStdioTransport(self._supervisor)
            # The engine is a child process: interpreter exit shuts it down even without aclose().
            atexit.register(_close_at_exit, weakref.ref(self._supervisor))

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    async def chat(
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
        params = chat_params(model, messages, max_tokens, temperature, tools, settings)
        return parse_chat_response(await self._call("chat", params, call_options(timeout, max_retries, request_id)))

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
    ) -> AsyncChatStream:
        """``async with client.chat_stream(...) as stream: async for event in stream: ...``"""
        params = chat_params(model, messages, max_tokens, temperature, tools, settings)
        options = call_options(timeout, max_retries, request_id)

        async def start() -> AsyncCall:
            return await self._transport.start("chat.stream", params, options)

        return AsyncChatStream(start)

    async def embed(
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
        return parse_embed_response(await self._call("embed", params, call_options(timeout, max_retries, request_id)))

    async def models(self) -> list[ModelInfo]:
        return parse_models(await self._call("models", None, None))

    async def stats(self) -> EngineStats:
        return parse_stats(await self._call("stats", None, None))

    async def aclose(self) -> None:
        """Shuts the engine down (calls in flight drain first), or closes the idle HTTP connections."""
        await self._transport.close()

    async def _call(self, method: str, params: dict[str, Any] | None, options: dict[str, Any] | None) -> dict[str, Any]:
        call = await self._transport.start(method, params, options)
        try:
            frame = await call.next_frame()
        except BaseException:
            # The task was cancelled: the call is cancelled upstream before CancelledError goes on.
            await call.cancel()
            raise
        return result_of(frame)


def _close_at_exit(reference: weakref.ref[EngineSupervisor]) -> None:
    supervisor = reference()
    if supervisor is not None:
        supervisor.close()
