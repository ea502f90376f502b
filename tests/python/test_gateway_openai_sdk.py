"""The gateway through the official OpenAI Python SDK: chat, streaming, embeddings, errors."""

import openai
import pytest

from conftest import GATEWAY_KEY


@pytest.fixture()
def client(gateway_url):
    return openai.OpenAI(base_url=f"{gateway_url}/v1", api_key=GATEWAY_KEY, max_retries=0)


def test_chat(client):
    raw = client.chat.completions.with_raw_response.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello from python"}],
        extra_headers={"x-request-id": "py-chat-1"},
    )
    completion = raw.parse()
    assert raw.headers["x-request-id"] == "py-chat-1"
    assert raw.headers["x-liter-llm-provider"] == "openai"
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == "Echo: hello from python"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert completion.usage.prompt_tokens_details.cached_tokens == 0


def test_chat_stream_with_usage(client):
    stream = client.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "stream this please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == "Echo: stream this please"
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [chunk.choices[0].finish_reason for chunk in chunks if chunk.choices and chunk.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == []
    assert chunks[-1].usage.completion_tokens > 0


def test_embeddings_float_and_base64(client):
    floats = client.embeddings.create(model="openai/text-embedding-3-small", input=["first", "second"], encoding_format="float")
    assert [item.index for item in floats.data] == [0, 1]
    assert len(floats.data[0].embedding) == 1536
    assert floats.usage.prompt_tokens > 0
    # Without encoding_format the SDK asks for base64 and decodes the float32 bytes itself.
    decoded = client.embeddings.create(model="openai/text-embedding-3-small", input=["first", "second"])
    for exact, packed in zip(floats.data, decoded.data):
        assert len(packed.embedding) == len(exact.embedding)
        assert all(abs(a - b) < 1e-6 for a, b in zip(exact.embedding, packed.embedding))


def test_errors_are_the_sdk_exceptions(gateway_url, client):
    wrong = openai.OpenAI(base_url=f"{gateway_url}/v1", api_key="not-the-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as denied:
        wrong.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert denied.value.status_code == 401

    with pytest.raises(openai.BadRequestError) as invalid:
        client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], n=2)
    assert invalid.value.code == "invalid_request"
    assert invalid.value.param == "n"

    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nosuch/model", messages=[{"role": "user", "content": "hi"}])
