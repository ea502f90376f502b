package literllm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A program outside the repository, whose go.mod points at go/ with a replace directive, builds
// with no network (standard library only) and calls the engine, found from the module's source
// directory in the checkout.
func TestAProgramOutsideTheRepositoryBuildsAndCallsTheEngine(t *testing.T) {
	requireBuild(t)
	dir := t.TempDir()
	if strings.HasPrefix(dir, repoRoot) {
		t.Fatalf("the temporary directory %s is inside the repository", dir)
	}
	files := map[string]string{
		"go.mod": "module example.com/hello\n\ngo 1.22\n\nrequire github.com/liter-llm/liter-llm/go v0.0.0\n\n" +
			"replace github.com/liter-llm/liter-llm/go => " + filepath.Join(repoRoot, "go") + "\n",
		"main.go": `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/liter-llm/liter-llm/go"
)

func main() {
	ctx := context.Background()
	client, err := literllm.New(ctx)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer client.Close()
	resp, err := client.Chat(ctx, literllm.ChatRequest{Model: "openai/gpt-6-luna",
		Messages: []literllm.Message{literllm.SystemMessage("Be brief."), literllm.UserMessage("Hi")}, MaxTokens: 100})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(resp.Text, resp.FinishReason, resp.Provider)
	text, err := literllm.Chat(ctx, "openai/gpt-6-luna", "Say hi")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(text)
}
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-o", "hello", ".")
	build.Dir = dir
	// No network: the binding needs nothing beyond the standard library.
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if output, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, output)
	}
	run := exec.Command(filepath.Join(dir, "hello"))
	run.Dir = dir
	run.Env = append(os.Environ(), "OPENAI_BASE_URL="+startMockProvider(t), "OPENAI_API_KEY=sk-test", "LITER_LLM_ENGINE=", "LITER_LLM_CHECKOUT=")
	output, err := run.Output()
	if err != nil {
		t.Fatalf("the program: %v\n%s", err, output)
	}
	if got := string(output); got != "Echo: Hi stop openai\nEcho: Say hi\n" {
		t.Errorf("the program printed %q", got)
	}
}
