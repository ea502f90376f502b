package literllm

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestConformance runs every vector of conformance/ (conformance/README.md) through this binding's
// public API, in stdio mode (a fresh engine per vector, WithConfigFile) and in http mode (a
// gateway the harness starts, WithBaseURL + WithAPIKey). The harness judges what came back, so the
// TypeScript, Python and Go suites agree by the same rule. One vector:
//
//	go test -run 'TestConformance/stdio/retry-429-retry-after' ./...
//
// LITER_LLM_CONFORMANCE_ROOT names another checkout to take conformance/ from (default: this one).
func TestConformance(t *testing.T) {
	root := repoRoot
	if other := os.Getenv("LITER_LLM_CONFORMANCE_ROOT"); other != "" {
		root = other
	}
	if _, err := os.Stat(filepath.Join(root, "conformance", "harness.mjs")); err != nil {
		t.Skipf("no conformance harness in %s: %v", root, err)
	}
	requireBuild(t)
	for _, mode := range []string{"stdio", "http"} {
		t.Run(mode, func(t *testing.T) {
			// The two modes run side by side, each on its own harness.
			t.Parallel()
			harness := startHarness(t, root)
			for _, vector := range harness.vectors {
				t.Run(vector, func(t *testing.T) { runVector(t, harness, vector, mode) })
			}
		})
	}
}

type conformanceHarness struct {
	stdin   io.WriteCloser
	lines   *bufio.Scanner
	vectors []string
}

func startHarness(t *testing.T, root string) *conformanceHarness {
	t.Helper()
	command := exec.Command("node", filepath.Join("conformance", "harness.mjs"))
	command.Dir = root
	command.Stderr = &testLogWriter{t: t}
	setEngineProcessAttributes(command)
	stdin, err := command.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := command.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := command.Start(); err != nil {
		t.Fatal(err)
	}
	// The harness exits when its stdin closes, after tearing down what it started.
	t.Cleanup(func() {
		stdin.Close()
		waitOrKill(command, 15*time.Second)
	})
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 64<<20)
	harness := &conformanceHarness{stdin: stdin, lines: lines}
	var ready struct {
		Ready   bool     `json:"ready"`
		Vectors []string `json:"vectors"`
		Error   string   `json:"error"`
	}
	if err := harness.read(&ready); err != nil || !ready.Ready {
		t.Fatalf("the harness did not start: %v %s", err, ready.Error)
	}
	harness.vectors = ready.Vectors
	return harness
}

