package literllm

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests run the checkout's built engine (node dist/cli/main.js) against the repository's
// local mock providers, both started on free loopback ports and stopped by each test.

const testModel = "openai/gpt-6-luna"

var (
	repoRoot  = mustAbs("..")
	mainJS    = filepath.Join(repoRoot, "dist", "cli", "main.js")
	buildOnce sync.Once
	buildErr  error
)

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		panic(err)
	}
	return abs
}

// requireBuild builds dist/ once when it is missing (make test builds it first).
func requireBuild(t testing.TB) {
	t.Helper()
	buildOnce.Do(func() {
		if _, err := os.Stat(mainJS); err == nil {
			return
		}
		command := exec.Command("npx", "tsc", "-b")
		command.Dir = repoRoot
		if output, err := command.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("npx tsc -b: %v\n%s", err, output)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// startHelper starts `node dist/cli/main.js args...` (killed with this process on Linux), waits
// for a stdout line matching pattern and returns its first group; the test's cleanup stops it.
func startHelper(t testing.TB, pattern *regexp.Regexp, env []string, args ...string) string {
	t.Helper()
	requireBuild(t)
	command := exec.Command("node", append([]string{mainJS}, args...)...)
	command.Env = append(os.Environ(), env...)
	command.Stderr = &testLogWriter{t: t}
	setEngineProcessAttributes(command)
	stdout, err := command.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := command.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = command.Process.Signal(syscall.SIGTERM)
		waitOrKill(command, 10*time.Second)
	})
	lines := bufio.NewScanner(stdout)
	found := make(chan string, 1)
	go func() {
		var seen []string
		for lines.Scan() {
			if match := pattern.FindStringSubmatch(lines.Text()); match != nil {
				found <- match[1]
				break
			}
			seen = append(seen, lines.Text())
		}
		if len(found) == 0 {
			found <- "!" + strings.Join(seen, "\n")
		}
		// Keep reading, so the helper never blocks on a full pipe.
		for lines.Scan() {
		}
	}()
	select {
	case value := <-found:
		if strings.HasPrefix(value, "!") {
			t.Fatalf("%s exited without printing %s; it printed:\n%s", args[0], pattern, value[1:])
		}
		return value
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start within 30 s", args[0])
	}
	return ""
}

var mockListening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// startMockProvider starts the mock OpenAI provider with the given flags; its base URL (with /v1).
func startMockProvider(t testing.TB, flags ...string) string {
	t.Helper()
	return startHelper(t, mockListening, nil, append([]string{"mock-provider", "--provider", "openai", "--port", "0"}, flags...)...) + "/v1"
}

var gatewayListening = regexp.MustCompile(`gateway listening on (http://\S+)`)

// startGateway starts `liter-llm serve` on config; its base URL.
func startGateway(t testing.TB, config string, env ...string) string {
	t.Helper()
	return startHelper(t, gatewayListening, env, "serve", "--config", config, "--host", "127.0.0.1", "--port", "0")
}

// newEngineClient is a client on the checkout's engine with env added; closed by the test's cleanup.
func newEngineClient(t testing.TB, options ...Option) *Client {
	t.Helper()
	requireBuild(t)
	all := append([]Option{WithEngine(mainJS), WithEngineStderr(&testLogWriter{t: t})}, options...)
	client, err := New(context.Background(), all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

// mockClient is an engine client whose openai provider is a fresh mock started with flags.
func mockClient(t testing.TB, flags ...string) *Client {
	t.Helper()
	return newEngineClient(t, WithEnv("OPENAI_BASE_URL="+startMockProvider(t, flags...), "OPENAI_API_KEY=sk-test"))
}

// writeConfig writes a config file into the test's temporary directory.
func writeConfig(t testing.TB, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "liter-llm.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func hi() []Message { return []Message{UserMessage("Hi")} }

// childEngines are this process's live children that are engines, from the process table.
func childEngines(t testing.TB) []int {
	t.Helper()
	var engines []int
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", os.Getpid()))
	if err != nil || len(tasks) == 0 {
		t.Skip("no /proc on this platform")
	}
	for _, task := range tasks {
		text, err := os.ReadFile(task)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(text)) {
			pid, _ := strconv.Atoi(field)
			command, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			if err != nil {
				continue
			}
			args := strings.Split(string(command), "\x00")
			if contains(args, "engine") && contains(args, "--stdio") && !isZombie(pid) {
				engines = append(engines, pid)
			}
		}
	}
	return engines
}

// processExists reports whether pid is a live (not zombie) process.
func processExists(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	return !isZombie(pid)
}

func isZombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X")
}

func contains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}

// waitFor polls condition until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, condition func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !condition() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// enginePID is the pid of the client's running engine (0 when none).
func enginePID(client *Client) int {
	transport, ok := client.transport.(*stdioTransport)
	if !ok {
		return 0
	}
	transport.mu.Lock()
	defer transport.mu.Unlock()
	if transport.process == nil {
		return 0
	}
	return transport.process.pid
}

// testLogWriter sends a helper's stderr to the test log, so a failure shows it (and a pass hides it).
type testLogWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func (w *testLogWriter) Write(data []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		func() {
			// Logging after the test ended panics; the cleanup may still be reaping a helper.
			defer func() {
				if recover() != nil {
					w.done = true
				}
			}()
			w.t.Logf("%s", bytes.TrimRight(data, "\n"))
		}()
	}
	return len(data), nil
}

func withTimeout(t testing.TB, timeout time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

// gatewayKey is the key the tests' gateways require (server.api_keys).
const gatewayKey = "sk-gateway-test"

// connector makes a client whose engine runs on the config text: embedded, or a gateway's.
type connector func(t *testing.T, config string) *Client

// forEachMode runs test once over stdio and once against a gateway over HTTP: the same calls
// must give the same results and errors both ways.
func forEachMode(t *testing.T, test func(t *testing.T, connect connector)) {
	t.Run("stdio", func(t *testing.T) { test(t, connectStdio) })
	t.Run("http", func(t *testing.T) { test(t, connectHTTP) })
}

func connectStdio(t *testing.T, config string) *Client {
	return newEngineClient(t, WithConfigFile(writeConfig(t, config)))
}

func connectHTTP(t *testing.T, config string) *Client {
	t.Helper()
	baseURL := startGateway(t, writeConfig(t, config+"server:\n  api_keys: [ "+gatewayKey+" ]\n"))
	client, err := New(context.Background(), WithBaseURL(baseURL), WithAPIKey(gatewayKey))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

// providerConfig is a config whose openai provider is at baseURL, with extra provider settings.
func providerConfig(baseURL string, settings ...string) string {
	text := "providers:\n  openai:\n    base_url: " + baseURL + "\n    api_key: sk-test\n"
	for _, setting := range settings {
		text += "    " + setting + "\n"
	}
	return text
}

// waitOrKill reaps a test's child process that was asked to stop, killing it if it has not
// exited within grace.
func waitOrKill(command *exec.Cmd, grace time.Duration) {
	done := make(chan struct{})
	go func() { _ = command.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		_ = command.Process.Kill()
		<-done
	}
}
