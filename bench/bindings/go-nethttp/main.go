// Go's net/http calling the mock upstream directly: the Go stdio binding's baseline. One shared
// http.Client with a keep-alive pool as large as the concurrency, the request body marshalled and the
// answer decoded on every call, as any Go service calling an OpenAI-compatible API does.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"

	"liter-llm/bench/bindings/go-driver"
)

type completion struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

func main() {
	spec := driver.ReadSpec()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = 1024
	transport.MaxIdleConnsPerHost = 1024
	client := &http.Client{Transport: transport}
	url := spec.BaseURL + "/chat/completions"
	call := func() (string, error) {
		body, err := json.Marshal(map[string]any{
			"model":       spec.Model,
			"messages":    spec.Messages,
			"max_tokens":  spec.MaxTokens,
			"temperature": spec.Temperature,
		})
		if err != nil {
			return "", err
		}
		request, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		request.Header.Set("content-type", "application/json")
		request.Header.Set("authorization", "Bearer "+spec.APIKey)
		response, err := client.Do(request)
		if err != nil {
			return "", err
		}
		defer response.Body.Close()
		raw, err := io.ReadAll(response.Body)
		if err != nil {
			return "", err
		}
		if response.StatusCode != http.StatusOK {
			return "", fmt.Errorf("status %d: %s", response.StatusCode, raw)
		}
		var answer completion
		if err := json.Unmarshal(raw, &answer); err != nil {
			return "", err
		}
		if len(answer.Choices) == 0 {
			return "", fmt.Errorf("no choices in %s", raw)
		}
		return answer.Choices[0].Message.Content, nil
	}
	if text, err := call(); err != nil || text == "" {
		driver.Fail("net/http: the first answer failed or had no text: %q, %v", text, err)
	}
	driver.Serve(map[string]any{"go": runtime.Version()}, func() error {
		_, err := call()
		return err
	})
}
