"""The one place where the protocol's camelCase field names meet Python's snake_case names.

Only the names in the table are converted: values the caller owns (a tool's JSON Schema, provider
options, provider metadata) pass through untouched, so a property named ``user_id`` stays ``user_id``.
"""

from __future__ import annotations

from typing import Any

_SNAKE_TO_CAMEL: dict[str, str] = {
    "max_tokens": "maxTokens",
    "top_p": "topP",
    "tool_choice": "toolChoice",
    "response_format": "responseFormat",
    "provider_options": "providerOptions",
    "tool_call_id": "toolCallId",
    "is_error": "isError",
    "media_type": "mediaType",
    "tool_calls": "toolCalls",
    "finish_reason": "finishReason",
    "raw_finish_reason": "rawFinishReason",
    "input_tokens": "inputTokens",
    "output_tokens": "outputTokens",
    "total_tokens": "totalTokens",
    "cached_input_tokens": "cachedInputTokens",
    "cache_write_input_tokens": "cacheWriteInputTokens",
    "reasoning_tokens": "reasoningTokens",
    "request_id": "requestId",
    "provider_metadata": "providerMetadata",
    "duration_ms": "durationMs",
    "arguments_delta": "argumentsDelta",
    "retry_after_ms": "retryAfterMs",
    "timeout_ms": "timeoutMs",
    "max_retries": "maxRetries",
    "protocol_version": "protocolVersion",
    "package_version": "packageVersion",
    "max_frame_bytes": "maxFrameBytes",
    "in_flight": "inFlight",
    "max_concurrency": "maxConcurrency",
}
_CAMEL_TO_SNAKE: dict[str, str] = {camel: snake for snake, camel in _SNAKE_TO_CAMEL.items()}

# Subtrees whose keys belong to the caller or the provider, never renamed.
_OPAQUE = frozenset({"parameters", "schema", "providerOptions", "provider_options", "providerMetadata", "provider_metadata"})


def to_wire(value: dict[str, Any]) -> dict[str, Any]:
    """A request object with snake_case field names renamed to the protocol's camelCase."""
    renamed: dict[str, Any] = _rename(value, _SNAKE_TO_CAMEL)
    return renamed


def from_wire(value: dict[str, Any]) -> dict[str, Any]:
    """A frame's object with the protocol's camelCase field names renamed to snake_case."""
    renamed: dict[str, Any] = _rename(value, _CAMEL_TO_SNAKE)
    return renamed


def _rename(value: Any, table: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {
            table.get(key, key): item if key in _OPAQUE else _rename(item, table) for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_rename(item, table) for item in value]
    return value
