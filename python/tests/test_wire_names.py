from liter_llm.wire_names import from_wire, to_wire


def test_snake_case_request_fields_become_camel_case_but_schemas_stay() -> None:
    request = {
        "max_tokens": 5,
        "messages": [{"role": "tool", "tool_call_id": "c1", "content": "x", "is_error": False}],
        "tools": [{"type": "function", "name": "f", "parameters": {"properties": {"user_id": {"type": "string"}}}}],
    }
    wire = to_wire(request)
    assert wire["maxTokens"] == 5
    assert wire["messages"][0]["toolCallId"] == "c1" and wire["messages"][0]["isError"] is False
    assert wire["tools"][0]["parameters"] == {"properties": {"user_id": {"type": "string"}}}


def test_camel_case_frames_become_snake_case() -> None:
    assert from_wire({"usage": {"inputTokens": 1}, "finishReason": "stop"}) == {
        "usage": {"input_tokens": 1},
        "finish_reason": "stop",
    }
