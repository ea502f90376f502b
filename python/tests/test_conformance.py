"""Every vector of conformance/ (conformance/README.md) through the public Python API, in stdio mode
(a fresh engine per vector, ``Client(config=...)``) and in http mode (the harness's gateway,
``Client(base_url=..., api_key=...)``). The harness judges what came back, so the TypeScript, Python and
Go suites agree by one rule. One vector: ``pytest python/tests/test_conformance.py -k retry-429``.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from liter_llm import Client, LiterLLMError
from liter_llm.wire_names import from_wire, to_wire

from conftest import ENGINE, REPO_ROOT

HARNESS = REPO_ROOT / "conformance" / "harness.mjs"


class Harness:
    """``node conformance/harness.mjs``: one JSON line in, one JSON line out."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(HARNESS)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self._read()
        if not ready.get("ready"):
            raise AssertionError(f"the harness did not start: {ready}")
        self.vectors: list[str] = ready["vectors"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError("the harness ended")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        # The harness tears down what it started and exits when its stdin closes.
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _vector_names() -> list[str]:
    if not HARNESS.is_file():
        return []
    return sorted(path.stem for path in (REPO_ROOT / "conformance" / "vectors").glob("*.json"))


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    started = Harness()
    yield started
    started.close()


@pytest.mark.parametrize("mode", ["stdio", "http"])
@pytest.mark.parametrize("vector", _vector_names())
def test_conformance(harness: Harness, vector: str, mode: str) -> None:
    assert vector in harness.vectors, f"the harness does not know {vector}"
    setup = harness.ask({"op": "setup", "vector": vector, "mode": mode})
    assert setup.get("ok"), setup
    if mode == "stdio":
        client = Client(config=setup["configPath"], engine=ENGINE)
    else:
        client = Client(base_url=setup["baseURL"], api_key=setup["apiKey"])
    try:
        try:
            observed = observe(client, setup["call"])
        except BaseException:
            harness.ask({"op": "teardown"})
            raise
        # Checked before the client closes: closing first would abort upstream requests the vector counts.
        verdict = harness.ask({"op": "check", "observed": observed})
    finally:
        client.close()
    assert verdict.get("ok"), "\n".join(verdict.get("problems") or [str(verdict)]) + f"\nobserved: {json.dumps(observed)}"


def observe(client: Client, call: dict[str, Any]) -> dict[str, Any]:
    """Makes the vector's call through the public API, with its fields as snake_case keywords, and turns
    the typed answer back into canonical camelCase JSON (OBSERVED)."""
    method = call["method"]
    request = from_wire(call.get("request") or {})
    options = call.get("options") or {}
    if "timeoutMs" in options:
        request["timeout"] = options["timeoutMs"] / 1000
    if "maxRetries" in options:
        request["max_retries"] = options["maxRetries"]
    try:
        if method == "chat":
            return {"result": _canonical(client.chat(**request))}
        if method == "chatStream":
            return _observe_stream(client, request, call.get("cancelAfterEvents"))
        if method == "embed":
            return {"result": _embed_result(client.embed(**request))}
        if method == "models":
            return {"result": {"models": [_canonical(model) for model in client.models()]}}
    except LiterLLMError as error:
        return {"error": _error(error)}
    raise AssertionError(f"unknown call method {method!r}")


def _observe_stream(client: Client, request: dict[str, Any], cancel_after: int | None) -> dict[str, Any]:
    events: list[dict[str, Any]] = []
    try:
        with client.chat_stream(**request) as stream:
            for event in stream:
                events.append(_canonical(event))
                if cancel_after is not None and len(events) >= cancel_after:
                    break
            else:
                return {
                    "events": events,
                    "result": {"requestId": stream.request_id, "attempts": [_canonical(a) for a in stream.attempts]},
                }
    except LiterLLMError as error:
        return {"events": events, "error": _error(error)}
    return {"events": events, "cancelled": True}


def _canonical(value: Any) -> Any:
    """A result dataclass as canonical camelCase JSON: None fields left out, as the engine leaves them,
    except a finish event's ``rawFinishReason``, which the canonical event carries as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        is_finish = getattr(value, "type", None) == "finish"
        values = {
            item.name: _canonical(getattr(value, item.name))
            for item in dataclasses.fields(value)
            if getattr(value, item.name) is not None or (is_finish and item.name == "raw_finish_reason")
        }
        return to_wire(values)
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def _embed_result(response: Any) -> dict[str, Any]:
    result = _canonical(response)
    # EmbedResponse flattens usage to input_tokens; the canonical shape nests it.
    result["usage"] = {"inputTokens": result.pop("inputTokens", 0)}
    return dict(result)


def _error(error: LiterLLMError) -> dict[str, Any]:
    observed: dict[str, Any] = {"code": error.code, "message": error.message, "retryable": error.retryable}
    if error.retry_after is not None:
        observed["retryAfterMs"] = round(error.retry_after * 1000)
    if error.status_code is not None:
        observed["status"] = error.status_code
    if error.provider is not None:
        observed["provider"] = error.provider
    return observed
