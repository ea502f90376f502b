package literllm

import (
	"io"
	"net/http"
)

// Option configures New.
type Option func(*settings)

type settings struct {
	configFile string
	engine     []string
	env        []string
	stderr     io.Writer
	baseURL    string
	apiKey     string
	httpClient *http.Client
	// set records which options were given, for the errors naming a wrong combination.
	set []string
}

func (s *settings) mark(name string) { s.set = append(s.set, name) }

// WithConfigFile runs the embedded engine on this config file (YAML or JSON, the same file as
// `liter-llm serve --config`). Without it the engine takes the providers' keys and URLs from the
// environment, as the CLI does.
func WithConfigFile(path string) Option {
	return func(s *settings) { s.configFile = path; s.mark("WithConfigFile") }
}

// WithEngine names the engine executable to launch (`path [args...] engine --stdio`): the
// standalone `liter-llm`, or a checkout's dist/cli/main.js, which runs under node. Without it the
// engine is found as the README's "Go quick start" says (LITER_LLM_ENGINE, a checkout, PATH).
func WithEngine(path string, args ...string) Option {
	return func(s *settings) { s.engine = append([]string{path}, args...); s.mark("WithEngine") }
}

// WithEnv adds "KEY=value" entries to the engine's environment (this process's environment, with
// these entries winning), e.g. the providers' keys: WithEnv("OPENAI_API_KEY="+key).
func WithEnv(entries ...string) Option {
	return func(s *settings) { s.env = append(s.env, entries...); s.mark("WithEnv") }
}

// WithEngineStderr sends the engine's stderr (its JSON log lines) to w instead of os.Stderr.
func WithEngineStderr(w io.Writer) Option {
	return func(s *settings) { s.stderr = w; s.mark("WithEngineStderr") }
}

// WithBaseURL makes the client call a gateway (`liter-llm serve`) at this URL, e.g.
// "http://gateway:8080", over its /v1/engine endpoints instead of running an engine.
func WithBaseURL(url string) Option {
	return func(s *settings) { s.baseURL = url; s.mark("WithBaseURL") }
}

// WithAPIKey is the gateway key (one of its server.api_keys), sent as a bearer token. HTTP mode only.
func WithAPIKey(key string) Option {
	return func(s *settings) { s.apiKey = key; s.mark("WithAPIKey") }
}

// WithHTTPClient sets the *http.Client used against the gateway (its Transport, proxies, TLS).
// Its Timeout, if any, bounds every call; prefer a context deadline. HTTP mode only.
func WithHTTPClient(client *http.Client) Option {
	return func(s *settings) { s.httpClient = client; s.mark("WithHTTPClient") }
}
