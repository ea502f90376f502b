package literllm

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// helperEnv makes the test binary, started as a child, act as something else: a fake engine
// (for frames the real engine never sends) or a program that uses the binding and is then killed.
const helperEnv = "LITERLLM_TEST_HELPER"

func TestMain(m *testing.M) {
	switch mode := os.Getenv(helperEnv); {
	case mode == "":
		os.Exit(m.Run())
	case mode == "orphan-parent":
		runOrphanParent()
	default:
		runFakeEngine(mode)
	}
}

// runOrphanParent uses the binding the way a program does, prints its engine's pid, and waits to be killed.
func runOrphanParent() {
	client, err := New(context.Background(), WithEngine(os.Getenv("LITERLLM_TEST_ENGINE")))
	if err == nil {
		_, err = client.Models(context.Background())
	}
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("engine pid", enginePID(client))
	time.Sleep(time.Minute)
	os.Exit(0)
}

// runFakeEngine speaks just enough of the protocol to misbehave in the way mode names.
func runFakeEngine(mode string) {
	if mode == "exit-at-start" {
		fmt.Fprintln(os.Stderr, "liter-llm engine: config error: providers.openai.base_url: expected a URL")
		os.Exit(3)
	}
	reader := bufio.NewReader(os.Stdin)
	for {
		var header [4]byte
		if _, err := io.ReadFull(reader, header[:]); err != nil {
			os.Exit(0) // stdin closed: exit, as the real engine does
		}
		body := make([]byte, binary.BigEndian.Uint32(header[:]))
		if _, err := io.ReadFull(reader, body); err != nil {
			os.Exit(0)
		}
		var frame struct {
			ID     uint64 `json:"id"`
			Method string `json:"method"`
		}
		_ = json.Unmarshal(body, &frame)
		answerFake(mode, frame.ID, frame.Method)
	}
}

func answerFake(mode string, id uint64, method string) {
	if method == "initialize" {
		switch mode {
		case "silent":
			return
		case "version-2":
			writeFake(map[string]any{"type": "result", "id": id, "result": map[string]any{"protocolVersion": "2.0.0", "packageVersion": "9.0.0",
				"capabilities": map[string]any{"methods": []string{"chat"}, "maxFrameBytes": 1 << 26}}})
		case "refuse":
			writeFake(map[string]any{"type": "error", "id": id, "error": map[string]any{"code": "invalid_request", "param": "params.protocolVersion",
				"retryable": false, "message": "protocol version mismatch: the client speaks 1.0.0, this engine speaks 0.9.0 (major 0)"}})
		default:
			writeFake(map[string]any{"type": "result", "id": id, "result": map[string]any{"protocolVersion": "1.4.0", "packageVersion": "0.1.0",
				"capabilities": map[string]any{"methods": []string{"chat"}, "maxFrameBytes": 1 << 26}}})
		}
		return
	}
	if method == "shutdown" {
		writeFake(map[string]any{"type": "result", "id": id, "result": map[string]any{}})
		os.Exit(0)
	}
	switch mode {
	case "garbage":
		writeRaw([]byte("this is not JSON"))
	case "bad-length":
		os.Stdout.Write([]byte{0xff, 0xff, 0xff, 0xff, '{'})
	case "null-id-error":
		writeFake(map[string]any{"type": "error", "id": nil, "error": map[string]any{"code": "invalid_request", "param": "frame", "retryable": false, "message": "not JSON"}})
		writeFake(map[string]any{"type": "result", "id": id, "result": map[string]any{"models": []map[string]string{{"id": "fake/model", "kind": "provider-model", "provider": "fake"}}}})
	case "unknown-fields":
		writeFake(map[string]any{"type": "result", "id": id, "futureField": true, "result": map[string]any{
			"models": []map[string]any{{"id": "fake/model", "kind": "provider-model", "provider": "fake", "contextWindow": 128000}}}})
	}
}

func writeFake(frame map[string]any) {
	body, _ := json.Marshal(frame)
	writeRaw(body)
}

func writeRaw(body []byte) {
	var header [4]byte
	binary.BigEndian.PutUint32(header[:], uint32(len(body)))
	os.Stdout.Write(append(header[:], body...))
}
