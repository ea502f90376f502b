package literllm

// FinishReason says why the model stopped: "stop", "length", "tool_calls", "content_filter",
// "error" or "other".
type FinishReason string

// The finish reasons.
const (
	FinishStop          FinishReason = "stop"
	FinishLength        FinishReason = "length"
	FinishToolCalls     FinishReason = "tool_calls"
	FinishContentFilter FinishReason = "content_filter"
	FinishError         FinishReason = "error"
	FinishOther         FinishReason = "other"
)

// ChatResponse is the canonical ChatResponse: the answer, why it ended, its usage, and every
// upstream attempt the engine made for it.
type ChatResponse struct {
	ID       string        `json:"id"`
	Provider string        `json:"provider"`
	Model    string        `json:"model"`
	Content  []ContentPart `json:"content"`
	// Text is the answer's text parts joined.
	Text         string       `json:"text"`
	ToolCalls    []ToolCall   `json:"toolCalls"`
	FinishReason FinishReason `json:"finishReason"`
	// RawFinishReason is the provider's own word for it (nil when it sent none).
	RawFinishReason  *string        `json:"rawFinishReason"`
	Usage            Usage          `json:"usage"`
	Warnings         []Warning      `json:"warnings"`
	RequestID        string         `json:"requestId,omitempty"`
	ProviderMetadata map[string]any `json:"providerMetadata,omitempty"`
	Attempts         []Attempt      `json:"attempts,omitempty"`
}

// Usage counts tokens; the optional counts are nil when the provider did not report them.
type Usage struct {
	InputTokens           int  `json:"inputTokens"`
	OutputTokens          int  `json:"outputTokens"`
	TotalTokens           int  `json:"totalTokens"`
	CachedInputTokens     *int `json:"cachedInputTokens,omitempty"`
	CacheWriteInputTokens *int `json:"cacheWriteInputTokens,omitempty"`
	ReasoningTokens       *int `json:"reasoningTokens,omitempty"`
}

// Warning is a setting the provider could not honour, or another note about the call.
type Warning struct {
	Type    string `json:"type"`
	Setting string `json:"setting,omitempty"`
	Message string `json:"message"`
}

// Attempt is one upstream attempt: which provider and model, its outcome ("ok", or the error
// code), the upstream status when there was one, and how long it took.
type Attempt struct {
	Provider   string  `json:"provider"`
	Model      string  `json:"model"`
	Outcome    string  `json:"outcome"`
	Status     int     `json:"status,omitempty"`
	DurationMs float64 `json:"durationMs"`
}
