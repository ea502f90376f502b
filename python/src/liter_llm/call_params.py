"""A call's ``params`` and ``options`` from the Python API's keyword arguments (shared by both clients)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .wire_names import to_wire


def chat_params(
    model: str,
    messages: Sequence[dict[str, Any]],
    max_tokens: int | None,
    temperature: float | None,
    tools: Sequence[dict[str, Any]] | None,
    settings: dict[str, Any],
) -> dict[str, Any]:
    """``settings`` are the other ChatRequest fields in snake_case (top_p, stop, tool_choice, ...)."""
    params: dict[str, Any] = {"model": model, "messages": list(messages), **settings}
    if max_tokens is not None:
        params["max_tokens"] = max_tokens
    if temperature is not None:
        params["temperature"] = temperature
    if tools is not None:
        params["tools"] = list(tools)
    return to_wire(params)


def embed_params(model: str, input: str | Sequence[str], settings: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    return to_wire({"model": model, "input": input if isinstance(input, str) else list(input), **settings})


def call_options(timeout: float | None, max_retries: int | None, request_id: str | None) -> dict[str, Any] | None:
    """The call's options: ``timeout`` in seconds bounds the whole call, retries and fallbacks included."""
    options: dict[str, Any] = {}
    if timeout is not None:
        options["timeoutMs"] = round(timeout * 1000)
    if max_retries is not None:
        options["maxRetries"] = max_retries
    if request_id is not None:
        options["requestId"] = request_id
    return options or None
