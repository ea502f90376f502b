"""The one error taxonomy (src/spec/error-codes.ts) as Python exceptions, one subclass per code."""

from __future__ import annotations

import builtins
from typing import Any


class LiterLLMError(Exception):
    """Every error the binding raises. ``code`` is one of the shared codes; ``retry_after`` is in seconds."""

    code: str = "internal"

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.request_id = request_id
        self.retryable = retryable
        self.retry_after = retry_after
        self.param = param


class RateLimitedError(LiterLLMError):
    code = "rate_limited"


class TimeoutError(LiterLLMError, builtins.TimeoutError):  # noqa: A001 - the name the taxonomy gives it
    code = "timeout"


class AuthenticationError(LiterLLMError):
    code = "authentication"


class PermissionDeniedError(LiterLLMError):
    code = "permission_denied"


class InvalidRequestError(LiterLLMError):
    code = "invalid_request"


class NotFoundError(LiterLLMError):
    code = "not_found"


class ContextLengthExceededError(LiterLLMError):
    code = "context_length_exceeded"


class ContentFilteredError(LiterLLMError):
    code = "content_filtered"


class ProviderUnavailableError(LiterLLMError):
    code = "provider_unavailable"


class CancelledError(LiterLLMError):
    code = "cancelled"


class InternalError(LiterLLMError):
    code = "internal"


ERROR_CLASSES: dict[str, type[LiterLLMError]] = {
    cls.code: cls
    for cls in (
        RateLimitedError,
        TimeoutError,
        AuthenticationError,
        PermissionDeniedError,
        InvalidRequestError,
        NotFoundError,
        ContextLengthExceededError,
        ContentFilteredError,
        ProviderUnavailableError,
        CancelledError,
        InternalError,
    )
}


def error_from_frame(error: dict[str, Any]) -> LiterLLMError:
    """The exception for an error frame's ``error`` object; an unknown code (a newer engine) is internal."""
    code = error.get("code")
    cls = ERROR_CLASSES.get(code, InternalError) if isinstance(code, str) else InternalError
    retry_after_ms = error.get("retryAfterMs")
    exception = cls(
        str(error.get("message", "the engine reported an error without a message")),
        provider=error.get("provider"),
        status_code=error.get("status"),
        request_id=error.get("requestId"),
        retryable=bool(error.get("retryable", False)),
        retry_after=retry_after_ms / 1000.0 if isinstance(retry_after_ms, (int, float)) else None,
        param=error.get("param"),
    )
    if cls is InternalError and code != "internal":
        exception.code = str(code)
    return exception
