"""Liter-LLM for Python: one engine (pooling, limits, retries, fallbacks) over stdio, or a gateway over HTTP."""

from typing import TYPE_CHECKING, Any

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
from .results import (
    Attempt,
    ChatResponse,
    EmbedResponse,
    EngineStats,
    ModelInfo,
    ProviderStats,
    StreamEvent,
    ToolCall,
    Usage,
)
from .shared_client import chat

if TYPE_CHECKING:
    from .async_chat_stream import AsyncChatStream
    from .async_client import AsyncClient

# asyncio costs ~40 ms to import: the async API loads on first use, so `import liter_llm` stays fast.
_LAZY = {"AsyncClient": ".async_client", "AsyncChatStream": ".async_chat_stream"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'liter_llm' has no attribute {name!r}")


__all__ = [
    "AsyncChatStream",
    "AsyncClient",
    "Attempt",
    "AuthenticationError",
    "CancelledError",
    "ChatResponse",
    "ChatStream",
    "Client",
    "ContentFilteredError",
    "ContextLengthExceededError",
    "EmbedResponse",
    "EngineStats",
    "InternalError",
    "InvalidRequestError",
    "LiterLLMError",
    "ModelInfo",
    "NotFoundError",
    "PermissionDeniedError",
    "ProviderStats",
    "ProviderUnavailableError",
    "RateLimitedError",
    "StreamEvent",
    "TimeoutError",
    "ToolCall",
    "Usage",
    "chat",
]
