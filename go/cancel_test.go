package literllm

import (
	"context"
	"errors"
	"testing"
	"time"
)

// openStream starts a never-ending stream and reads n events from it.
func openStream(t *testing.T, ctx context.Context, client *Client, n int) *ChatStream {
	t.Helper()
	stream, err := client.ChatStream(ctx, ChatRequest{Model: "openai/gpt-stream-forever", Messages: hi()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stream.Close() })
	for i := 0; i < n; i++ {
		if !stream.Next() {
			t.Fatalf("the stream ended after %d events: %v", i, stream.Err())
		}
	}
	return stream
}

// requireNothingInFlight checks that the engine holds no permit for the provider any more.
func requireNothingInFlight(t *testing.T, client *Client) {
	t.Helper()
	waitFor(t, 2*time.Second, "the provider's permit to be freed", func() bool {
		stats, err := client.Stats(context.Background())
		return err == nil && len(stats) == 1 && stats[0].InFlight == 0
	})
}

func TestCancellingTheContextMidStreamAbortsItUpstream(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		upstream := startFakeUpstream(t)
		client := connect(t, providerConfig(upstream.baseURL(), "max_retries: 0"))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stream := openStream(t, ctx, client, 3)
		cancel()
		upstream.waitAborted(t, 1, 2*time.Second)
		if stream.Next() {
			t.Fatal("Next after the context was cancelled returned an event")
		}
		err := stream.Err()
		if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
			t.Fatalf("Err() = %v, want ErrCancelled and context.Canceled", err)
		}
		requireNothingInFlight(t, client)
	})
}

func TestClosingAStreamEarlyAbortsItUpstreamBeforeCloseReturns(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		upstream := startFakeUpstream(t)
		client := connect(t, providerConfig(upstream.baseURL(), "max_retries: 0"))
		stream := openStream(t, withTimeout(t, 30*time.Second), client, 2)
		started := time.Now()
		if err := stream.Close(); err != nil {
			t.Fatal(err)
		}
		if elapsed := time.Since(started); elapsed > 2*time.Second {
			t.Errorf("Close took %s", elapsed)
		}
		// Close waited for the engine to end the call: its permit is free already.
		stats, err := client.Stats(context.Background())
		if err != nil || stats[0].InFlight != 0 {
			t.Errorf("after Close: stats %+v, %v", stats, err)
		}
		upstream.waitAborted(t, 1, 2*time.Second)
		if stream.Next() || stream.Err() != nil {
			t.Errorf("after Close: Next or Err = %v", stream.Err())
		}
		// The client goes on.
		if _, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi()}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCloseFromAnotherGoroutineInterruptsNext(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		upstream := startFakeUpstream(t)
		client := connect(t, providerConfig(upstream.baseURL(), "max_retries: 0"))
		stream, err := client.ChatStream(withTimeout(t, 30*time.Second), ChatRequest{Model: "openai/gpt-slow", Messages: hi()})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, 5*time.Second, "the call to reach the upstream", func() bool { open, _ := upstream.counts(); return open == 1 })
		time.AfterFunc(100*time.Millisecond, func() { stream.Close() })
		if stream.Next() || stream.Err() != nil {
			t.Fatalf("Next after Close: %v", stream.Err())
		}
		upstream.waitAborted(t, 1, 2*time.Second)
	})
}

func TestAContextDeadlineOnChatIsATimeoutAndAbortsUpstream(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		upstream := startFakeUpstream(t)
		client := connect(t, providerConfig(upstream.baseURL(), "max_retries: 0"))
		if _, err := client.Models(context.Background()); err != nil { // the engine is up: the deadline is the call's alone
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		started := time.Now()
		_, err := client.Chat(ctx, ChatRequest{Model: "openai/gpt-slow", Messages: hi()})
		if elapsed := time.Since(started); elapsed > 1500*time.Millisecond {
			t.Errorf("Chat returned %s after a 300 ms deadline", elapsed)
		}
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrCancelled) {
			t.Fatalf("err = %v, want ErrTimeout and context.DeadlineExceeded", err)
		}
		upstream.waitAborted(t, 1, 2*time.Second)
		requireNothingInFlight(t, client)
	})
}

func TestTheCallsTimeoutOptionIsTheEnginesTimeout(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		upstream := startFakeUpstream(t)
		client := connect(t, providerConfig(upstream.baseURL(), "max_retries: 0"))
		_, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: "openai/gpt-slow", Messages: hi(), CallOptions: CallOptions{Timeout: 300 * time.Millisecond}})
		var llmErr *Error
		if !errors.As(err, &llmErr) || llmErr.Code != CodeTimeout || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the engine's timeout", err)
		}
		upstream.waitAborted(t, 1, 2*time.Second)
	})
}

func TestACancelledContextFailsAtOnce(t *testing.T) {
	client := newEngineClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.Chat(ctx, ChatRequest{Model: testModel, Messages: hi()})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if _, err := client.ChatStream(ctx, ChatRequest{Model: testModel, Messages: hi()}); !errors.Is(err, ErrCancelled) {
		t.Fatalf("ChatStream: err = %v", err)
	}
	if pid := enginePID(client); pid != 0 {
		t.Errorf("a cancelled first call started an engine (pid %d)", pid)
	}
}
