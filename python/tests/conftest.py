"""Fixtures: the checkout's built engine (dist/cli/main.js) against local mock providers, over stdio
or behind a gateway (``liter-llm serve``) over HTTP."""

from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import time
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
GATEWAY_KEY = "python-binding-test-key"
MODES = ["stdio", "http"]


@pytest.fixture(scope="session", autouse=True)
def built_engine() -> None:
    if not MAIN_JS.is_file():
        subprocess.run(["npx", "tsc", "-b"], cwd=REPO_ROOT, check=True)


def _die_with_parent() -> None:
    # A gateway left behind by a killed pytest would hold its port: Linux ends it with its parent.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(command: list[str], pattern: str) -> tuple[subprocess.Popen[str], str]:
    """Starts a server that prints its URL on its first line, and returns it with that URL."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, preexec_fn=_die_with_parent)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(pattern, line)
    if not match:
        process.kill()
        process.wait()
        raise AssertionError(f"{command[2]} printed {line!r}")
    return process, match.group(1)


def start_mock(*flags: str) -> tuple[subprocess.Popen[str], str]:
    return start_server(
        ["node", str(MAIN_JS), "mock-provider", "--provider", "openai", "--port", "0", *flags],
        r"listening on (http://127\.0\.0\.1:\d+)",
    )


def write_config(path: Path, mock_base_url: str, extra: str = "") -> Path:
    """One config for both modes: the engine over stdio reads it, and so does the gateway."""
    path.write_text(
        "providers:\n"
        "  openai:\n"
        f"    base_url: {mock_base_url}\n"
        "    api_key: sk-test\n"
        f"{extra}"
        "server:\n"
        "  host: 127.0.0.1\n"
        "  port: 0\n"
        f"  api_keys: [ {GATEWAY_KEY} ]\n"
    )
    return path


def start_gateway(config: Path) -> tuple[subprocess.Popen[str], str]:
    return start_server(["node", str(MAIN_JS), "serve", "--config", str(config)], r"listening on (http://[\d.:]+)")


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Servers:
    """Mock providers and gateways, one per set of mock flags, kept for the whole session: a client
    made for flags F calls a mock started with F, directly (stdio) or through a gateway (http)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._mocks: dict[tuple[str, ...], str] = {}
        self._configs: dict[tuple[str, tuple[str, ...]], Path] = {}
        self._gateways: dict[tuple[str, tuple[str, ...]], str] = {}
        self.processes: list[subprocess.Popen[str]] = []

    def mock(self, *flags: str) -> str:
        """The base URL (with /v1) of a mock OpenAI provider started with ``flags``."""
        if flags not in self._mocks:
            process, url = start_mock(*flags)
            self.processes.append(process)
            self._mocks[flags] = f"{url}/v1"
        return self._mocks[flags]

    def config(self, *flags: str, extra: str = "") -> Path:
        """A config whose one provider is that mock; ``extra`` is more YAML for the provider and after it."""
        key = (extra, flags)
        if key not in self._configs:
            path = self._directory / f"liter-llm-{len(self._configs)}.yaml"
            self._configs[key] = write_config(path, self.mock(*flags), extra)
        return self._configs[key]

    def gateway(self, *flags: str, extra: str = "", fresh: bool = False) -> str:
        """A gateway in front of that mock; ``fresh``: its own, for a test that changes the engine's
        state (an upstream 429 pauses the model for the next calls too)."""
        key = (extra, flags)
        if fresh or key not in self._gateways:
            process, url = start_gateway(self.config(*flags, extra=extra))
            self.processes.append(process)
            self._gateways[key] = url
        return self._gateways[key]

    def client(self, mode: str, *flags: str, extra: str = "", fresh: bool = False) -> Client:
        if mode == "http":
            return Client(base_url=self.gateway(*flags, extra=extra, fresh=fresh), api_key=GATEWAY_KEY)
        return Client(config=self.config(*flags, extra=extra), engine=ENGINE)

    def client_source(self, mode: str, *flags: str) -> str:
        """The Python expression that makes the same client, for a test's child interpreter."""
        if mode == "http":
            return f"Client(base_url={self.gateway(*flags)!r}, api_key={GATEWAY_KEY!r})"
        return f"Client(config={str(self.config(*flags))!r}, engine={ENGINE!r})"


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    started = Servers(tmp_path_factory.mktemp("servers"))
    yield started
    for process in started.processes:
        stop(process)


@pytest.fixture
def mock_url() -> Iterator[Callable[..., str]]:
    """Starts a fresh mock OpenAI provider with the given flags and returns its base URL (with /v1)."""
    started: list[subprocess.Popen[str]] = []

    def start(*flags: str) -> str:
        process, url = start_mock(*flags)
        started.append(process)
        return f"{url}/v1"

    yield start
    for process in started:
        stop(process)


@pytest.fixture
def make_client(servers: Servers) -> Iterator[Callable[..., Client]]:
    """A stdio client whose fresh engine calls a mock provider started with the given flags."""
    clients: list[Client] = []

    def make(*flags: str) -> Client:
        client = servers.client("stdio", *flags)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.param
    return mode


@pytest.fixture
def make_any_client(servers: Servers, mode: str) -> Iterator[Callable[..., Client]]:
    """Like make_client, in each mode: a stdio engine, or a gateway in front of the mock."""
    clients: list[Client] = []

    def make(*flags: str, extra: str = "", fresh: bool = False) -> Client:
        client = servers.client(mode, *flags, extra=extra, fresh=fresh)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def wait_until(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    """Polls ``condition`` until it holds (True) or ``seconds`` passed (False)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def nothing_in_flight(client: Client) -> bool:
    return all(provider.in_flight == 0 for provider in client.stats().providers)


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
