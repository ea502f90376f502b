package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// loadSpec is the JSON the orchestrator passes in argv[1].
type loadSpec struct {
	Host             string            `json:"host"`
	Port             int               `json:"port"`
	Path             string            `json:"path"`
	Headers          map[string]string `json:"headers"`
	Body             json.RawMessage   `json:"body"`
	Stream           bool              `json:"stream"`
	Concurrency      int               `json:"concurrency"`
	WarmupMs         float64           `json:"warmupMs"`
	DurationMs       float64           `json:"durationMs"`
	DrainMs          float64           `json:"drainMs"`
	RatePerSecond    float64           `json:"ratePerSecond"`
	ConnectTimeoutMs float64           `json:"connectTimeoutMs"`
}

func parseSpec(text string) (*loadSpec, error) {
	spec := &loadSpec{ConnectTimeoutMs: 10_000}
	if err := json.Unmarshal([]byte(text), spec); err != nil {
		return nil, fmt.Errorf("the spec is not valid JSON: %w", err)
	}
	if spec.Host == "" || spec.Port <= 0 || spec.Path == "" || spec.Concurrency <= 0 || spec.DurationMs <= 0 || len(spec.Body) == 0 {
		return nil, fmt.Errorf("the spec needs host, port, path, body, concurrency > 0 and durationMs > 0")
	}
	return spec, nil
}

// requestBytes is the whole HTTP/1.1 request, the same bytes for every request of the run. The
// body keeps the spec's key order (the Node generator sent JSON.stringify of the same object).
func (spec *loadSpec) requestBytes() ([]byte, error) {
	var body bytes.Buffer
	if err := json.Compact(&body, spec.Body); err != nil {
		return nil, fmt.Errorf("the spec's body: %w", err)
	}
	lines := []string{
		"POST " + spec.Path + " HTTP/1.1",
		"host: " + spec.Host + ":" + strconv.Itoa(spec.Port),
		"connection: keep-alive",
	}
	names := make([]string, 0, len(spec.Headers))
	for name := range spec.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		lines = append(lines, name+": "+spec.Headers[name])
	}
	lines = append(lines, "content-type: application/json", "content-length: "+strconv.Itoa(body.Len()))
	return append([]byte(strings.Join(lines, "\r\n")+"\r\n\r\n"), body.Bytes()...), nil
}
