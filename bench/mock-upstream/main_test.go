package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func startUpstream(t *testing.T) (*httptest.Server, *sharedTicker) {
	ticker := newSharedTicker(time.Millisecond)
	server := httptest.NewServer(&upstream{frames: newFrameCache(20), ticker: ticker})
	t.Cleanup(server.Close)
	return server, ticker
}

func post(t *testing.T, server *httptest.Server, path, body string) *http.Response {
	response, err := http.Post(server.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { response.Body.Close() })
	return response
}

func TestAnswersAChatCompletionAfterTheModelsLatency(t *testing.T) {
	server, _ := startUpstream(t)
	started := time.Now()
	response := post(t, server, "/v1/chat/completions", `{"model":"bench-30ms","messages":[]}`)
	if elapsed := time.Since(started); elapsed < 30*time.Millisecond {
		t.Fatalf("answered after %v, before the model's 30 ms", elapsed)
	}
	var completion struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Model   string `json:"model"`
		Choices []struct {
			Message      struct{ Role, Content string } `json:"message"`
			FinishReason string                         `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
			TotalTokens      int `json:"total_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(response.Body).Decode(&completion); err != nil {
		t.Fatal(err)
	}
	choice := completion.Choices[0]
	if response.StatusCode != 200 || completion.Object != "chat.completion" || completion.Model != "bench-30ms" ||
		!strings.HasPrefix(completion.ID, "chatcmpl-bench") || choice.Message.Role != "assistant" ||
		choice.Message.Content != "The quick brown fox jumps over the lazy dog, and then it rests under a tall oak tree." ||
		choice.FinishReason != "stop" || completion.Usage.TotalTokens != 39 {
		t.Fatalf("unexpected completion: %+v", completion)
	}
	second := post(t, server, "/v1/chat/completions", `{"model":"bench-0ms"}`)
	var next struct{ ID string }
	json.NewDecoder(second.Body).Decode(&next)
	if next.ID == completion.ID {
		t.Fatal("two completions share one id")
	}
}

func TestStreamsEveryChunkSeparatelyAndStopsTheTickerAfterwards(t *testing.T) {
	server, ticker := startUpstream(t)
	response := post(t, server, "/v1/chat/completions", `{"model":"bench-0ms","stream":true,"stream_options":{"include_usage":true}}`)
	if response.Header.Get("content-type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("content-type %q", response.Header.Get("content-type"))
	}
	var content strings.Builder
	var events []string
	scanner := bufio.NewScanner(response.Body)
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.HasPrefix(line, "data: ") {
			continue
		}
		data := strings.TrimPrefix(line, "data: ")
		events = append(events, data)
		if data == "[DONE]" {
			continue
		}
		var chunk struct {
			Object  string `json:"object"`
			Choices []struct {
				Delta        struct{ Content string } `json:"delta"`
				FinishReason *string                  `json:"finish_reason"`
			} `json:"choices"`
			Usage *struct {
				CompletionTokens int `json:"completion_tokens"`
			} `json:"usage"`
		}
		if err := json.Unmarshal([]byte(data), &chunk); err != nil || chunk.Object != "chat.completion.chunk" {
			t.Fatalf("bad chunk %q: %v", data, err)
		}
		if len(chunk.Choices) > 0 {
			content.WriteString(chunk.Choices[0].Delta.Content)
		}
	}
	// Opening chunk, 20 tokens, finish chunk, usage chunk, [DONE].
	if len(events) != 24 || events[23] != "[DONE]" || !strings.Contains(events[22], `"choices":[],"usage":{"prompt_tokens":19,"completion_tokens":20`) ||
		!strings.Contains(events[21], `"finish_reason":"stop"`) {
		t.Fatalf("unexpected events (%d): %q", len(events), events)
	}
	if content.String() != "The quick brown fox jumps over the lazy dog, and then it rests under a tall oak tree." {
		t.Fatalf("streamed text %q", content.String())
	}
	time.Sleep(20 * time.Millisecond)
	ticker.mutex.Lock()
	defer ticker.mutex.Unlock()
	if ticker.running || ticker.streams != 0 {
		t.Fatalf("the ticker still runs with %d streams after the stream ended", ticker.streams)
	}
}

func TestAStreamWithoutIncludeUsageHasNoUsageChunk(t *testing.T) {
	server, _ := startUpstream(t)
	response := post(t, server, "/v1/chat/completions", `{"model":"bench-0ms","stream":true}`)
	var events int
	scanner := bufio.NewScanner(response.Body)
	for scanner.Scan() {
		if strings.HasPrefix(scanner.Text(), "data: ") {
			events++
			if strings.Contains(scanner.Text(), `"usage":{`) {
				t.Fatalf("usage chunk without include_usage: %s", scanner.Text())
			}
		}
	}
	if events != 23 {
		t.Fatalf("%d events, want 23", events)
	}
}

func TestErrorsInOpenAIsFormat(t *testing.T) {
	server, _ := startUpstream(t)
	for _, each := range []struct {
		path, body string
		status     int
	}{
		{"/v1/chat/completions", `{not json`, 400},
		{"/v1/embeddings", `{}`, 404},
	} {
		response := post(t, server, each.path, each.body)
		var payload struct {
			Error struct{ Message, Type string } `json:"error"`
		}
		json.NewDecoder(response.Body).Decode(&payload)
		if response.StatusCode != each.status || payload.Error.Message == "" || payload.Error.Type != "invalid_request_error" {
			t.Fatalf("%s: status %d, error %+v", each.path, response.StatusCode, payload.Error)
		}
	}
}
