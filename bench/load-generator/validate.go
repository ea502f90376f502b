package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

const expectedAnswer = "The quick brown fox"

// firstToken is a content delta that is not empty: the first token of the answer.
var firstToken = regexp.MustCompile(`"content"\s*:\s*"[^"]`)

func preview(text string, limit int) string {
	if len(text) > limit {
		return text[:limit]
	}
	return text
}

// validateBody checks one whole response body (the first one on each connection): it must be the
// real answer, not merely a 200.
func validateBody(body []byte, stream bool) error {
	if !stream {
		var completion struct {
			Choices []struct {
				Message struct {
					Content any `json:"content"`
				} `json:"message"`
			} `json:"choices"`
		}
		if err := json.Unmarshal(body, &completion); err != nil {
			return fmt.Errorf("completion is not JSON: %s", preview(string(body), 200))
		}
		if len(completion.Choices) == 0 {
			return fmt.Errorf("unexpected completion: %s", preview(string(body), 200))
		}
		content, ok := completion.Choices[0].Message.Content.(string)
		if !ok || !strings.HasPrefix(content, expectedAnswer) {
			return fmt.Errorf("unexpected completion: %s", preview(string(body), 200))
		}
		return nil
	}
	var content strings.Builder
	done := false
	for _, line := range bytes.Split(body, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("data:")) {
			continue
		}
		data := bytes.TrimSpace(line[5:])
		if string(data) == "[DONE]" {
			done = true
			continue
		}
		var chunk struct {
			Choices []struct {
				Delta struct {
					Content any `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal(data, &chunk); err != nil {
			return fmt.Errorf("stream chunk is not JSON: %s", preview(string(data), 200))
		}
		if len(chunk.Choices) > 0 {
			if text, ok := chunk.Choices[0].Delta.Content.(string); ok {
				content.WriteString(text)
			}
		}
	}
	if !done || !strings.HasPrefix(content.String(), expectedAnswer) {
		encoded, _ := json.Marshal(content.String())
		return fmt.Errorf("unexpected stream (done=%v): %s", done, preview(string(encoded), 200))
	}
	return nil
}
