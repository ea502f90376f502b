"""Liter-LLM for Python: one engine (pooling, limits, retries, fallbacks) reached over stdio."""

from .chat_stream import ChatStream
from .client import Client
from .errors import (
    AuthenticationError,
    CancelledError,
    ContentFilteredError,
    ContextLengthExceededError,
    InternalError,
    InvalidRequestError,
    LiterLLMError,
    NotFoundError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitedError,
    TimeoutError,
)
from .results import Attempt, ChatResponse, EmbedResponse, ModelInfo, StreamEvent, ToolCall, Usage

__all__ = [
    "Attempt",
    "AuthenticationError",
    "CancelledError",
    "ChatResponse",
    "ChatStream",
    "Client",
    "ContentFilteredError",
    "ContextLengthExceededError",
    "EmbedResponse",
    "InternalError",
    "InvalidRequestError",
    "LiterLLMError",
    "ModelInfo",
    "NotFoundError",
    "PermissionDeniedError",
    "ProviderUnavailableError",
    "RateLimitedError",
    "StreamEvent",
    "TimeoutError",
    "ToolCall",
    "Usage",
]
