"""``liter_llm.chat(model, prompt)``: one shared client, started lazily, closed at interpreter exit."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import liter_llm
from conftest import MODEL, Servers, engine_pids
from liter_llm import shared_client


@pytest.fixture
def fresh_shared_client(servers: Servers, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The one-liner's client, configured from the environment as a user's would be, then closed."""
    monkeypatch.setenv("OPENAI_BASE_URL", servers.mock())
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setattr(shared_client, "_client", None)
    yield
    if shared_client._client is not None:
        shared_client._client.close()


def test_chat_returns_the_text_from_one_lazily_started_shared_engine(fresh_shared_client: None) -> None:
    assert engine_pids() == set(), "nothing starts before the first call"
    texts: list[str] = []
    threads = [
        threading.Thread(target=lambda index=index: texts.append(liter_llm.chat(MODEL, f"question {index}")))
        for index in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(texts) == 8 and all(isinstance(text, str) and "question" in text for text in texts)
    assert len(engine_pids()) == 1, "one shared engine, however many threads call"
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hi"}]
    assert "Say hi" in liter_llm.chat(MODEL, messages, max_tokens=20)


def test_the_shared_engine_is_shut_down_at_interpreter_exit(servers: Servers) -> None:
    script = (
        "import liter_llm\n"
        "from liter_llm import shared_client\n"
        f"print(liter_llm.chat({MODEL!r}, 'Say hi'))\n"
        "print(shared_client.shared_client()._transport.supervisor.process.pid)\n"
    )
    env = {**os.environ, "OPENAI_BASE_URL": servers.mock(), "OPENAI_API_KEY": "sk-test"}
    finished = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    text, pid = finished.stdout.strip().rsplit("\n", 1)
    assert "Say hi" in text
    assert not Path(f"/proc/{pid}").exists()
