package literllm

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeEngineClient is a client whose engine is this test binary misbehaving as mode says.
func fakeEngineClient(t *testing.T, mode string, stderr *lockedBuffer) *Client {
	t.Helper()
	// GORACE: a race-enabled binary otherwise sleeps a second as it exits.
	options := []Option{WithEngine(os.Args[0]), WithEnv(helperEnv+"="+mode, "GORACE=atexit_sleep_ms=0")}
	if stderr != nil {
		options = append(options, WithEngineStderr(stderr))
	}
	client, err := New(context.Background(), options...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

type lockedBuffer struct {
	mu     sync.Mutex
	buffer bytes.Buffer
}

func (b *lockedBuffer) Write(data []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffer.Write(data)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buffer.String()
}

func TestAnEngineOfAnotherMajorVersionIsAClearError(t *testing.T) {
	client := fakeEngineClient(t, "version-2", nil)
	_, err := client.Models(withTimeout(t, 10*time.Second))
	if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "protocol version mismatch") || !strings.Contains(err.Error(), "2.0.0") {
		t.Fatalf("err = %v", err)
	}
	if len(childEngines(t)) != 0 {
		t.Error("the mismatched engine was left running")
	}
}

func TestAnEngineRefusingOurVersionIsItsError(t *testing.T) {
	client := fakeEngineClient(t, "refuse", nil)
	_, err := client.Models(withTimeout(t, 10*time.Second))
	var llmErr *Error
	if !errors.As(err, &llmErr) || llmErr.Code != CodeInvalidRequest || llmErr.Param != "params.protocolVersion" || !strings.Contains(llmErr.Message, "mismatch") {
		t.Fatalf("err = %v", err)
	}
}

func TestAFrameThatIsNotJSONFailsTheCallAndTheEngineIsReplaced(t *testing.T) {
	for _, mode := range []string{"garbage", "bad-length"} {
		t.Run(mode, func(t *testing.T) {
			client := fakeEngineClient(t, mode, nil)
			ctx := withTimeout(t, 10*time.Second)
			_, err := client.Chat(ctx, ChatRequest{Model: testModel, Messages: hi()})
			if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "stopped") {
				t.Fatalf("err = %v", err)
			}
			first := enginePID(client)
			waitFor(t, 2*time.Second, "the engine sending garbage to be ended", func() bool { return !processExists(first) })
			// The next call starts a fresh engine (which misbehaves again).
			if _, err := client.Chat(ctx, ChatRequest{Model: testModel, Messages: hi()}); !errors.Is(err, ErrInternal) {
				t.Fatalf("second call: %v", err)
			}
			if second := enginePID(client); second == first {
				t.Errorf("no fresh engine: pid %d both times", first)
			}
		})
	}
}

func TestFramesAboutNoCallAreLoggedAndUnknownFieldsTolerated(t *testing.T) {
	stderr := &lockedBuffer{}
	client := fakeEngineClient(t, "null-id-error", stderr)
	models, err := client.Models(withTimeout(t, 10*time.Second))
	if err != nil || len(models) != 1 || models[0].ID != "fake/model" {
		t.Fatalf("Models = %+v, %v", models, err)
	}
	if !strings.Contains(stderr.String(), "rejected a frame") {
		t.Errorf("stderr = %q, want the rejected frame logged", stderr.String())
	}
	tolerant := fakeEngineClient(t, "unknown-fields", nil)
	if models, err := tolerant.Models(withTimeout(t, 10*time.Second)); err != nil || models[0].Provider != "fake" {
		t.Fatalf("unknown fields: %+v, %v", models, err)
	}
}

func TestAnEngineThatNeverAnswersIsBoundedByTheContext(t *testing.T) {
	client := fakeEngineClient(t, "silent", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := client.Models(ctx)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if len(childEngines(t)) != 0 {
		t.Error("the silent engine was left running")
	}
}

func TestAnEngineThatExitsAtStartSaysWhy(t *testing.T) {
	client := fakeEngineClient(t, "exit-at-start", &lockedBuffer{})
	_, err := client.Models(withTimeout(t, 10*time.Second))
	if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "providers.openai.base_url") {
		t.Fatalf("err = %v", err)
	}
}

func TestNoEngineAnywhereSaysHowToGetOne(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("LITER_LLM_CHECKOUT", t.TempDir())
	// The checkout this source lies in would be found: hide it by asking for a missing engine.
	_, err := New(context.Background(), WithEnv("LITER_LLM_ENGINE=/nonexistent/liter-llm"))
	if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "LITER_LLM_ENGINE") || !strings.Contains(err.Error(), "make engine-binary") {
		t.Fatalf("err = %v", err)
	}
}

func TestTheEngineIsFoundInTheCheckout(t *testing.T) {
	requireBuild(t)
	command, err := findEngine(nil, []string{"LITER_LLM_CHECKOUT=" + repoRoot})
	if err != nil {
		t.Fatal(err)
	}
	if last := command[len(command)-1]; last != mainJS && !strings.HasSuffix(last, "dist/bin/liter-llm") {
		t.Errorf("found %v", command)
	}
	if _, err := findEngine([]string{"/nonexistent/main.js"}, nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing main.js: %v", err)
	}
}
