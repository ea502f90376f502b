package literllm

import (
	"strings"
	"testing"
	"time"
)

func TestChatReturnsATypedResponse(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t)))
		response, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel,
			Messages: []Message{SystemMessage("Be brief."), UserMessage("Hi there")}, MaxTokens: 20, Temperature: Float(0.2)})
		if err != nil {
			t.Fatal(err)
		}
		if response.Text != "Echo: Hi there" {
			t.Errorf("Text = %q, want the mock's echo", response.Text)
		}
		if response.FinishReason != FinishStop || response.Provider != "openai" || response.Model == "" || response.ID == "" {
			t.Errorf("FinishReason %q, Provider %q, Model %q, ID %q", response.FinishReason, response.Provider, response.Model, response.ID)
		}
		if u := response.Usage; u.InputTokens <= 0 || u.OutputTokens <= 0 || u.TotalTokens != u.InputTokens+u.OutputTokens {
			t.Errorf("Usage = %+v", u)
		}
		if len(response.ToolCalls) != 0 || len(response.Attempts) != 1 || response.Attempts[0].Outcome != "ok" || response.Attempts[0].Provider != "openai" {
			t.Errorf("ToolCalls %v, Attempts %+v", response.ToolCalls, response.Attempts)
		}
	})
}

func TestStreamYieldsTypedEventsInOrder(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t)))
		stream, err := client.ChatStream(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi()})
		if err != nil {
			t.Fatal(err)
		}
		defer stream.Close()
		var kinds []EventType
		var text strings.Builder
		var last StreamEvent
		for stream.Next() {
			last = stream.Current()
			kinds = append(kinds, last.Type)
			if last.Type == EventTextDelta {
				text.WriteString(last.Text)
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if len(kinds) < 3 || kinds[0] != EventStart || kinds[len(kinds)-1] != EventFinish {
			t.Fatalf("event types %v: want start ... finish", kinds)
		}
		if text.String() != "Echo: Hi" {
			t.Errorf("streamed text %q", text.String())
		}
		if last.Usage == nil || last.Usage.OutputTokens <= 0 || last.FinishReason != FinishStop {
			t.Errorf("finish event %+v", last)
		}
		if attempts := stream.Attempts(); len(attempts) != 1 || attempts[0].Outcome != "ok" || stream.RequestID() == "" {
			t.Errorf("Attempts %+v, RequestID %q", attempts, stream.RequestID())
		}
	})
}

func TestEmbedReturnsOneFloatVectorPerInput(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t)))
		response, err := client.Embed(withTimeout(t, 30*time.Second), EmbedRequest{Model: "openai/text-embedding-3-small", Input: []string{"a", "b"}, Dimensions: 8})
		if err != nil {
			t.Fatal(err)
		}
		if len(response.Embeddings) != 2 || len(response.Embeddings[0]) != 8 || response.Provider != "openai" {
			t.Fatalf("Embeddings %v, Provider %q", response.Embeddings, response.Provider)
		}
		if response.Embeddings[0][0] == response.Embeddings[1][0] && response.Embeddings[0][1] == response.Embeddings[1][1] {
			t.Errorf("the two texts got the same vector: %v", response.Embeddings)
		}
	})
}

func TestModelsListsTheConfigRoutesAndModels(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t), "models: [ gpt-6-luna ]")+
			"routes:\n  chat-default:\n    targets:\n      - { provider: openai, model: gpt-6-luna }\n")
		ctx := withTimeout(t, 30*time.Second)
		models, err := client.Models(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]string{}
		for _, model := range models {
			found[model.ID] = model.Kind
		}
		if found["chat-default"] != "route" || found["openai/gpt-6-luna"] != "provider-model" || len(found) != 2 {
			t.Errorf("Models = %+v", models)
		}
		response, err := client.Chat(ctx, ChatRequest{Model: "chat-default", Messages: hi()})
		if err != nil || response.Provider != "openai" {
			t.Fatalf("chat on the route: %+v, %v", response, err)
		}
		stats, err := client.Stats(ctx)
		if err != nil || len(stats) != 1 || stats[0].Name != "openai" || stats[0].InFlight != 0 || stats[0].MaxConcurrency <= 0 {
			t.Errorf("Stats = %+v, %v", stats, err)
		}
	})
}

func TestToolCallsComeBackTyped(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t)))
		tool := Tool{Name: "get_weather", Description: "The weather in a city",
			Parameters: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}
		ctx := withTimeout(t, 30*time.Second)
		response, err := client.Chat(ctx, ChatRequest{Model: testModel, Messages: hi(), Tools: []Tool{tool}, ToolChoice: ToolChoiceNamed("get_weather")})
		if err != nil {
			t.Fatal(err)
		}
		if len(response.ToolCalls) != 1 || response.ToolCalls[0].Name != "get_weather" || response.ToolCalls[0].ID == "" || response.FinishReason != FinishToolCalls {
			t.Fatalf("ToolCalls %+v, FinishReason %q", response.ToolCalls, response.FinishReason)
		}
		// The next turn sends the call and its result back.
		next, err := client.Chat(ctx, ChatRequest{Model: testModel, Tools: []Tool{tool}, Messages: []Message{
			UserMessage("Weather in Paris?"), AssistantMessage("", response.ToolCalls...), ToolResultMessage(response.ToolCalls[0].ID, "sunny"),
		}})
		if err != nil {
			t.Fatal(err)
		}
		if next.Text != "Echo: sunny" {
			t.Errorf("Text = %q, want the tool result echoed", next.Text)
		}
	})
}
