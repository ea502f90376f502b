"""HTTP mode against the real gateway (liter-llm serve): auth, keep-alive connections, Ctrl-C."""

from __future__ import annotations

import pytest

from conftest import GATEWAY_KEY, MODEL, Servers
from liter_llm import AuthenticationError, Client
from liter_llm.http_transport import HTTPTransport

HI = [{"role": "user", "content": "Hi"}]


def idle_ports(client: Client) -> list[int]:
    """The local ports of the client's idle keep-alive connections."""
    transport = client._transport
    assert isinstance(transport, HTTPTransport)
    return [connection.sock.getsockname()[1] for connection in transport._idle]


def test_a_wrong_api_key_is_authentication(servers: Servers) -> None:
    client = Client(base_url=servers.gateway(), api_key="not-the-key")
    with pytest.raises(AuthenticationError) as caught:
        client.models()
    assert "not-the-key" not in str(caught.value)
    assert caught.value.retryable is False


def test_calls_reuse_one_keep_alive_connection(servers: Servers) -> None:
    client = Client(base_url=servers.gateway(), api_key=GATEWAY_KEY)
    client.models()
    ports = idle_ports(client)
    assert len(ports) == 1
    for _ in range(3):
        client.chat(model=MODEL, messages=HI)
        with client.chat_stream(model=MODEL, messages=HI) as stream:
            list(stream)
        assert idle_ports(client) == ports, "the same connection, not a new TCP connect per call"
    with client.chat_stream(model=MODEL, messages=HI) as stream:
        next(iter(stream))
    assert idle_ports(client) == [], "a stream left early closes its connection (that cancels it)"
    client.close()
