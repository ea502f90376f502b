"""The public API, the same in both modes: every test runs over stdio and over HTTP (a gateway)."""

from __future__ import annotations

import builtins
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from conftest import MODEL, Servers, nothing_in_flight, wait_until
from liter_llm import (
    Client,
    InvalidRequestError,
    LiterLLMError,
    RateLimitedError,
    TimeoutError,
)

HI = [{"role": "user", "content": "Hi"}]
CONFIG_WITH_ROUTE = (
    "    models: [ gpt-6-luna ]\n"
    "routes:\n"
    "  chat-default:\n"
    "    targets:\n"
    "      - { provider: openai, model: gpt-6-luna }\n"
)


def test_chat_returns_a_typed_response(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client()
    response = client.chat(model=MODEL, messages=HI, max_tokens=20, temperature=0.2)
    assert response.text
    assert response.finish_reason == "stop"
    assert response.provider == "openai"
    assert response.model
    assert response.usage.input_tokens > 0
    assert response.usage.output_tokens > 0
    assert response.tool_calls == []
    assert [attempt.outcome for attempt in response.attempts] == ["ok"]
    assert [attempt.provider for attempt in response.attempts] == ["openai"]


def test_stream_yields_typed_events_in_order(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client()
    with client.chat_stream(model=MODEL, messages=HI) as stream:
        events = list(stream)
    kinds = [event.type for event in events]
    assert kinds[0] == "start" and kinds[-1] == "finish"
    text = "".join(event.text or "" for event in events if event.type == "text-delta")
    assert text == client.chat(model=MODEL, messages=HI).text
    assert events[-1].usage is not None and events[-1].usage.output_tokens > 0
    assert [attempt.outcome for attempt in stream.attempts] == ["ok"]
    assert stream.request_id


WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "The weather in a city",
    "parameters": {"type": "object", "properties": {"city_name": {"type": "string"}}, "required": ["city_name"]},
}


def test_tools_give_typed_tool_calls_in_chat_and_stream(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client()
    response = client.chat(model=MODEL, messages=HI, tools=[WEATHER_TOOL], tool_choice="required")
    assert response.finish_reason == "tool_calls"
    assert [(call.name, call.arguments) for call in response.tool_calls] == [("get_weather", "{}")]
    assert response.tool_calls[0].id
    with client.chat_stream(model=MODEL, messages=HI, tools=[WEATHER_TOOL], tool_choice="required") as stream:
        events = list(stream)
    ends = [event for event in events if event.type == "tool-call-end"]
    assert [(event.name, event.arguments) for event in ends] == [("get_weather", "{}")]
    assert events[-1].finish_reason == "tool_calls"


def test_embed_returns_one_float_vector_per_input(make_any_client: Callable[..., Client]) -> None:
    response = make_any_client().embed(model="openai/text-embedding-3-small", input=["a", "b"])
    assert len(response.embeddings) == 2
    assert all(isinstance(number, float) for vector in response.embeddings for number in vector)
    assert len(response.embeddings[0]) > 0
    assert response.provider == "openai"


def test_models_lists_the_config_routes_and_models(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client(extra=CONFIG_WITH_ROUTE)
    models = {(model.id, model.kind) for model in client.models()}
    assert models == {("chat-default", "route"), ("openai/gpt-6-luna", "provider-model")}
    assert client.chat(model="chat-default", messages=HI).provider == "openai"


def test_stats_names_each_provider_and_its_load(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client("--latency-ms", "400")
    done = threading.Event()

    def call() -> None:
        client.chat(model=MODEL, messages=HI)
        done.set()

    threading.Thread(target=call, daemon=True).start()
    assert wait_until(lambda: [(p.name, p.in_flight) for p in client.stats().providers] == [("openai", 1)])
    assert client.stats().providers[0].max_concurrency > 0
    assert done.wait(10)
    assert nothing_in_flight(client)


def test_429_with_retry_after_is_rate_limited(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client("--status", "429", "--retry-after", "2", fresh=True)
    with pytest.raises(RateLimitedError) as caught:
        client.chat(model=MODEL, messages=HI, max_retries=0)
    error = caught.value
    assert error.code == "rate_limited"
    assert error.retry_after == 2.0
    assert error.status_code == 429
    assert error.provider == "openai"
    assert error.retryable is True


def test_a_failed_stream_raises_the_same_error(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client("--status", "429", "--retry-after", "2", fresh=True)
    with pytest.raises(RateLimitedError) as caught:
        with client.chat_stream(model=MODEL, messages=HI, max_retries=0) as stream:
            list(stream)
    assert caught.value.retry_after == 2.0 and caught.value.status_code == 429


def test_400_is_invalid_request(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client("--status", "400")
    with pytest.raises(InvalidRequestError) as caught:
        client.chat(model=MODEL, messages=HI)
    assert caught.value.status_code == 400
    assert caught.value.retryable is False


def test_a_bad_request_is_invalid_request_naming_the_field(make_any_client: Callable[..., Client]) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        make_any_client().chat(model=MODEL, messages=[{"role": "user", "content": 7}])
    assert caught.value.param == "params.messages[0].content"


def test_a_call_over_its_timeout_raises_timeout_error(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client("--latency-ms", "3000")
    started = time.monotonic()
    with pytest.raises(TimeoutError) as caught:
        client.chat(model=MODEL, messages=HI, timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert isinstance(caught.value, builtins.TimeoutError) and isinstance(caught.value, LiterLLMError)
    assert caught.value.code == "timeout"


def test_timeout_error_is_also_the_builtin_timeout_error() -> None:
    from liter_llm.errors import error_from_frame

    error = error_from_frame({"code": "timeout", "message": "slow", "retryable": True, "retryAfterMs": 1500})
    assert isinstance(error, TimeoutError) and isinstance(error, builtins.TimeoutError) and isinstance(error, LiterLLMError)
    assert error.retry_after == 1.5


def test_leaving_a_stream_early_cancels_it_upstream(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client("--latency-ms", "3000")
    client.models()  # the engine is up, so the timing below is the stream's alone
    started = time.monotonic()
    with client.chat_stream(model=MODEL, messages=HI) as stream:
        # The call is under way upstream (the mock answers after 3 s) when the block is left.
        assert wait_until(lambda: not nothing_in_flight(client))
    assert stream.attempts == []
    # Cancelled: the engine ended the call without waiting for the provider's 3 s answer.
    assert wait_until(lambda: nothing_in_flight(client), 1.0)
    assert time.monotonic() - started < 2.0


def test_breaking_out_of_a_stream_frees_the_call_and_the_client_goes_on(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client()
    with client.chat_stream(model=MODEL, messages=HI) as stream:
        for event in stream:
            assert event.type == "start"
            break
    assert wait_until(lambda: nothing_in_flight(client))
    assert client.chat(model=MODEL, messages=HI).text


def test_concurrent_calls_from_threads_share_one_client(make_any_client: Callable[..., Client]) -> None:
    client = make_any_client("--latency-ms", "250")
    client.models()
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def call(index: int) -> None:
        try:
            if index % 2:
                with client.chat_stream(model=MODEL, messages=[{"role": "user", "content": f"question {index}"}]) as stream:
                    results[index] = "".join(event.text or "" for event in stream if event.type == "text-delta")
            else:
                results[index] = client.chat(model=MODEL, messages=[{"role": "user", "content": f"question {index}"}]).text
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=call, args=(index,), daemon=True) for index in range(16)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(results) == 16
    # Every answer is its own question's (the mock echoes it), not another thread's.
    assert all(f"question {index}" in text for index, text in results.items()), results
    # Multiplexed, not serialised: one after the other, 16 calls of 250 ms each would take 4 s.
    assert time.monotonic() - started < 2.5


def test_ctrl_c_during_a_call_cancels_it_upstream_and_raises_keyboard_interrupt(servers: Servers, mode: str) -> None:
    script = (
        "import time\n"
        "from liter_llm import Client\n"
        f"client = {servers.client_source(mode, '--latency-ms', '3000')}\n"
        "client.models()\n"
        "print('calling', flush=True)\n"
        "started = time.monotonic()\n"
        "try:\n"
        f"    client.chat(model={MODEL!r}, messages=[{{'role': 'user', 'content': 'Hi'}}])\n"
        "except KeyboardInterrupt:\n"
        "    interrupted = round(time.monotonic() - started, 2)\n"
        "    while client.stats().providers[0].in_flight and time.monotonic() - started < 5:\n"
        "        time.sleep(0.02)\n"
        "    print('interrupted', interrupted, round(time.monotonic() - started, 2), client.stats().providers[0].in_flight)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "calling"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=20)
    words = output.split()
    assert words[0] == "interrupted", output
    # Cancelled, not waited for: the provider would answer after 3 s; the call was freed well before.
    assert float(words[1]) < 1.5, output
    assert float(words[2]) < 2.5 and words[3] == "0", output
