"""Typed results, built from the canonical fields (src/spec) after wire_names renamed them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from .wire_names import from_wire

T = TypeVar("T")


def _build(cls: type[T], values: dict[str, Any]) -> T:
    # Unknown fields (a newer engine's additions) are ignored: minor versions only add fields.
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{key: value for key, value in values.items() if key in known})


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cached_input_tokens: int | None = None
    cache_write_input_tokens: int | None = None
    reasoning_tokens: int | None = None


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str
    type: str = "tool-call"


@dataclass(frozen=True)
class Attempt:
    provider: str
    model: str
    outcome: str
    duration_ms: float = 0.0
    status: int | None = None


@dataclass(frozen=True)
class ChatResponse:
    id: str
    provider: str
    model: str
    text: str
    finish_reason: str
    usage: Usage
    tool_calls: list[ToolCall] = field(default_factory=list)
    content: list[dict[str, Any]] = field(default_factory=list)
    raw_finish_reason: str | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    request_id: str | None = None
    provider_metadata: dict[str, Any] | None = None
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(frozen=True)
class StreamEvent:
    """One canonical stream event; the fields its ``type`` does not carry are None."""

    type: str
    text: str | None = None
    id: str | None = None
    provider: str | None = None
    model: str | None = None
    request_id: str | None = None
    index: int | None = None
    name: str | None = None
    arguments: str | None = None
    arguments_delta: str | None = None
    signature: str | None = None
    data: str | None = None
    finish_reason: str | None = None
    raw_finish_reason: str | None = None
    usage: Usage | None = None
    warnings: list[dict[str, Any]] | None = None
    provider_metadata: dict[str, Any] | None = None


@dataclass(frozen=True)
class EmbedResponse:
    provider: str
    model: str
    embeddings: list[list[float]]
    input_tokens: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    request_id: str | None = None
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(frozen=True)
class ModelInfo:
    id: str
    kind: str
    provider: str | None = None


def parse_chat_response(result: dict[str, Any]) -> ChatResponse:
    values = from_wire(result)
    values["usage"] = _build(Usage, values.get("usage") or {})
    values["tool_calls"] = [_build(ToolCall, call) for call in values.get("tool_calls") or []]
    values["attempts"] = [_build(Attempt, attempt) for attempt in values.get("attempts") or []]
    return _build(ChatResponse, values)


def parse_stream_event(event: dict[str, Any]) -> StreamEvent:
    values = from_wire(event)
    if isinstance(values.get("usage"), dict):
        values["usage"] = _build(Usage, values["usage"])
    return _build(StreamEvent, values)


def parse_attempts(result: dict[str, Any]) -> list[Attempt]:
    return [_build(Attempt, attempt) for attempt in from_wire(result).get("attempts") or []]


def parse_embed_response(result: dict[str, Any]) -> EmbedResponse:
    values = from_wire(result)
    values["input_tokens"] = (values.get("usage") or {}).get("input_tokens", 0)
    values["embeddings"] = [[float(number) for number in vector] for vector in values.get("embeddings") or []]
    values["attempts"] = [_build(Attempt, attempt) for attempt in values.get("attempts") or []]
    return _build(EmbedResponse, values)


def parse_models(result: dict[str, Any]) -> list[ModelInfo]:
    return [_build(ModelInfo, model) for model in from_wire(result).get("models") or []]


@dataclass(frozen=True)
class ProviderStats:
    """One provider's load: calls running upstream, calls waiting for a permit, and the permit count."""

    name: str
    in_flight: int = 0
    queued: int = 0
    max_concurrency: int = 0


@dataclass(frozen=True)
class EngineStats:
    providers: list[ProviderStats] = field(default_factory=list)


def parse_stats(result: dict[str, Any]) -> EngineStats:
    providers = from_wire(result).get("providers") or []
    return EngineStats(providers=[_build(ProviderStats, provider) for provider in providers])
