package literllm

import (
	"context"
	"sync"
)

var shared struct {
	mu     sync.Mutex
	client *Client
}

// Chat is the one-liner: the text of model's answer to prompt, from a client shared by every call
// of this function and started on the first (an engine found as New finds it, with the providers'
// keys from the environment). For anything more, use New.
//
//	text, err := literllm.Chat(ctx, "openai/gpt-4o-mini", "Say hi")
func Chat(ctx context.Context, model, prompt string) (string, error) {
	client, err := sharedClient(ctx)
	if err != nil {
		return "", err
	}
	response, err := client.Chat(ctx, ChatRequest{Model: model, Messages: []Message{UserMessage(prompt)}})
	if err != nil {
		return "", err
	}
	return response.Text, nil
}

// sharedClient is the one-liner's client; a failure to make it is not remembered, so a later call
// can succeed once the engine is there.
func sharedClient(ctx context.Context) (*Client, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.client == nil {
		client, err := New(ctx)
		if err != nil {
			return nil, err
		}
		shared.client = client
	}
	return shared.client, nil
}
