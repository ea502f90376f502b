"""Stdio mode only: the engine process's lifecycle (lazy start, close, crash and restart, exit)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ENGINE, MODEL, engine_of, engine_pids
from liter_llm import Client, InternalError, LiterLLMError

HI = [{"role": "user", "content": "Hi"}]


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


@pytest.mark.parametrize("level", [None, "info"])
def test_the_engine_logs_warnings_only_unless_asked_for_more(mock_url: Callable[..., str], level: str | None) -> None:
    script = (
        "from liter_llm import Client\n"
        f"with Client(engine={ENGINE!r}) as client:\n"
        f"    print(client.chat(model={MODEL!r}, messages=[{{'role': 'user', 'content': 'Hi'}}]).text)\n"
    )
    env = {**os.environ, "OPENAI_BASE_URL": mock_url()}
    env.pop("LITER_LLM_LOG_LEVEL", None)
    if level is not None:
        env["LITER_LLM_LOG_LEVEL"] = level
    finished = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=30)
    assert finished.returncode == 0, finished.stderr
    # A library stays quiet on the program's stderr: the engine's per-request info lines only on request.
    assert ('"msg":"request"' in finished.stderr) == (level == "info"), finished.stderr
