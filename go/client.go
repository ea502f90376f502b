package literllm

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Client calls the engine: embedded (a child process over stdio, the default) or a gateway over
// HTTP (WithBaseURL). It is safe for concurrent use by many goroutines; calls run at once,
// multiplexed on one engine. Close it when done.
type Client struct {
	transport transport
}

// New makes a client. Embedded, it finds the engine now (an error says how to get one) and starts
// it on the first call, bounded by that call's context; ctx bounds only New's own work.
//
//	client, err := literllm.New(ctx, literllm.WithConfigFile("liter-llm.yaml"))
//	remote, err := literllm.New(ctx, literllm.WithBaseURL("http://gateway:8080"), literllm.WithAPIKey(key))
func New(ctx context.Context, options ...Option) (*Client, error) {
	if ctx.Err() != nil {
		return nil, contextError(ctx)
	}
	var s settings
	for _, option := range options {
		option(&s)
	}
	if s.baseURL != "" {
		return newHTTPClient(s)
	}
	for _, name := range s.set {
		if name == "WithAPIKey" || name == "WithHTTPClient" {
			return nil, &Error{Code: CodeInvalidRequest, Param: name, Message: name + " is for a gateway: it needs WithBaseURL"}
		}
	}
	env := withQuietEngineLog(append(os.Environ(), s.env...))
	command, err := findEngine(s.engine, env)
	if err != nil {
		return nil, err
	}
	command = append(command, "engine", "--stdio")
	if s.configFile != "" {
		path, err := filepath.Abs(s.configFile)
		if err == nil {
			_, err = os.Stat(path)
		}
		if err != nil {
			return nil, &Error{Code: CodeInvalidRequest, Param: "WithConfigFile", Message: "WithConfigFile: " + err.Error()}
		}
		command = append(command, "--config", path)
	}
	stderr := s.stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	return &Client{transport: newStdioTransport(command, env, stderr)}, nil
}

func newHTTPClient(s settings) (*Client, error) {
	for _, name := range s.set {
		if name == "WithConfigFile" || name == "WithEngine" || name == "WithEnv" || name == "WithEngineStderr" {
			return nil, &Error{Code: CodeInvalidRequest, Param: name,
				Message: name + " configures an embedded engine; with WithBaseURL the gateway's own config applies"}
		}
	}
	parsed, err := url.Parse(s.baseURL)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return nil, &Error{Code: CodeInvalidRequest, Param: "WithBaseURL",
			Message: "WithBaseURL: expected an http(s) URL such as http://gateway:8080, got " + strings.TrimSpace(s.baseURL)}
	}
	// The gateway's root: an OpenAI-style base URL ending in /v1 means the same gateway.
	base := strings.TrimSuffix(strings.TrimRight(s.baseURL, "/"), "/v1")
	client := s.httpClient
	if client == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		// Many goroutines share one client: keep their connections to the gateway alive.
		transport.MaxIdleConnsPerHost = 256
		client = &http.Client{Transport: transport}
	}
	return &Client{transport: &httpTransport{baseURL: base, apiKey: s.apiKey, client: client}}, nil
}

// Chat runs one chat call. When ctx ends first, the call is cancelled upstream and the error
// matches ErrCancelled and context.Canceled (or, for a deadline, ErrTimeout and context.DeadlineExceeded).
func (c *Client) Chat(ctx context.Context, request ChatRequest) (*ChatResponse, error) {
	return callFor[ChatResponse](ctx, c.transport, "chat", request, request.CallOptions.wire())
}

// ChatStream starts a streamed chat call; ctx bounds the whole stream. Close the stream when done.
func (c *Client) ChatStream(ctx context.Context, request ChatRequest) (*ChatStream, error) {
	streamCtx, cancel := context.WithCancel(ctx)
	source, err := c.transport.stream(streamCtx, request, request.CallOptions.wire())
	if err != nil {
		cancel()
		if ctx.Err() != nil {
			return nil, contextError(ctx)
		}
		return nil, err
	}
	return newChatStream(ctx, streamCtx, cancel, source), nil
}

// Embed returns one vector per input text, in input order.
func (c *Client) Embed(ctx context.Context, request EmbedRequest) (*EmbedResponse, error) {
	return callFor[EmbedResponse](ctx, c.transport, "embed", request, request.CallOptions.wire())
}

// Models lists the models the engine can call: the config's routes and the providers' models.
func (c *Client) Models(ctx context.Context) ([]ModelInfo, error) {
	result, err := callFor[struct {
		Models []ModelInfo `json:"models"`
	}](ctx, c.transport, "models", nil, nil)
	if err != nil {
		return nil, err
	}
	return result.Models, nil
}

// Stats is each provider's load right now (calls upstream, calls queued, its cap).
func (c *Client) Stats(ctx context.Context) ([]ProviderStats, error) {
	result, err := callFor[struct {
		Providers []ProviderStats `json:"providers"`
	}](ctx, c.transport, "stats", nil, nil)
	if err != nil {
		return nil, err
	}
	return result.Providers, nil
}

// callFor runs a call and decodes its result as a T.
func callFor[T any](ctx context.Context, transport transport, method string, params any, options *wireOptions) (*T, error) {
	raw, err := transport.call(ctx, method, params, options)
	if err != nil {
		return nil, err
	}
	var result T
	if err := jsonUnmarshal(raw, &result, method+" result"); err != nil {
		return nil, err
	}
	return &result, nil
}

// Close shuts the engine down (calls in flight drain first, for up to 5 s, then it is ended) and
// reaps it; over HTTP it closes idle connections. Calls after Close fail.
func (c *Client) Close() error { return c.transport.close() }

// withQuietEngineLog keeps the engine, which shares this program's stderr, to warnings and errors
// there unless the environment asks for its per-request lines (LITER_LLM_LOG_LEVEL=info), as the
// Python binding does.
func withQuietEngineLog(env []string) []string {
	for _, entry := range env {
		if strings.HasPrefix(entry, "LITER_LLM_LOG_LEVEL=") {
			return env
		}
	}
	return append(env, "LITER_LLM_LOG_LEVEL=warn")
}
