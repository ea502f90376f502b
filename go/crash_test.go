package literllm

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestAnEngineThatDiesFailsTheCallsInFlightAndTheNextCallRestartsIt(t *testing.T) {
	upstream := startFakeUpstream(t)
	client := fakeUpstreamClient(t, upstream)
	ctx := withTimeout(t, 30*time.Second)
	const calls = 3
	errs := make(chan error, calls+1)
	for i := 0; i < calls; i++ {
		go func() {
			_, err := client.Chat(ctx, ChatRequest{Model: "openai/gpt-slow", Messages: hi()})
			errs <- err
		}()
	}
	stream, err := client.ChatStream(ctx, ChatRequest{Model: "openai/gpt-stream-forever", Messages: hi()})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	waitFor(t, 10*time.Second, "every call to reach the upstream", func() bool { open, _ := upstream.counts(); return open == calls+1 })
	pid := enginePID(client)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	for i := 0; i < calls; i++ {
		err := <-errs
		if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "stopped") || !strings.Contains(err.Error(), "next call starts a fresh engine") {
			t.Errorf("call %d: err = %v, want ErrInternal saying the engine stopped", i, err)
		}
	}
	for stream.Next() {
	}
	if !errors.Is(stream.Err(), ErrInternal) {
		t.Errorf("stream: err = %v", stream.Err())
	}
	if elapsed := time.Since(killed); elapsed > 2*time.Second {
		t.Errorf("the calls in flight failed %s after the engine died", elapsed)
	}
	waitFor(t, 2*time.Second, "the dead engine to be reaped", func() bool { return !processExists(pid) })
	response, err := client.Chat(ctx, ChatRequest{Model: testModel, Messages: hi()})
	if err != nil || response.Text != "ok" {
		t.Fatalf("the call after the crash: %+v, %v", response, err)
	}
	if restarted := enginePID(client); restarted == 0 || restarted == pid {
		t.Errorf("the engine was not restarted: pid %d, before %d", restarted, pid)
	}
}

func TestManyGoroutinesShareOneClient(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t)))
		ctx := withTimeout(t, 60*time.Second)
		const goroutines = 32
		var wait sync.WaitGroup
		failures := make(chan string, goroutines*2)
		for i := 0; i < goroutines; i++ {
			wait.Add(1)
			go func(i int) {
				defer wait.Done()
				prompt := "call " + strings.Repeat("x", i)
				if i%2 == 0 {
					response, err := client.Chat(ctx, ChatRequest{Model: testModel, Messages: []Message{UserMessage(prompt)}})
					if err != nil || response.Text != "Echo: "+prompt {
						failures <- "chat " + prompt + ": " + describe(response, err)
					}
					return
				}
				stream, err := client.ChatStream(ctx, ChatRequest{Model: testModel, Messages: []Message{UserMessage(prompt)}})
				if err != nil {
					failures <- err.Error()
					return
				}
				defer stream.Close()
				var text strings.Builder
				for stream.Next() {
					text.WriteString(stream.Current().Text)
				}
				if stream.Err() != nil || text.String() != "Echo: "+prompt {
					failures <- "stream " + prompt + ": got " + text.String()
				}
			}(i)
		}
		wait.Wait()
		close(failures)
		for failure := range failures {
			t.Error(failure)
		}
		if engines := childEngines(t); enginePID(client) != 0 && len(engines) != 1 {
			t.Errorf("%d engines for one client: %v", len(engines), engines)
		}
	})
}

func describe(response *ChatResponse, err error) string {
	if err != nil {
		return err.Error()
	}
	return "got " + response.Text
}

func TestConcurrentFirstCallsStartOneEngine(t *testing.T) {
	client := mockClient(t)
	var wait sync.WaitGroup
	for i := 0; i < 8; i++ {
		wait.Add(1)
		go func() {
			defer wait.Done()
			if _, err := client.Models(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wait.Wait()
	if engines := childEngines(t); len(engines) != 1 {
		t.Errorf("%d engines started: %v", len(engines), engines)
	}
}