func (h *conformanceHarness) read(answer any) error {
	if !h.lines.Scan() {
		if err := h.lines.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	return json.Unmarshal(h.lines.Bytes(), answer)
}

// ask writes one line and reads the harness's one-line answer.
func (h *conformanceHarness) ask(message, answer any) error {
	line, err := json.Marshal(message)
	if err != nil {
		return err
	}
	if _, err := h.stdin.Write(append(line, '\n')); err != nil {
		return err
	}
	return h.read(answer)
}

// conformanceCall is a vector's call, verbatim.
type conformanceCall struct {
	Method  string          `json:"method"`
	Request json.RawMessage `json:"request"`
	Options *struct {
		TimeoutMs  int64 `json:"timeoutMs"`
		MaxRetries *int  `json:"maxRetries"`
	} `json:"options"`
	CancelAfterEvents *int `json:"cancelAfterEvents"`
}

func (c conformanceCall) callOptions() CallOptions {
	if c.Options == nil {
		return CallOptions{}
	}
	return CallOptions{Timeout: time.Duration(c.Options.TimeoutMs) * time.Millisecond, MaxRetries: c.Options.MaxRetries}
}

func runVector(t *testing.T, harness *conformanceHarness, vector, mode string) {
	var setup struct {
		OK         bool            `json:"ok"`
		Error      string          `json:"error"`
		ConfigPath string          `json:"configPath"`
		Call       conformanceCall `json:"call"`
		BaseURL    string          `json:"baseURL"`
		APIKey     string          `json:"apiKey"`
	}
	if err := harness.ask(map[string]string{"op": "setup", "vector": vector, "mode": mode}, &setup); err != nil || !setup.OK {
		t.Fatalf("setup: %v %s", err, setup.Error)
	}
	options := []Option{WithBaseURL(setup.BaseURL), WithAPIKey(setup.APIKey)}
	if mode == "stdio" {
		options = []Option{WithEngine(mainJS), WithConfigFile(setup.ConfigPath), WithEngineStderr(&testLogWriter{t: t})}
	}
	client, err := New(context.Background(), options...)
	if err != nil {
		_ = harness.ask(map[string]string{"op": "teardown"}, &struct{}{})
		t.Fatal(err)
	}
	// Closed only once the harness has checked: closing earlier would abort the upstream requests a
	// vector's `received` block counts.
	defer client.Close()
	observed, err := observe(client, setup.Call)
	if err != nil {
		_ = harness.ask(map[string]string{"op": "teardown"}, &struct{}{})
		t.Fatal(err)
	}
	var verdict struct {
		OK       bool     `json:"ok"`
		Problems []string `json:"problems"`
		Error    string   `json:"error"`
	}
	if err := harness.ask(map[string]any{"op": "check", "observed": observed}, &verdict); err != nil {
		t.Fatalf("check: %v", err)
	}
	if !verdict.OK {
		shown, _ := json.Marshal(observed)
		t.Errorf("%s (%s): %s%v\nobserved: %s", vector, mode, verdict.Error, verdict.Problems, shown)
	}
}

// observe makes the vector's call through the public typed API and turns what it returned back
// into canonical camelCase JSON. Its error is for a vector this runner cannot express.
func observe(client *Client, call conformanceCall) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	switch call.Method {
	case "chat":
		var request ChatRequest
		if err := json.Unmarshal(call.Request, &request); err != nil {
			return nil, fmt.Errorf("the vector's request does not fit literllm.ChatRequest: %w", err)
		}
		request.CallOptions = call.callOptions()
		response, err := client.Chat(ctx, request)
		return resultOrError(response, err), nil
	case "chatStream":
		var request ChatRequest
		if err := json.Unmarshal(call.Request, &request); err != nil {
			return nil, fmt.Errorf("the vector's request does not fit literllm.ChatRequest: %w", err)
		}
		request.CallOptions = call.callOptions()
		return observeStream(ctx, client, request, call.CancelAfterEvents), nil
	case "embed":
		var request EmbedRequest
		if err := json.Unmarshal(call.Request, &request); err != nil {
			return nil, fmt.Errorf("the vector's request does not fit literllm.EmbedRequest: %w", err)
		}
		request.CallOptions = call.callOptions()
		response, err := client.Embed(ctx, request)
		return resultOrError(response, err), nil
	case "models":
		models, err := client.Models(ctx)
		return resultOrError(map[string]any{"models": models}, err), nil
	}
	return nil, fmt.Errorf("unknown call method %q", call.Method)
}

func observeStream(ctx context.Context, client *Client, request ChatRequest, cancelAfter *int) map[string]any {
	events := []StreamEvent{}
	stream, err := client.ChatStream(ctx, request)
	if err != nil {
		return map[string]any{"events": events, "error": observedError(err)}
	}
	defer stream.Close()
	for stream.Next() {
		events = append(events, stream.Current())
		if cancelAfter != nil && len(events) >= *cancelAfter {
			stream.Close()
			return map[string]any{"events": events, "cancelled": true}
		}
	}
	if err := stream.Err(); err != nil {
		return map[string]any{"events": events, "error": observedError(err)}
	}
	return map[string]any{"events": events, "result": map[string]any{"requestId": stream.RequestID(), "attempts": stream.Attempts()}}
}

func resultOrError(result any, err error) map[string]any {
	if err != nil {
		return map[string]any{"error": observedError(err)}
	}
	return map[string]any{"result": result}
}

// observedError is an error as OBSERVED has it: RetryAfter back to whole milliseconds.
func observedError(err error) map[string]any {
	var llmErr *Error
	if !errors.As(err, &llmErr) {
		return map[string]any{"code": "not-a-literllm-error", "message": err.Error(), "retryable": false}
	}
	observed := map[string]any{"code": llmErr.Code, "message": llmErr.Message, "retryable": llmErr.Retryable}
	if llmErr.HasRetryAfter {
		observed["retryAfterMs"] = math.Round(float64(llmErr.RetryAfter) / float64(time.Millisecond))
	}
	if llmErr.StatusCode != 0 {
		observed["status"] = llmErr.StatusCode
	}
	if llmErr.Provider != "" {
		observed["provider"] = llmErr.Provider
	}
	return observed
}
