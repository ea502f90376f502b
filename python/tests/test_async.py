"""AsyncClient in both modes: the same results and errors awaited, and cancelling a task cancels its call."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from conftest import ENGINE, GATEWAY_KEY, MODEL, Servers, engine_pids
from liter_llm import AsyncClient, RateLimitedError, StreamEvent
from liter_llm import TimeoutError as LiterTimeoutError

HI = [{"role": "user", "content": "Hi"}]
T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture
def make_async_client(servers: Servers, mode: str) -> Iterator[Callable[..., AsyncClient]]:
    clients: list[AsyncClient] = []

    def make(*flags: str, fresh: bool = False) -> AsyncClient:
        if mode == "http":
            client = AsyncClient(base_url=servers.gateway(*flags, fresh=fresh), api_key=GATEWAY_KEY)
        else:
            client = AsyncClient(config=servers.config(*flags), engine=ENGINE)
        clients.append(client)
        return client

    yield make
    for client in clients:
        asyncio.run(client.aclose())


async def nothing_in_flight(client: AsyncClient, seconds: float = 1.0) -> bool:
    deadline = time.monotonic() + seconds
    while any(provider.in_flight for provider in (await client.stats()).providers):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def something_in_flight(client: AsyncClient) -> None:
    while not any(provider.in_flight for provider in (await client.stats()).providers):
        await asyncio.sleep(0.02)


def test_chat_stream_embed_models_and_stats_are_awaited(make_async_client: Callable[..., AsyncClient]) -> None:
    async def scenario() -> None:
        async with make_async_client() as client:
            response = await client.chat(model=MODEL, messages=HI, max_tokens=20)
            assert response.text and response.finish_reason == "stop" and response.usage.output_tokens > 0
            assert [attempt.outcome for attempt in response.attempts] == ["ok"]
            events: list[StreamEvent] = []
            async with client.chat_stream(model=MODEL, messages=HI) as stream:
                async for event in stream:
                    events.append(event)
            assert [events[0].type, events[-1].type] == ["start", "finish"]
            assert "".join(event.text or "" for event in events if event.type == "text-delta") == response.text
            assert [attempt.outcome for attempt in stream.attempts] == ["ok"]
            embedded = await client.embed(model="openai/text-embedding-3-small", input=["a", "b"])
            assert len(embedded.embeddings) == 2
            assert await client.models() == []
            assert [provider.name for provider in (await client.stats()).providers] == ["openai"]

    run(scenario())


def test_errors_are_the_same_exceptions(make_async_client: Callable[..., AsyncClient]) -> None:
    async def scenario() -> None:
        client = make_async_client("--status", "429", "--retry-after", "2", fresh=True)
        with pytest.raises(RateLimitedError) as caught:
            await client.chat(model=MODEL, messages=HI, max_retries=0)
        assert (caught.value.retry_after, caught.value.status_code, caught.value.provider) == (2.0, 429, "openai")
        with pytest.raises(RateLimitedError):
            async with client.chat_stream(model=MODEL, messages=HI, max_retries=0) as stream:
                async for _ in stream:
                    pass

    run(scenario())


def test_a_call_over_its_timeout_raises_timeout_error(make_async_client: Callable[..., AsyncClient]) -> None:
    async def scenario() -> None:
        client = make_async_client("--latency-ms", "3000")
        with pytest.raises(LiterTimeoutError):
            await client.chat(model=MODEL, messages=HI, timeout=0.5)

    run(scenario())


def test_cancelling_the_task_cancels_the_call_upstream(make_async_client: Callable[..., AsyncClient]) -> None:
    async def scenario() -> None:
        client = make_async_client("--latency-ms", "3000")
        task = asyncio.create_task(client.chat(model=MODEL, messages=HI))
        await asyncio.wait_for(something_in_flight(client), 10)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # Freed at the engine well before the provider's 3 s answer.
        assert await nothing_in_flight(client)
        assert time.monotonic() - started < 1.5
        # wait_for's deadline cancels the same way, and the client goes on.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.chat(model=MODEL, messages=HI), 0.3)
        assert await nothing_in_flight(client)

    run(scenario())


def test_cancelling_a_task_reading_a_stream_cancels_the_stream(make_async_client: Callable[..., AsyncClient]) -> None:
    async def scenario() -> None:
        client = make_async_client("--latency-ms", "3000")

        async def read() -> None:
            async with client.chat_stream(model=MODEL, messages=HI) as stream:
                async for _ in stream:
                    pass

        task = asyncio.create_task(read())
        await asyncio.wait_for(something_in_flight(client), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await nothing_in_flight(client)

    run(scenario())


def test_leaving_a_stream_block_early_cancels_it(make_async_client: Callable[..., AsyncClient]) -> None:
    async def scenario() -> None:
        client = make_async_client()
        async with client.chat_stream(model=MODEL, messages=HI) as stream:
            async for event in stream:
                assert event.type == "start"
                break
        assert await nothing_in_flight(client)
        assert (await client.chat(model=MODEL, messages=HI)).text

    run(scenario())


def test_many_tasks_share_one_client_concurrently(make_async_client: Callable[..., AsyncClient]) -> None:
    async def scenario() -> None:
        client = make_async_client("--latency-ms", "250")
        await client.models()
        started = time.monotonic()
        texts = await asyncio.gather(
            *(client.chat(model=MODEL, messages=[{"role": "user", "content": f"question {index}"}]) for index in range(32))
        )
        # Concurrent on one client: one after the other, 32 calls of 250 ms would take 8 s.
        assert time.monotonic() - started < 2.5
        assert all(f"question {index}" in response.text for index, response in enumerate(texts))

    run(scenario())


def test_the_event_loop_runs_while_the_engine_starts_and_calls_wait(servers: Servers) -> None:
    async def scenario() -> float:
        gaps: list[float] = []
        running = True

        async def tick() -> None:
            last = time.monotonic()
            while running:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        ticker = asyncio.create_task(tick())
        client = AsyncClient(config=servers.config("--latency-ms", "300"), engine=ENGINE)
        await client.chat(model=MODEL, messages=HI)  # starts the engine (hundreds of ms), then waits 300 ms
        running = False
        await ticker
        await client.aclose()
        return max(gaps)

    assert run(scenario()) < 0.25
    assert engine_pids() == set()
