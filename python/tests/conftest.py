"""Fixtures: the checkout's built engine (dist/cli/main.js) against local mock providers."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from liter_llm import Client
from liter_llm.engine_process import EngineProcess
from liter_llm.stdio_transport import StdioTransport

REPO_ROOT = Path(__file__).resolve().parents[2]
MAIN_JS = REPO_ROOT / "dist" / "cli" / "main.js"
ENGINE = ["node", str(MAIN_JS)]
MODEL = "openai/gpt-6-luna"


@pytest.fixture(scope="session", autouse=True)
def built_engine() -> None:
    if not MAIN_JS.is_file():
        subprocess.run(["npx", "tsc", "-b"], cwd=REPO_ROOT, check=True)


def start_mock(*flags: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        ["node", str(MAIN_JS), "mock-provider", "--provider", "openai", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
    if not match:
        process.kill()
        process.wait()
        raise AssertionError(f"the mock provider printed {line!r}")
    return process, match.group(1)


@pytest.fixture
def mock_url() -> Iterator[Callable[..., str]]:
    """Starts a mock OpenAI provider with the given flags and returns its base URL (with /v1)."""
    started: list[subprocess.Popen[str]] = []

    def start(*flags: str) -> str:
        process, url = start_mock(*flags)
        started.append(process)
        return f"{url}/v1"

    yield start
    for process in started:
        process.terminate()
        process.wait(10)


@pytest.fixture
def make_client(mock_url: Callable[..., str]) -> Iterator[Callable[..., Client]]:
    """A client whose engine calls a fresh mock provider started with the given flags."""
    clients: list[Client] = []

    def make(*flags: str) -> Client:
        client = Client(engine=ENGINE, env={"OPENAI_BASE_URL": mock_url(*flags), "OPENAI_API_KEY": "sk-test"})
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def child_pids() -> set[int]:
    """This process's live children, from the process table."""
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        text = (task / "children").read_text()
        pids.update(int(pid) for pid in text.split())
    return pids


def engine_pids() -> set[int]:
    """The live engines among this process's children."""
    found: set[int] = set()
    for pid in child_pids():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if b"engine" in command and b"--stdio" in command:
            found.add(pid)
    return found


def engine_of(client: Client) -> EngineProcess:
    """The running engine of a stdio client (tests look at its calls and its pid)."""
    transport = client._transport
    assert isinstance(transport, StdioTransport) and transport.supervisor.process is not None
    return transport.supervisor.process
