package literllm

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTheEngineStartsOnTheFirstCallAndCloseLeavesNoProcess(t *testing.T) {
	client := mockClient(t)
	if pid := enginePID(client); pid != 0 || len(childEngines(t)) != 0 {
		t.Fatalf("New started an engine (pid %d)", pid)
	}
	if _, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi()}); err != nil {
		t.Fatal(err)
	}
	pid := enginePID(client)
	if engines := childEngines(t); len(engines) != 1 || engines[0] != pid {
		t.Fatalf("engines %v, client's %d", engines, pid)
	}
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	// Reaped by Close itself: no zombie, no orphan, right away.
	if processExists(pid) || len(childEngines(t)) != 0 {
		t.Fatalf("engine %d still in the process table after Close", pid)
	}
	if _, err := client.Chat(context.Background(), ChatRequest{Model: testModel, Messages: hi()}); !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "closed") {
		t.Errorf("a call after Close: %v", err)
	}
	if err := client.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestCloseDrainsTheCallsInFlight(t *testing.T) {
	client := mockClient(t, "--latency-ms", "300")
	done := make(chan error, 1)
	if _, err := client.Models(context.Background()); err != nil {
		t.Fatal(err)
	}
	go func() {
		_, err := client.Chat(context.Background(), ChatRequest{Model: testModel, Messages: hi()})
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	client.Close()
	if err := <-done; err != nil {
		t.Fatalf("the call in flight at Close: %v", err)
	}
}

func TestTheEngineDiesWithAProgramThatIsKilled(t *testing.T) {
	requireBuild(t)
	parent := exec.Command(os.Args[0], "-test.run=^$")
	parent.Env = append(os.Environ(), helperEnv+"=orphan-parent", "LITERLLM_TEST_ENGINE="+mainJS)
	stdout, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	defer parent.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "engine pid ") {
		t.Fatalf("the program printed %q (%v)", line, err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "engine pid ")))
	if !processExists(pid) {
		t.Fatalf("engine %d is not running", pid)
	}
	// SIGKILL: no deferred Close, no handler. Its stdin closes and, on Linux, the kernel kills it too.
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = parent.Wait()
	waitFor(t, 5*time.Second, "the orphaned engine to exit", func() bool { return !processExists(pid) })
}
