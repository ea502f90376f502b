package literllm

import (
	"encoding/json"
	"time"
)

// ChatRequest is one chat call: the canonical ChatRequest of the protocol (camelCase JSON), plus
// the call's options (Timeout, MaxRetries, RequestID), which travel beside it and are not part of
// its JSON. Optional numbers are pointers so that 0 can be sent: Temperature: literllm.Float(0).
type ChatRequest struct {
	// Model is "provider/model" (e.g. "openai/gpt-4o-mini") or a route name from the config.
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Tools    []Tool    `json:"tools,omitempty"`
	// ToolChoice is nil (the provider's default), ToolChoiceAuto, ToolChoiceNone, ToolChoiceRequired
	// or ToolChoiceNamed("name").
	ToolChoice  *ToolChoice `json:"toolChoice,omitempty"`
	Temperature *float64    `json:"temperature,omitempty"`
	TopP        *float64    `json:"topP,omitempty"`
	// MaxTokens caps the answer's length; 0 leaves it to the provider.
	MaxTokens       int                       `json:"maxTokens,omitempty"`
	Stop            []string                  `json:"stop,omitempty"`
	Seed            *int64                    `json:"seed,omitempty"`
	ResponseFormat  *ResponseFormat           `json:"responseFormat,omitempty"`
	User            string                    `json:"user,omitempty"`
	ProviderOptions map[string]map[string]any `json:"providerOptions,omitempty"`

	CallOptions
}

// CallOptions are a call's options beside its request (the protocol's `options`).
type CallOptions struct {
	// Timeout bounds the whole call in the engine, retries and fallbacks included (whole
	// milliseconds; 0: the provider's timeout_ms). A context deadline works too, from this side.
	Timeout time.Duration `json:"-"`
	// MaxRetries overrides the provider's max_retries for this call (nil: the config's).
	MaxRetries *int `json:"-"`
	// RequestID correlates the engine's logs and spans with the caller's (generated when empty).
	RequestID string `json:"-"`
}

// wireOptions is the protocol's `options` object.
type wireOptions struct {
	TimeoutMs  int64  `json:"timeoutMs,omitempty"`
	MaxRetries *int   `json:"maxRetries,omitempty"`
	RequestID  string `json:"requestId,omitempty"`
}

// wire is the options object to send, or nil when no option is set.
func (o CallOptions) wire() *wireOptions {
	if o.Timeout <= 0 && o.MaxRetries == nil && o.RequestID == "" {
		return nil
	}
	options := &wireOptions{MaxRetries: o.MaxRetries, RequestID: o.RequestID}
	if o.Timeout > 0 {
		// Rounded up: a timeout under a millisecond must not become "no timeout".
		options.TimeoutMs = int64((o.Timeout + time.Millisecond - 1) / time.Millisecond)
	}
	return options
}

// Tool is a function the model may call; Parameters is its JSON Schema.
type Tool struct {
	Name        string
	Description string
	Parameters  map[string]any
	Strict      *bool
}

type wireTool struct {
	Type        string         `json:"type"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Parameters  map[string]any `json:"parameters"`
	Strict      *bool          `json:"strict,omitempty"`
}

// MarshalJSON writes the canonical tool (type "function"); no parameters is an empty object schema.
func (t Tool) MarshalJSON() ([]byte, error) {
	parameters := t.Parameters
	if parameters == nil {
		parameters = map[string]any{"type": "object", "properties": map[string]any{}}
	}
	return json.Marshal(wireTool{Type: "function", Name: t.Name, Description: t.Description, Parameters: parameters, Strict: t.Strict})
}

// UnmarshalJSON reads a canonical tool.
func (t *Tool) UnmarshalJSON(data []byte) error {
	var wire wireTool
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*t = Tool{Name: wire.Name, Description: wire.Description, Parameters: wire.Parameters, Strict: wire.Strict}
	return nil
}

// ToolChoice says whether and which tool the model must call: Mode "auto", "none" or "required",
// or Name for one named tool.
type ToolChoice struct {
	Mode string
	Name string
}

// The tool choices.
var (
	ToolChoiceAuto     = &ToolChoice{Mode: "auto"}
	ToolChoiceNone     = &ToolChoice{Mode: "none"}
	ToolChoiceRequired = &ToolChoice{Mode: "required"}
)

// ToolChoiceNamed makes the model call the tool name.
func ToolChoiceNamed(name string) *ToolChoice { return &ToolChoice{Name: name} }

// MarshalJSON writes "auto" | "none" | "required", or {"type":"tool","name":...}.
func (c ToolChoice) MarshalJSON() ([]byte, error) {
	if c.Name != "" {
		return json.Marshal(struct {
			Type string `json:"type"`
			Name string `json:"name"`
		}{"tool", c.Name})
	}
	return json.Marshal(c.Mode)
}

// UnmarshalJSON reads either form.
func (c *ToolChoice) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		*c = ToolChoice{}
		return json.Unmarshal(data, &c.Mode)
	}
	var named struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(data, &named); err != nil {
		return err
	}
	*c = ToolChoice{Name: named.Name}
	return nil
}

// ResponseFormat asks for text, any JSON ("json") or JSON matching Schema ("json-schema", with Name).
type ResponseFormat struct {
	Type        string         `json:"type"`
	Name        string         `json:"name,omitempty"`
	Schema      map[string]any `json:"schema,omitempty"`
	Description string         `json:"description,omitempty"`
	Strict      *bool          `json:"strict,omitempty"`
}

// Float returns a pointer to v, for the optional numbers of a request.
func Float(v float64) *float64 { return &v }

// Int returns a pointer to v, for CallOptions.MaxRetries.
func Int(v int) *int { return &v }

// Int64 returns a pointer to v, for ChatRequest.Seed.
func Int64(v int64) *int64 { return &v }

// Bool returns a pointer to v, for Tool.Strict.
func Bool(v bool) *bool { return &v }
