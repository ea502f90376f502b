// The benchmark's upstream: a minimal OpenAI Chat Completions server with a fixed latency.
//
// It runs as its own process so that its CPU never mixes with the gateway's, and it is written in
// Go because it shares a core with the load generator: node:http cost ~64 µs per JSON answer and
// ~340 µs per stream there, which capped what the direct path (and every gateway behind it) could
// show at high concurrency. The latency comes from the model name ("bench-50ms" waits 50 ms),
// because every gateway forwards the model name unchanged while custom headers may be dropped; so
// one upstream serves every cell of the run.
//
// JSON: the whole chat.completion after the latency.
// SSE (stream: true): the opening chunk (role, empty content) after the latency, then
// --content-chunks content chunks, the finish chunk, the usage chunk when
// stream_options.include_usage asks for it, and `data: [DONE]`: each written separately, one per
// tick of a --chunk-spacing-ms ticker shared by all streams, the way OpenAI sends them.
//
// Usage: mock-upstream --port P [--host 127.0.0.1] [--chunk-spacing-ms 1] [--content-chunks 20]
// Prints {"ready":true,"port":N} once listening; SIGTERM or SIGINT closes it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type chatRequest struct {
	Model         any `json:"model"`
	Stream        any `json:"stream"`
	StreamOptions *struct {
		IncludeUsage any `json:"include_usage"`
	} `json:"stream_options"`
}

var latencySuffix = regexp.MustCompile(`-(\d+)ms$`)

func parseLatency(model string) time.Duration {
	match := latencySuffix.FindStringSubmatch(model)
	if match == nil {
		return 0
	}
	milliseconds, _ := strconv.Atoi(match[1])
	return time.Duration(milliseconds) * time.Millisecond
}

type upstream struct {
	frames *frameCache
	ticker *sharedTicker
}

func sendError(writer http.ResponseWriter, status int, message string) {
	body, _ := json.Marshal(map[string]any{
		"error": map[string]any{"message": message, "type": "invalid_request_error", "param": nil, "code": nil},
	})
	writer.Header().Set("content-type", "application/json")
	writer.Header().Set("content-length", strconv.Itoa(len(body)))
	writer.WriteHeader(status)
	writer.Write(body)
}

func (server *upstream) ServeHTTP(writer http.ResponseWriter, request *http.Request) {
	if request.Method == http.MethodGet && request.URL.Path == "/healthz" {
		writer.Header().Set("content-type", "text/plain")
		writer.Write([]byte("ok"))
		return
	}
	if request.Method != http.MethodPost || !strings.HasSuffix(request.URL.Path, "/chat/completions") {
		sendError(writer, http.StatusNotFound, fmt.Sprintf("Unknown request URL: %s %s", request.Method, request.URL.RequestURI()))
		return
	}
	raw, err := io.ReadAll(request.Body)
	var body chatRequest
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		sendError(writer, http.StatusBadRequest, "We could not parse the JSON body of your request.")
		return
	}
	model, ok := body.Model.(string)
	if !ok {
		model = "bench-0ms"
	}
	if latency := parseLatency(model); latency > 0 {
		time.Sleep(latency)
	}
	if body.Stream == true {
		includeUsage := body.StreamOptions != nil && body.StreamOptions.IncludeUsage == true
		server.sendStream(writer, request, model, includeUsage)
		return
	}
	answer := server.frames.completion(model)
	header := writer.Header()
	header.Set("content-type", "application/json")
	header.Set("content-length", strconv.Itoa(len(answer)))
	header.Set("x-request-id", "req_bench")
	header.Set("openai-processing-ms", "1")
	writer.Write(answer)
}

func (server *upstream) sendStream(writer http.ResponseWriter, request *http.Request, model string, includeUsage bool) {
	frames := server.frames.stream(model, includeUsage)
	header := writer.Header()
	header.Set("content-type", "text/event-stream; charset=utf-8")
	header.Set("cache-control", "no-cache")
	header.Set("x-request-id", "req_bench")
	header.Set("openai-processing-ms", "1")
	flusher := writer.(http.Flusher)
	// The opening chunk leaves now (after the latency), with the headers; the rest on the next ticks.
	writer.Write(frames[0])
	flusher.Flush()
	server.ticker.join()
	defer server.ticker.leave()
	for index := 1; index < len(frames); index++ {
		select {
		case <-server.ticker.next():
		case <-request.Context().Done():
			return
		}
		if _, err := writer.Write(frames[index]); err != nil {
			return
		}
		// The last frame is not flushed here: returning sends it with the chunked terminator, in one write.
		if index < len(frames)-1 {
			flusher.Flush()
		}
	}
}

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 0, "port to listen on (0: a free one)")
	spacing := flag.Float64("chunk-spacing-ms", 1, "time between two chunks of a stream")
	contentChunks := flag.Int("content-chunks", 20, "content chunks per stream (one token each)")
	flag.Parse()
	if *spacing <= 0 || *contentChunks < 0 {
		fmt.Fprintln(os.Stderr, "mock-upstream: --chunk-spacing-ms must be above 0 and --content-chunks at least 0")
		os.Exit(2)
	}

	listener, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mock-upstream:", err)
		os.Exit(1)
	}
	server := &http.Server{
		Handler: &upstream{
			frames: newFrameCache(*contentChunks),
			ticker: newSharedTicker(time.Duration(*spacing * float64(time.Millisecond))),
		},
		// Gateways keep pooled connections open between cells; never close them under their feet.
		IdleTimeout:       120 * time.Second,
		ReadHeaderTimeout: 125 * time.Second,
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		server.Close()
		os.Exit(0)
	}()
	fmt.Printf("{\"ready\":true,\"port\":%d}\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "mock-upstream:", err)
		os.Exit(1)
	}
}
