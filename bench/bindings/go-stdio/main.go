// The Go binding (go/) with its embedded engine over stdio, under the same closed loop as the
// net/http row: one *literllm.Client shared by every goroutine, as the binding is meant to be used.
package main

import (
	"context"
	"runtime"

	literllm "github.com/liter-llm/liter-llm/go"
	"liter-llm/bench/bindings/go-driver"
)

func main() {
	spec := driver.ReadSpec()
	ctx := context.Background()
	client, err := literllm.New(ctx, literllm.WithConfigFile(spec.Config))
	if err != nil {
		driver.Fail("literllm.New: %v", err)
	}
	defer client.Close()
	messages := make([]literllm.Message, 0, len(spec.Messages))
	for _, message := range spec.Messages {
		messages = append(messages, literllm.Message{Role: message.Role, Content: message.Content})
	}
	request := literllm.ChatRequest{Model: spec.Model, Messages: messages, MaxTokens: spec.MaxTokens}
	first, err := client.Chat(ctx, request)
	if err != nil || first.Text == "" {
		driver.Fail("literllm: the first answer failed or had no text: %v", err)
	}
	driver.Serve(map[string]any{"go": runtime.Version()}, func() error {
		_, err := client.Chat(ctx, request)
		return err
	})
}
