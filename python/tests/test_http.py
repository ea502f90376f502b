"""HTTP mode only: connections, what a gateway that is not one looks like, Ctrl-C."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from conftest import MODEL
from liter_llm import (
    AsyncClient,
    Client,
    InvalidRequestError,
    NotFoundError,
    ProviderUnavailableError,
)
from liter_llm.http_exchange import SSEFrameDecoder, build_request, parse_base_url

HI = [{"role": "user", "content": "Hi"}]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def fake_server() -> Iterator[Callable[..., str]]:
    """A plain HTTP server answering every request with the given status, type and body."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(status: int, content_type: str, body: bytes, one_per_connection: bool = False) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.answer()

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length", "0")))
                self.answer()

            def answer(self) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                # Keep-alive promised (no Connection: close), then the socket is closed anyway,
                # the way a server's idle timeout closes a pooled connection.
                self.close_connection = one_per_connection

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_gateway_that_is_not_listening_is_provider_unavailable_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ProviderUnavailableError) as caught:
        Client(base_url=url, api_key="k").chat(model=MODEL, messages=HI)
    assert url in str(caught.value) and "refused" in str(caught.value)
    assert caught.value.retryable is True


def test_a_proxy_html_502_is_provider_unavailable_saying_what_came_back(fake_server: Callable[..., str]) -> None:
    url = fake_server(502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>")
    with pytest.raises(ProviderUnavailableError) as caught:
        Client(base_url=url).chat(model=MODEL, messages=HI)
    error = caught.value
    assert error.status_code == 502 and error.retryable is True
    assert url in str(error) and "text/html" in str(error) and "502 Bad Gateway" in str(error)
    with pytest.raises(ProviderUnavailableError):
        with Client(base_url=url).chat_stream(model=MODEL, messages=HI) as stream:
            list(stream)


def test_a_server_without_engine_endpoints_is_not_found_saying_so(fake_server: Callable[..., str]) -> None:
    url = fake_server(404, "application/json", b'{"error":{"message":"no route"}}')
    with pytest.raises(NotFoundError, match="/v1/engine"):
        Client(base_url=url).models()


def test_base_url_must_be_an_http_url_and_excludes_the_stdio_arguments() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Client(base_url="gateway:8080")
    assert caught.value.param == "base_url" and "gateway:8080" in str(caught.value)
    with pytest.raises(InvalidRequestError) as mixed:
        Client(config="liter-llm.yaml", base_url="http://gateway:8080")
    assert mixed.value.param == "config"
    with pytest.raises(InvalidRequestError) as key_only:
        Client(api_key="k")
    assert key_only.value.param == "api_key"


def test_base_url_may_carry_v1_and_a_path_prefix() -> None:
    gateway = parse_base_url("https://user:secret@proxy.example/llm/v1/", "k")
    request = build_request(gateway, "chat.stream", {"model": "m"}, {"timeoutMs": 5})
    assert (gateway.port, request.verb, request.path) == (443, "POST", "/llm/v1/engine/chat.stream")
    assert request.body == b'{"params":{"model":"m"},"options":{"timeoutMs":5}}'
    assert request.headers["authorization"] == "Bearer k" and request.headers["accept"] == "text/event-stream"
    assert "secret" not in gateway.url
    assert build_request(parse_base_url("http://h:8080", None), "models", None, None).path == "/v1/engine/models"


def test_sse_frames_are_read_however_the_bytes_are_split() -> None:
    body = (
        b': a comment\r\n\r\ndata: {"type":"event","event":{"type":"text-delta","text":"a\\nb"}}\r\n\r\n'
        b'data: {"type":"result","result":{"attempts":[]}}\n\n'
    )
    gateway = parse_base_url("http://h:1", None)
    whole = SSEFrameDecoder(gateway).feed(body)
    decoder = SSEFrameDecoder(gateway)
    split = [frame for index in range(len(body)) for frame in decoder.feed(body[index : index + 1])]
    assert whole == split
    assert [frame["type"] for frame in whole] == ["event", "result"]
    assert whole[0]["event"]["text"] == "a\nb"
    bad = SSEFrameDecoder(gateway).feed(b"data: <html>\n\n")
    assert bad[0]["type"] == "error" and bad[0]["error"]["code"] == "internal"


def test_a_pooled_connection_the_server_closed_is_retried_on_a_fresh_one(fake_server: Callable[..., str]) -> None:
    url = fake_server(200, "application/json", b'{"type":"result","result":{"models":[]}}', one_per_connection=True)
    client = Client(base_url=url)
    for _ in range(3):
        assert client.models() == []

def test_async_http_mode_reads_answers_and_errors_the_same_way(fake_server: Callable[..., str]) -> None:
    refused = f"http://127.0.0.1:{free_port()}"
    proxy = fake_server(502, "text/html", b"<html>502 Bad Gateway</html>")
    flaky = fake_server(200, "application/json", b'{"type":"result","result":{"models":[]}}', one_per_connection=True)

    async def scenario() -> None:
        with pytest.raises(ProviderUnavailableError, match=refused):
            await AsyncClient(base_url=refused).models()
        with pytest.raises(ProviderUnavailableError) as caught:
            await AsyncClient(base_url=proxy).chat(model=MODEL, messages=HI)
        assert caught.value.status_code == 502 and "text/html" in str(caught.value)
        async with AsyncClient(base_url=flaky) as client:
            for _ in range(3):
                assert await client.models() == []

    asyncio.run(scenario())
