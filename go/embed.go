package literllm

import "encoding/json"

// EmbedRequest asks for one embedding per input text, in input order. Its JSON is the canonical
// EmbedRequest and round-trips: a request read from JSON whose input was one string sends one string.
type EmbedRequest struct {
	Model string
	Input []string
	// Dimensions asks for shorter vectors, where the model supports it (0: the model's own).
	Dimensions      int
	User            string
	ProviderOptions map[string]map[string]any

	CallOptions

	// inputIsText: the request was read from JSON whose input was one string, not a list.
	inputIsText bool
}

type wireEmbedRequest struct {
	Model           string                    `json:"model"`
	Input           json.RawMessage           `json:"input"`
	Dimensions      int                       `json:"dimensions,omitempty"`
	User            string                    `json:"user,omitempty"`
	ProviderOptions map[string]map[string]any `json:"providerOptions,omitempty"`
}

// MarshalJSON writes the canonical EmbedRequest (input always a list).
func (r EmbedRequest) MarshalJSON() ([]byte, error) {
	var input any = r.Input
	if r.Input == nil {
		input = []string{}
	} else if r.inputIsText && len(r.Input) == 1 {
		input = r.Input[0]
	}
	raw, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	return json.Marshal(wireEmbedRequest{Model: r.Model, Input: raw, Dimensions: r.Dimensions, User: r.User, ProviderOptions: r.ProviderOptions})
}

// UnmarshalJSON reads a canonical EmbedRequest, whose input is a string or a list of strings.
func (r *EmbedRequest) UnmarshalJSON(data []byte) error {
	var wire wireEmbedRequest
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*r = EmbedRequest{Model: wire.Model, Dimensions: wire.Dimensions, User: wire.User, ProviderOptions: wire.ProviderOptions}
	if len(wire.Input) > 0 && wire.Input[0] == '"' {
		var one string
		if err := json.Unmarshal(wire.Input, &one); err != nil {
			return err
		}
		r.Input, r.inputIsText = []string{one}, true
		return nil
	}
	if len(wire.Input) > 0 {
		return json.Unmarshal(wire.Input, &r.Input)
	}
	return nil
}

// EmbedResponse holds one float vector per input text, in input order.
type EmbedResponse struct {
	Provider   string      `json:"provider"`
	Model      string      `json:"model"`
	Embeddings [][]float64 `json:"embeddings"`
	Usage      EmbedUsage  `json:"usage"`
	Warnings   []Warning   `json:"warnings"`
	RequestID  string      `json:"requestId,omitempty"`
	Attempts   []Attempt   `json:"attempts,omitempty"`
}

// EmbedUsage counts the input's tokens.
type EmbedUsage struct {
	InputTokens int `json:"inputTokens"`
}

// ModelInfo is one model the engine can call: a route of the config ("route") or a provider's
// model ("provider-model", with its Provider).
type ModelInfo struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Provider string `json:"provider,omitempty"`
}

// ProviderStats is one provider's load right now: calls upstream, calls waiting for a permit, and its cap.
type ProviderStats struct {
	Name           string `json:"name"`
	InFlight       int    `json:"inFlight"`
	Queued         int    `json:"queued"`
	MaxConcurrency int    `json:"maxConcurrency"`
}
