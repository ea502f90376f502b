from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ENGINE, MODEL, engine_of, engine_pids
from liter_llm import Client, InternalError, InvalidRequestError, LiterLLMError, RateLimitedError

HI = [{"role": "user", "content": "Hi"}]


def test_chat_returns_a_typed_response(make_client: Callable[..., Client]) -> None:
    client = make_client()
    response = client.chat(model=MODEL, messages=HI, max_tokens=20, temperature=0.2)
    assert response.text
    assert response.finish_reason == "stop"
    assert response.provider == "openai"
    assert response.model
    assert response.usage.input_tokens > 0
    assert response.usage.output_tokens > 0
    assert response.tool_calls == []
    assert [attempt.outcome for attempt in response.attempts] == ["ok"]


def test_stream_yields_typed_events_in_order(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with client.chat_stream(model=MODEL, messages=HI) as stream:
        events = list(stream)
    kinds = [event.type for event in events]
    assert kinds[0] == "start" and kinds[-1] == "finish"
    text = "".join(event.text or "" for event in events if event.type == "text-delta")
    assert text == client.chat(model=MODEL, messages=HI).text
    assert events[-1].usage is not None and events[-1].usage.output_tokens > 0
    assert [attempt.outcome for attempt in stream.attempts] == ["ok"]


def test_embed_returns_one_float_vector_per_input(make_client: Callable[..., Client]) -> None:
    response = make_client().embed(model="openai/text-embedding-3-small", input=["a", "b"])
    assert len(response.embeddings) == 2
    assert all(isinstance(number, float) for vector in response.embeddings for number in vector)
    assert len(response.embeddings[0]) > 0


def test_models_lists_the_config_routes_and_models(mock_url: Callable[..., str], tmp_path: Path) -> None:
    config = tmp_path / "liter-llm.yaml"
    config.write_text(
        "providers:\n"
        "  openai:\n"
        "    base_url: ${OPENAI_BASE_URL}\n"
        "    models: [ gpt-6-luna ]\n"
        "routes:\n"
        "  chat-default:\n"
        "    targets:\n"
        "      - { provider: openai, model: gpt-6-luna }\n"
    )
    with Client(config=config, engine=ENGINE, env={"OPENAI_BASE_URL": mock_url()}) as client:
        models = {(model.id, model.kind) for model in client.models()}
        assert models == {("chat-default", "route"), ("openai/gpt-6-luna", "provider-model")}
        assert client.chat(model="chat-default", messages=HI).provider == "openai"


def test_429_with_retry_after_is_rate_limited(make_client: Callable[..., Client]) -> None:
    client = make_client("--status", "429", "--retry-after", "2")
    with pytest.raises(RateLimitedError) as caught:
        client.chat(model=MODEL, messages=HI, max_retries=0)
    error = caught.value
    assert error.code == "rate_limited"
    assert error.retry_after == 2.0
    assert error.status_code == 429
    assert error.provider == "openai"
    assert error.retryable is True


def test_400_is_invalid_request(make_client: Callable[..., Client]) -> None:
    client = make_client("--status", "400")
    with pytest.raises(InvalidRequestError) as caught:
        client.chat(model=MODEL, messages=HI)
    assert caught.value.status_code == 400
    assert caught.value.retryable is False


def test_a_bad_request_is_invalid_request_naming_the_field(make_client: Callable[..., Client]) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        make_client().chat(model=MODEL, messages=[{"role": "user", "content": 7}])
    assert caught.value.param == "params.messages[0].content"


def test_timeout_error_is_also_the_builtin_timeout_error() -> None:
    from liter_llm import TimeoutError as LiterTimeout
    from liter_llm.errors import error_from_frame

    error = error_from_frame({"code": "timeout", "message": "slow", "retryable": True, "retryAfterMs": 1500})
    assert isinstance(error, LiterTimeout) and isinstance(error, TimeoutError) and isinstance(error, LiterLLMError)
    assert error.retry_after == 1.5


def test_leaving_a_stream_early_cancels_it_upstream(make_client: Callable[..., Client]) -> None:
    client = make_client("--latency-ms", "3000")
    client.models()  # the engine is up, so the timing below is the stream's alone
    started = time.monotonic()
    with client.chat_stream(model=MODEL, messages=HI):
        pass
    # Cancelled: the engine ended the call without waiting for the provider's 3 s answer.
    assert time.monotonic() - started < 1.5
    assert engine_of(client)._calls == {}


def test_breaking_out_of_a_stream_frees_the_call_and_the_client_goes_on(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with client.chat_stream(model=MODEL, messages=HI) as stream:
        for event in stream:
            assert event.type == "start"
            break
    assert engine_of(client)._calls == {}
    assert client.chat(model=MODEL, messages=HI).text


def test_concurrent_calls_from_threads_share_one_engine(make_client: Callable[..., Client]) -> None:
    client = make_client("--latency-ms", "250")
    results: list[str] = []
    errors: list[BaseException] = []

    def call(index: int) -> None:
        try:
            response = client.chat(model=MODEL, messages=[{"role": "user", "content": f"question {index}"}])
            results.append(response.text)
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
    # Multiplexed, not serialised: one after the other, 16 calls of 250 ms each would take 4 s.
    assert time.monotonic() - started < 2.5
    assert len(engine_pids()) == 1


def test_engine_killed_mid_call_fails_the_call_and_the_next_call_restarts(make_client: Callable[..., Client]) -> None:
    client = make_client("--latency-ms", "3000")
    client.models()
    first_pid = engine_of(client).pid
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.chat(model=MODEL, messages=HI)
        except BaseException as error:  # noqa: BLE001 - asserted below
            outcome.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    time.sleep(0.5)
    killed_at = time.monotonic()
    engine_of(client)._process.kill()
    thread.join(10)
    assert not thread.is_alive()
    assert time.monotonic() - killed_at < 2.0, "the call fails at once, not after the provider's latency"
    assert len(outcome) == 1 and isinstance(outcome[0], InternalError)
    assert "exited" in str(outcome[0])
    assert client.models() == [], "a fresh engine answers (no models are configured)"
    assert engine_of(client).pid != first_pid
    assert first_pid not in engine_pids()


def test_close_leaves_no_child_process(make_client: Callable[..., Client]) -> None:
    client = make_client()
    client.models()
    assert len(engine_pids()) == 1
    client.close()
    assert engine_pids() == set()


def test_with_block_starts_lazily_and_closes(mock_url: Callable[..., str]) -> None:
    with Client(engine=ENGINE, env={"OPENAI_BASE_URL": mock_url()}) as client:
        assert engine_pids() == set(), "no engine before the first call"
        assert client.chat(model=MODEL, messages=HI).text
        assert len(engine_pids()) == 1
    assert engine_pids() == set()


def test_no_engine_found_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client(engine="/nonexistent/liter-llm")
    with pytest.raises(LiterLLMError) as caught:
        client.models()
    assert "nonexistent" in str(caught.value)
    from liter_llm import find_engine as module

    monkeypatch.setattr(module, "__file__", "/tmp/not/a/checkout/liter_llm/find_engine.py")
    with pytest.raises(InternalError, match="LITER_LLM_ENGINE"):
        module.find_engine(None, {"PATH": "/nonexistent"})


def test_interpreter_exit_shuts_the_engine_down(mock_url: Callable[..., str]) -> None:
    script = (
        "import sys\n"
        "from liter_llm import Client\n"
        f"client = Client(engine={ENGINE!r}, env={{'OPENAI_BASE_URL': {mock_url()!r}}})\n"
        "client.models()\n"
        "print(client._transport.supervisor.process.pid, flush=True)\n"
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert finished.returncode == 0, finished.stderr
    pid = int(finished.stdout.split()[0])
    # Shut down and reaped before the interpreter ended, not left to notice its closed stdin later.
    assert not Path(f"/proc/{pid}").exists()


def test_ctrl_c_during_a_call_cancels_it_upstream_and_raises_keyboard_interrupt(mock_url: Callable[..., str]) -> None:
    script = (
        "import time\n"
        "from liter_llm import Client\n"
        f"client = Client(engine={ENGINE!r}, env={{'OPENAI_BASE_URL': {mock_url('--latency-ms', '3000')!r}}})\n"
        "client.models()\n"
        "print('calling', flush=True)\n"
        "started = time.monotonic()\n"
        "try:\n"
        f"    client.chat(model={MODEL!r}, messages=[{{'role': 'user', 'content': 'Hi'}}])\n"
        "except KeyboardInterrupt:\n"
        "    stats = client.stats()\n"
        "    print('interrupted', round(time.monotonic() - started, 2), [p.in_flight for p in stats.providers])\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "calling"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=20)
    words = output.split()
    assert words[0] == "interrupted", output
    # Cancelled, not waited for: the provider would answer after 3 s, and nothing is in flight.
    assert float(words[1]) < 2.0
    assert output.strip().endswith("[0]")
