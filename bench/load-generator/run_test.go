package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// The arrival pattern must stay the one the Node generator had: mulberry32 from the same seed
// (values printed by the Node generator's own function).
func TestPacerRandomIsMulberry32FromTheNodeGeneratorsSeed(t *testing.T) {
	pacer := &pacer{seed: 0x9e3779b9}
	want := []float64{0.3588899802416563, 0.10590326134115458, 0.675290479324758, 0.9179345588199794}
	for index, expected := range want {
		if got := pacer.random(); math.Abs(got-expected) > 1e-15 {
			t.Fatalf("value %d: got %v, want %v", index, got, expected)
		}
	}
}

func serve(t *testing.T, handler http.HandlerFunc) (string, int) {
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	host, port, _ := net.SplitHostPort(server.Listener.Addr().String())
	number, _ := strconv.Atoi(port)
	return host, number
}

func specFor(host string, port int, extra string) *loadSpec {
	text := fmt.Sprintf(`{"host":%q,"port":%d,"path":"/v1/chat/completions","headers":{"authorization":"Bearer x"},
		"body":{"model":"m","messages":[]},"concurrency":4,"warmupMs":50,"durationMs":300,"drainMs":200%s}`, host, port, extra)
	spec, err := parseSpec(text)
	if err != nil {
		panic(err)
	}
	return spec
}

func execute(t *testing.T, spec *loadSpec) map[string]any {
	request, err := spec.requestBytes()
	if err != nil {
		t.Fatal(err)
	}
	result := newRun(spec, request).execute()
	// Through JSON, as the orchestrator reads it.
	encoded, _ := json.Marshal(result)
	var decoded map[string]any
	json.Unmarshal(encoded, &decoded)
	return decoded
}

const completion = `{"choices":[{"message":{"content":"The quick brown fox."}}]}`

func TestClosedLoopCountsWholeAnswers(t *testing.T) {
	// The first request as the server saw it (the handler runs on one goroutine per connection).
	var first sync.Once
	var seen string
	host, port := serve(t, func(writer http.ResponseWriter, request *http.Request) {
		body, _ := io.ReadAll(request.Body)
		first.Do(func() { seen = string(body) + " " + request.Header.Get("authorization") })
		writer.Write([]byte(completion))
	})
	result := execute(t, specFor(host, port, ""))
	if result["errors"].(float64) != 0 || result["invalid"].(float64) != 0 {
		t.Fatalf("errors: %v", result)
	}
	if result["requests"].(float64) < 10 || result["samples"].(float64) < 10 {
		t.Fatalf("too few requests in the window: %v", result)
	}
	if seen != `{"model":"m","messages":[]} Bearer x` {
		t.Fatalf("the request was %q", seen)
	}
	if latency := result["latencyMs"].(map[string]any); latency["p50"].(float64) <= 0 || latency["p99"].(float64) < latency["p50"].(float64) {
		t.Fatalf("latencies: %v", latency)
	}
}

func TestAWrongAnswerIsInvalidAndAnotherStatusIsCounted(t *testing.T) {
	host, port := serve(t, func(writer http.ResponseWriter, request *http.Request) {
		writer.Write([]byte(`{"choices":[{"message":{"content":"Something else"}}]}`))
	})
	result := execute(t, specFor(host, port, ""))
	if result["invalid"].(float64) == 0 || result["requests"].(float64) != 0 {
		t.Fatalf("a wrong answer was counted: %v", result)
	}
	host, port = serve(t, func(writer http.ResponseWriter, request *http.Request) {
		writer.WriteHeader(http.StatusServiceUnavailable)
	})
	result = execute(t, specFor(host, port, ""))
	if result["statusCounts"].(map[string]any)["503"].(float64) == 0 || result["requests"].(float64) != 0 || result["latencyMs"] != nil {
		t.Fatalf("503s were counted as answers: %v", result)
	}
}

func TestAServerThatClosesConnectionsIsAnErrorNotAHang(t *testing.T) {
	host, port := serve(t, func(writer http.ResponseWriter, request *http.Request) {
		connection, _, _ := writer.(http.Hijacker).Hijack()
		connection.Close()
	})
	result := execute(t, specFor(host, port, ""))
	if result["errors"].(float64) == 0 {
		t.Fatalf("lost requests were not counted: %v", result)
	}
}

func TestOpenLoopSendsTheOfferedRate(t *testing.T) {
	host, port := serve(t, func(writer http.ResponseWriter, request *http.Request) {
		writer.Write([]byte(completion))
	})
	result := execute(t, specFor(host, port, `,"ratePerSecond":400,"durationMs":500`))
	// 400/s over 0.5 s: 200 arrivals on average; a Poisson count stays well inside 150–250.
	if requests := result["requests"].(float64); requests < 150 || requests > 250 {
		t.Fatalf("requests in the window: %v", result)
	}
	if _, ok := result["delayed"]; !ok {
		t.Fatalf("an open-loop result has no delayed count: %v", result)
	}
}

func TestConnectionsThatNeverOpenEndTheRun(t *testing.T) {
	listener, _ := net.Listen("tcp", "127.0.0.1:0")
	port := listener.Addr().(*net.TCPAddr).Port
	listener.Close()
	result := execute(t, specFor("127.0.0.1", port, `,"connectTimeoutMs":500`))
	if result["errors"].(float64) == 0 || result["requests"].(float64) != 0 {
		t.Fatalf("a refused target did not fail the run: %v", result)
	}
}
