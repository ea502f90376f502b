"""``liter_llm.chat(model, prompt)``: one shared client, started on first use, closed at interpreter exit."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from .client import Client

_lock = threading.Lock()
_client: Client | None = None


def shared_client() -> Client:
    """The one-liner's client: the engine over stdio, configured from the environment like the CLI
    (OPENAI_API_KEY, ANTHROPIC_API_KEY, HF_TOKEN and their *_BASE_URL variables). Client registers its
    own close at interpreter exit."""
    global _client
    with _lock:
        if _client is None:
            _client = Client()
        return _client


def chat(model: str, prompt: str | Sequence[dict[str, Any]], **settings: Any) -> str:
    """The quickest way in: ``liter_llm.chat("openai/gpt-4o-mini", "Say hi")`` returns the reply's text.

    ``prompt`` is the user's message, or a list of messages; ``settings`` are ``Client.chat``'s keyword
    arguments (max_tokens, temperature, timeout, ...). For anything more, make a ``Client``."""
    messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else list(prompt)
    return shared_client().chat(model=model, messages=messages, **settings).text
