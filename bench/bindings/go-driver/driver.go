// Package driver is the closed loop and the JSON-lines control protocol that both Go clients of
// bench/bindings (net/http direct, the Go binding over stdio) run under, so the two rows differ only
// in the call they make.
//
// The program prints {"ready":true,"info":{...}} once its client works (or
// {"ready":false,"unavailable":"why"}), then answers every {"op":"run","concurrency":C,"durationMs":D}
// line on stdin with {"calls","seconds","errors","firstError","latencyUs":{"p50","p99"}}: C goroutines
// each call again as soon as an answer is back, until D ms have passed; "seconds" lasts until the
// last goroutine is done, so calls/seconds is the closed loop's throughput. Stdin closing ends it.
package driver

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

// Spec is what bench/bindings/run.mjs passes as the program's one argument.
type Spec struct {
	Target      string    `json:"target"`
	BaseURL     string    `json:"baseURL"`
	APIKey      string    `json:"apiKey"`
	Config      string    `json:"config"`
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	MaxTokens   int       `json:"maxTokens"`
	Temperature float64   `json:"temperature"`
}

// Message is one chat message of the benchmark's request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ReadSpec parses the program's argument.
func ReadSpec() Spec {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: PROGRAM SPEC_JSON")
		os.Exit(2)
	}
	var spec Spec
	if err := json.Unmarshal([]byte(os.Args[1]), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "bad spec:", err)
		os.Exit(2)
	}
	return spec
}

// Unavailable reports that this target cannot run here and exits.
func Unavailable(why string) {
	line, _ := json.Marshal(map[string]any{"ready": false, "unavailable": why})
	fmt.Println(string(line))
	os.Exit(0)
}

// Fail reports that the client did not work and exits non-zero.
func Fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

type result struct {
	Calls      int                 `json:"calls"`
	Seconds    float64             `json:"seconds"`
	Errors     int                 `json:"errors"`
	FirstError *string             `json:"firstError"`
	LatencyUs  map[string]*float64 `json:"latencyUs"`
}

// Serve announces the client, then runs call under the runner's commands until stdin closes.
func Serve(info map[string]any, call func() error) {
	line, _ := json.Marshal(map[string]any{"ready": true, "info": info})
	fmt.Println(string(line))
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		var command struct {
			Op          string  `json:"op"`
			Concurrency int     `json:"concurrency"`
			DurationMs  float64 `json:"durationMs"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &command); err != nil || command.Op != "run" {
			Fail("bad command %q", scanner.Text())
		}
		answer, _ := json.Marshal(run(command.Concurrency, time.Duration(command.DurationMs*float64(time.Millisecond)), call))
		fmt.Println(string(answer))
	}
}

func run(concurrency int, duration time.Duration, call func() error) result {
	var mutex sync.Mutex
	var latencies []time.Duration
	errors := 0
	var firstError *string
	began := time.Now()
	deadline := began.Add(duration)
	var group sync.WaitGroup
	for range concurrency {
		group.Add(1)
		go func() {
			defer group.Done()
			own := make([]time.Duration, 0, 4096)
			for {
				begin := time.Now()
				if !begin.Before(deadline) {
					break
				}
				if err := call(); err != nil {
					mutex.Lock()
					errors++
					if firstError == nil {
						text := err.Error()
						firstError = &text
					}
					mutex.Unlock()
					continue
				}
				own = append(own, time.Since(begin))
			}
			mutex.Lock()
			latencies = append(latencies, own...)
			mutex.Unlock()
		}()
	}
	group.Wait()
	seconds := time.Since(began).Seconds()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	percentile := func(share float64) *float64 {
		if len(latencies) == 0 {
			return nil
		}
		index := min(len(latencies)-1, int(share*float64(len(latencies))))
		value := float64(latencies[index].Nanoseconds()) / 1000
		return &value
	}
	return result{
		Calls:      len(latencies),
		Seconds:    seconds,
		Errors:     errors,
		FirstError: firstError,
		LatencyUs:  map[string]*float64{"p50": percentile(0.5), "p99": percentile(0.99)},
	}
}
