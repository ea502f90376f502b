package literllm

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// The typed values round-trip the protocol's canonical JSON: what a caller reads (or decodes) is
// what goes back on the wire, zero values and one-string inputs included.
func TestCanonicalJSONRoundTrips(t *testing.T) {
	cases := []struct {
		name string
		into func() any
		json string
	}{
		{"chat request", func() any { return &ChatRequest{} }, `{"model":"openai/gpt-6-luna","messages":[
			{"role":"system","content":"Be brief."},
			{"role":"user","content":[{"type":"text","text":""},{"type":"image","url":"https://example.com/a.png","detail":"low"},{"type":"image","data":"iVBORw0KGgo=","mediaType":"image/png"}],"name":"ann"},
			{"role":"assistant","content":[{"type":"text","text":"Let me look."},{"type":"tool-call","id":"call_1","name":"get_weather","arguments":"{}"}]},
			{"role":"tool","toolCallId":"call_1","content":"sunny","isError":true}],
			"tools":[{"type":"function","name":"get_weather","description":"d","parameters":{"type":"object","properties":{}},"strict":true}],
			"toolChoice":{"type":"tool","name":"get_weather"},"temperature":0,"topP":0.5,"maxTokens":20,"stop":["\n"],"seed":7,
			"responseFormat":{"type":"json-schema","name":"w","schema":{"type":"object"}},"user":"u","providerOptions":{"openai":{"store":false}}}`},
		{"tool choice mode", func() any { return &ChatRequest{} }, `{"model":"m","messages":[],"toolChoice":"required"}`},
		{"embed request, one text", func() any { return &EmbedRequest{} }, `{"model":"m","input":"h"}`},
		{"embed request, a list", func() any { return &EmbedRequest{} }, `{"model":"m","input":["a","b"],"dimensions":4}`},
		{"chat response", func() any { return &ChatResponse{} }, `{"id":"c","provider":"openai","model":"m","content":[{"type":"reasoning","text":"hm","signature":"s"},{"type":"text","text":"Paris."}],
			"text":"Paris.","toolCalls":[],"finishReason":"stop","rawFinishReason":null,"usage":{"inputTokens":3,"outputTokens":5,"totalTokens":8,"cachedInputTokens":0},
			"warnings":[{"type":"unsupported-setting","setting":"seed","message":"no"}],"attempts":[{"provider":"openai","model":"m","outcome":"ok","status":200,"durationMs":1.5}]}`},
		{"start event", func() any { return &StreamEvent{} }, `{"type":"start","id":"c","provider":"openai","model":"m","warnings":[]}`},
		{"empty text delta", func() any { return &StreamEvent{} }, `{"type":"text-delta","text":""}`},
		{"tool call start at index 0", func() any { return &StreamEvent{} }, `{"type":"tool-call-start","index":0,"id":"call_1","name":"f"}`},
		{"tool call delta", func() any { return &StreamEvent{} }, `{"type":"tool-call-delta","index":1,"argumentsDelta":"{\""}`},
		{"tool call end", func() any { return &StreamEvent{} }, `{"type":"tool-call-end","index":0,"id":"call_1","name":"f","arguments":"{}"}`},
		{"finish", func() any { return &StreamEvent{} }, `{"type":"finish","finishReason":"length","rawFinishReason":"max_tokens","usage":{"inputTokens":1,"outputTokens":2,"totalTokens":3}}`},
		{"finish, no raw reason", func() any { return &StreamEvent{} }, `{"type":"finish","finishReason":"stop","rawFinishReason":null,"usage":{"inputTokens":1,"outputTokens":2,"totalTokens":3}}`},
		{"reasoning signature", func() any { return &StreamEvent{} }, `{"type":"reasoning-signature","signature":"sig"}`},
	}
	for _, test := range cases {
		t.Run(test.name, func(t *testing.T) {
			value := test.into()
			if err := json.Unmarshal([]byte(test.json), value); err != nil {
				t.Fatal(err)
			}
			encoded, err := json.Marshal(value)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			_ = json.Unmarshal([]byte(test.json), &want)
			_ = json.Unmarshal(encoded, &got)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("round trip changed it:\n want %s\n  got %s", mustJSON(want), encoded)
			}
		})
	}
}

func TestMessagesBuiltInGoAreCanonical(t *testing.T) {
	messages := []Message{
		SystemMessage("Be brief."),
		AssistantMessage("Looking.", ToolCall{ID: "call_1", Name: "f", Arguments: "{}"}),
		ToolResultMessage("call_1", "sunny"),
		{Role: RoleUser, Content: "What is this?", Parts: []ContentPart{ImageURLPart("https://example.com/a.png")}},
	}
	got := mustJSON(messages)
	want := `[{"role":"system","content":"Be brief."},` +
		`{"role":"assistant","content":[{"type":"text","text":"Looking."},{"type":"tool-call","id":"call_1","name":"f","arguments":"{}"}]},` +
		`{"role":"tool","toolCallId":"call_1","content":"sunny"},` +
		`{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image","url":"https://example.com/a.png"}]}]`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if options := (CallOptions{Timeout: 1500 * time.Microsecond, MaxRetries: Int(0)}).wire(); options.TimeoutMs != 2 || *options.MaxRetries != 0 {
		t.Errorf("options %+v: a timeout rounds up to whole milliseconds; MaxRetries 0 is sent", options)
	}
	if (CallOptions{}).wire() != nil {
		t.Error("no options set: no options object")
	}
}

func TestARetryAfterOfZeroIsKeptAsRetryNow(t *testing.T) {
	zero := 0.0
	err := (&protocolError{Code: "provider_unavailable", Message: "m", Retryable: true, RetryAfterMs: &zero}).toError()
	if !err.HasRetryAfter || err.RetryAfter != 0 {
		t.Errorf("retryAfterMs 0: %+v", err)
	}
	if unknown := (&protocolError{Code: "provider_unavailable", Message: "m"}).toError(); unknown.HasRetryAfter {
		t.Errorf("no retryAfterMs: %+v", unknown)
	}
}

func mustJSON(value any) string {
	encoded, err := json.Marshal(value)
	if err != nil {
		panic(err)
	}
	return string(encoded)
}
