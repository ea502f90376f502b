package literllm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeUpstream is an OpenAI-compatible provider written here so the tests can see what the engine
// does upstream: how many calls are open and when one is aborted. Models ending in "-slow" hold
// the call until it is aborted; "-stream-forever" streams a chunk every 50 ms until aborted; any
// other model answers "ok" at once.
type fakeUpstream struct {
	server  *httptest.Server
	mu      sync.Mutex
	open    int
	aborted int
	abort   chan struct{}
}

func startFakeUpstream(t testing.TB) *fakeUpstream {
	t.Helper()
	upstream := &fakeUpstream{abort: make(chan struct{}, 100)}
	upstream.server = httptest.NewServer(http.HandlerFunc(upstream.serve))
	t.Cleanup(upstream.server.Close)
	return upstream
}

func (u *fakeUpstream) baseURL() string { return u.server.URL + "/v1" }

func (u *fakeUpstream) counts() (open, aborted int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.open, u.aborted
}

// waitAborted waits until the engine has closed n calls upstream before their end.
func (u *fakeUpstream) waitAborted(t testing.TB, n int, within time.Duration) {
	t.Helper()
	waitFor(t, within, fmt.Sprintf("%d upstream aborts", n), func() bool { _, aborted := u.counts(); return aborted >= n })
}

func (u *fakeUpstream) serve(writer http.ResponseWriter, request *http.Request) {
	var body struct {
		Model  string `json:"model"`
		Stream bool   `json:"stream"`
	}
	_ = json.NewDecoder(request.Body).Decode(&body)
	u.mu.Lock()
	u.open++
	u.mu.Unlock()
	finished := false
	defer func() {
		u.mu.Lock()
		u.open--
		if !finished {
			u.aborted++
		}
		u.mu.Unlock()
	}()
	switch {
	case strings.HasSuffix(body.Model, "-slow"):
		select {
		case <-request.Context().Done():
		case <-time.After(30 * time.Second):
		}
	case strings.HasSuffix(body.Model, "-stream-forever"):
		writer.Header().Set("content-type", "text/event-stream")
		flusher := writer.(http.Flusher)
		writeChunk(writer, body.Model, `{"role":"assistant","content":""}`)
		flusher.Flush()
		for {
			select {
			case <-request.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
				writeChunk(writer, body.Model, `{"content":"la "}`)
				flusher.Flush()
			}
		}
	default:
		finished = true
		writer.Header().Set("content-type", "application/json")
		fmt.Fprintf(writer, `{"id":"chatcmpl-1","object":"chat.completion","created":0,"model":%q,"choices":[{"index":0,`+
			`"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`, body.Model)
	}
}

func writeChunk(writer http.ResponseWriter, model, delta string) {
	fmt.Fprintf(writer, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":%q,"+
		"\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":null}]}\n\n", model, delta)
}

// fakeUpstreamClient is an engine client whose openai provider is upstream, with no retries.
func fakeUpstreamClient(t testing.TB, upstream *fakeUpstream) *Client {
	t.Helper()
	config := writeConfig(t, "providers:\n  openai:\n    base_url: "+upstream.baseURL()+"\n    api_key: sk-test\n    max_retries: 0\n    timeout_ms: 60000\n")
	return newEngineClient(t, WithConfigFile(config))
}
