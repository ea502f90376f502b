"""One Python client under closed-loop load, driven by bench/bindings/run.mjs over JSON lines.

Usage: python python_worker.py SPEC_JSON
SPEC: {"target", "model", "messages", "maxTokens", "temperature", and per target "baseURL", "apiKey",
"config"}. Targets:
  binding-stdio         liter_llm.Client(config=...), one thread per unit of concurrency
  binding-stdio-async   liter_llm.AsyncClient(config=...), asyncio tasks
  binding-http          liter_llm.Client(base_url=..., api_key=...) against the gateway, threads
  binding-http-async    liter_llm.AsyncClient(base_url=..., api_key=...), asyncio tasks
  openai-sync           openai.OpenAI calling the upstream directly, threads
  openai-async          openai.AsyncOpenAI calling the upstream directly, asyncio tasks
  pypi-liter-llm        the public index's liter-llm 2.4.0 (a Rust engine in process), asyncio tasks

It first prints {"ready": true, "info": {...}} (or {"ready": false, "unavailable": "why"} and exits),
then answers every {"op": "run", "concurrency": C, "durationMs": D} line with
{"calls", "seconds", "errors", "firstError", "latencyUs": {"p50", "p99"}}: C callers each call again
as soon as an answer is back, until D ms have passed; "seconds" runs until the last caller is done,
so calls / seconds is the closed loop's throughput. The runner reads this process's CPU (and its
engine's) from /proc around each run. Stdin closing closes the client and ends the process.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

Call = Callable[[], Any]
AsyncCall = Callable[[], Awaitable[Any]]


class Unavailable(Exception):
    """This target cannot run here (its binding or mode is not there yet); the message says why."""


def main() -> None:
    spec = json.loads(sys.argv[1])
    try:
        target = TARGETS[spec["target"]](spec)
    except Unavailable as why:
        print(json.dumps({"ready": False, "unavailable": str(why)}), flush=True)
        return
    try:
        print(json.dumps({"ready": True, "info": target.info}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            if command.get("op") == "run":
                result = target.run(int(command["concurrency"]), float(command["durationMs"]) / 1000)
                print(json.dumps(result), flush=True)
    finally:
        target.close()


class Measurement:
    """Latencies and errors of one run, shared by its callers (list.append is atomic under the GIL)."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error: str | None = None

    def failed(self, error: BaseException) -> None:
        self.errors += 1
        if self.first_error is None:
            self.first_error = f"{type(error).__name__}: {error}"[:500]

    def result(self, seconds: float) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def percentile(share: float) -> float | None:
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1e6, 1) if ordered else None

        return {
            "calls": len(ordered),
            "seconds": seconds,
            "errors": self.errors,
            "firstError": self.first_error,
            "latencyUs": {"p50": percentile(0.5), "p99": percentile(0.99)},
        }


class ThreadTarget:
    """A synchronous client: one thread per unit of concurrency, all sharing the one client."""

    def __init__(self, call: Call, close: Callable[[], None], info: dict[str, Any]) -> None:
        self.call, self._close, self.info = call, close, info

    def run(self, concurrency: int, duration: float) -> dict[str, Any]:
        measurement = Measurement()
        start = threading.Barrier(concurrency + 1)
        deadline = [0.0]

        def caller() -> None:
            start.wait()
            while (begin := time.perf_counter()) < deadline[0]:
                try:
                    self.call()
                except Exception as error:  # noqa: BLE001 - counted and reported, never fatal
                    measurement.failed(error)
                    continue
                measurement.latencies.append(time.perf_counter() - begin)

        threads = [threading.Thread(target=caller, daemon=True) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        deadline[0] = began + duration
        start.wait()
        for thread in threads:
            thread.join()
        return measurement.result(time.perf_counter() - began)

    def close(self) -> None:
        self._close()


class AsyncTarget:
    """An asyncio client: one task per unit of concurrency on one event loop, which this target owns."""

    def __init__(self, loop: asyncio.AbstractEventLoop, call: AsyncCall, close: AsyncCall, info: dict[str, Any]) -> None:
        self.loop, self.call, self._close, self.info = loop, call, close, info

    def run(self, concurrency: int, duration: float) -> dict[str, Any]:
        return self.loop.run_until_complete(self._run(concurrency, duration))

    async def _run(self, concurrency: int, duration: float) -> dict[str, Any]:
        measurement = Measurement()
        began = time.perf_counter()
        deadline = began + duration

        async def caller() -> None:
            while (begin := time.perf_counter()) < deadline:
                try:
                    await self.call()
                except Exception as error:  # noqa: BLE001 - counted and reported, never fatal
                    measurement.failed(error)
                    continue
                measurement.latencies.append(time.perf_counter() - begin)

        await asyncio.gather(*(caller() for _ in range(concurrency)))
        return measurement.result(time.perf_counter() - began)

    def close(self) -> None:
        self.loop.run_until_complete(self._close())
        self.loop.close()


def _check_text(text: object, target: str) -> None:
    # One real answer before any load: a target that "succeeds" with nothing measures nothing.
    if not isinstance(text, str) or not text:
        raise SystemExit(f"{target}: the first answer had no text: {text!r}")


def _import_binding() -> Any:
    try:
        import liter_llm
    except ImportError as error:
        raise Unavailable(f"liter_llm cannot be imported: {error}") from None
    return liter_llm


def binding_target(spec: dict[str, Any], http: bool, use_async: bool) -> ThreadTarget | AsyncTarget:
    liter_llm = _import_binding()
    name = "AsyncClient" if use_async else "Client"
    client_class = getattr(liter_llm, name, None)
    if client_class is None:
        raise Unavailable(f"liter_llm has no {name} yet")
    arguments = {"base_url": spec["baseURL"], "api_key": spec["apiKey"]} if http else {"config": spec["config"]}
    try:
        client = client_class(**arguments)
    except TypeError as error:
        mode = "base_url/api_key (HTTP mode)" if http else "config"
        raise Unavailable(f"liter_llm.{name} does not take {mode} yet: {error}") from None
    request = {
        "model": spec["model"],
        "messages": spec["messages"],
        "max_tokens": spec["maxTokens"],
        "temperature": spec["temperature"],
    }
    info = {"module": liter_llm.__file__, "client": name, **({} if http else {"engine": _engine_command()})}
    if not use_async:
        _check_text(client.chat(**request).text, spec["target"])
        return ThreadTarget(lambda: client.chat(**request), client.close, info)

    loop = asyncio.new_event_loop()

    async def call() -> Any:
        return await client.chat(**request)

    async def close() -> None:
        closing = getattr(client, "aclose", None) or client.close
        result = closing()
        if asyncio.iscoroutine(result):
            await result

    _check_text(loop.run_until_complete(call()).text, spec["target"])
    return AsyncTarget(loop, call, close, info)


def _engine_command() -> str | None:
    """The engine the binding starts (for the report), when its finder can be asked."""
    try:
        import os

        from liter_llm.find_engine import find_engine

        return " ".join(find_engine(None, dict(os.environ)))
    except Exception:  # noqa: BLE001 - only a note in the report
        return None


def openai_target(spec: dict[str, Any], use_async: bool) -> ThreadTarget | AsyncTarget:
    import openai

    arguments = {"base_url": spec["baseURL"], "api_key": spec["apiKey"], "max_retries": 0}
    request = {
        "model": spec["model"],
        "messages": spec["messages"],
        "max_tokens": spec["maxTokens"],
        "temperature": spec["temperature"],
    }
    info = {"module": openai.__file__, "version": openai.__version__}
    if not use_async:
        client = openai.OpenAI(**arguments)

        def call() -> Any:
            return client.chat.completions.create(**request)

        _check_text(call().choices[0].message.content, spec["target"])
        return ThreadTarget(call, client.close, info)

    loop = asyncio.new_event_loop()
    async_client = openai.AsyncOpenAI(**arguments)

    async def async_call() -> Any:
        return await async_client.chat.completions.create(**request)

    _check_text(loop.run_until_complete(async_call()).choices[0].message.content, spec["target"])
    return AsyncTarget(loop, async_call, async_client.close, info)


def pypi_liter_llm_target(spec: dict[str, Any]) -> AsyncTarget:
    """The other project's liter-llm: its client is async only; a request dict is converted on every
    call by its own `liter_llm.chat` (it consumes the dict, so each call builds a fresh one)."""
    import liter_llm

    if not hasattr(liter_llm, "create_client"):
        raise Unavailable(f"{liter_llm.__file__} is not the public index's liter-llm (no create_client)")
    client = liter_llm.create_client(api_key=spec["apiKey"], base_url=spec["baseURL"], max_retries=0)

    def request() -> dict[str, Any]:
        return {
            "model": spec["model"],
            "messages": [dict(message) for message in spec["messages"]],
            "max_tokens": spec["maxTokens"],
            "temperature": spec["temperature"],
        }

    async def call() -> Any:
        return await liter_llm.chat(client, request())

    async def close() -> None:
        return None

    loop = asyncio.new_event_loop()
    # Its message content is an AssistantContent object; str() gives the text.
    content = loop.run_until_complete(call()).choices[0].message.content
    _check_text(str(content) if content is not None else None, spec["target"])
    from importlib.metadata import version

    return AsyncTarget(loop, call, close, {"module": liter_llm.__file__, "version": version("liter-llm")})


TARGETS: dict[str, Callable[[dict[str, Any]], ThreadTarget | AsyncTarget]] = {
    "binding-stdio": lambda spec: binding_target(spec, http=False, use_async=False),
    "binding-stdio-async": lambda spec: binding_target(spec, http=False, use_async=True),
    "binding-http": lambda spec: binding_target(spec, http=True, use_async=False),
    "binding-http-async": lambda spec: binding_target(spec, http=True, use_async=True),
    "openai-sync": lambda spec: openai_target(spec, use_async=False),
    "openai-async": lambda spec: openai_target(spec, use_async=True),
    "pypi-liter-llm": pypi_liter_llm_target,
}

if __name__ == "__main__":
    main()
