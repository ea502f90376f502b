package literllm

import (
	"encoding/json"
	"fmt"
)

// The message roles.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleTool      = "tool"
)

// Message is one turn of a conversation. For plain text set Content; for images or other parts
// set Parts (Content, when also set, goes first as a text part). An assistant turn that called
// tools lists them in ToolCalls; the answer to one is a RoleTool message with ToolCallID.
// SystemMessage, UserMessage, AssistantMessage and ToolResultMessage build the common ones.
type Message struct {
	Role    string
	Content string
	Parts   []ContentPart
	// ToolCalls are the calls an assistant turn made (sent as its tool-call parts).
	ToolCalls []ToolCall
	// ToolCallID is the call a RoleTool message answers.
	ToolCallID string
	// IsError marks a RoleTool message whose tool failed.
	IsError bool
	// Name is an optional participant name (user and assistant turns).
	Name string
}

// SystemMessage is a system prompt.
func SystemMessage(text string) Message { return Message{Role: RoleSystem, Content: text} }

// UserMessage is a user turn of plain text.
func UserMessage(text string) Message { return Message{Role: RoleUser, Content: text} }

// AssistantMessage is an earlier assistant turn: its text and the tool calls it made, if any.
func AssistantMessage(text string, toolCalls ...ToolCall) Message {
	return Message{Role: RoleAssistant, Content: text, ToolCalls: toolCalls}
}

// ToolResultMessage answers the tool call toolCallID with the tool's output.
func ToolResultMessage(toolCallID, output string) Message {
	return Message{Role: RoleTool, ToolCallID: toolCallID, Content: output}
}

type wireMessage struct {
	Role       string          `json:"role"`
	ToolCallID string          `json:"toolCallId,omitempty"`
	Content    json.RawMessage `json:"content"`
	Name       string          `json:"name,omitempty"`
	IsError    bool            `json:"isError,omitempty"`
}

// MarshalJSON writes the canonical message: content is a string unless there are parts or tool calls.
func (m Message) MarshalJSON() ([]byte, error) {
	var content any = m.Content
	if len(m.Parts) > 0 || len(m.ToolCalls) > 0 {
		parts := make([]ContentPart, 0, len(m.Parts)+len(m.ToolCalls)+1)
		if m.Content != "" {
			parts = append(parts, TextPart(m.Content))
		}
		parts = append(parts, m.Parts...)
		for _, call := range m.ToolCalls {
			parts = append(parts, ContentPart{Type: PartToolCall, ID: call.ID, Name: call.Name, Arguments: call.Arguments})
		}
		content = parts
	}
	raw, err := json.Marshal(content)
	if err != nil {
		return nil, err
	}
	return json.Marshal(wireMessage{Role: m.Role, ToolCallID: m.ToolCallID, Content: raw, Name: m.Name, IsError: m.IsError})
}

// UnmarshalJSON reads a canonical message: string content into Content, an array into Parts (as
// sent, tool-call parts included, so the message round-trips unchanged).
func (m *Message) UnmarshalJSON(data []byte) error {
	var wire wireMessage
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*m = Message{Role: wire.Role, ToolCallID: wire.ToolCallID, Name: wire.Name, IsError: wire.IsError}
	if len(wire.Content) == 0 || string(wire.Content) == "null" {
		return nil
	}
	if wire.Content[0] == '"' {
		return json.Unmarshal(wire.Content, &m.Content)
	}
	if err := json.Unmarshal(wire.Content, &m.Parts); err != nil {
		return fmt.Errorf("message content: %w", err)
	}
	return nil
}

// The content part types.
const (
	PartText              = "text"
	PartImage             = "image"
	PartReasoning         = "reasoning"
	PartRedactedReasoning = "redacted-reasoning"
	PartToolCall          = "tool-call"
)

// ContentPart is one part of a message's or a response's content; Type says which fields apply:
// text (Text), image (URL, or Data as base64 with MediaType; Detail), reasoning (Text, Signature),
// redacted-reasoning (Data), tool-call (ID, Name, Arguments).
type ContentPart struct {
	Type      string
	Text      string
	URL       string
	Data      string
	MediaType string
	Detail    string
	Signature string
	ID        string
	Name      string
	Arguments string
}

// TextPart is a text content part.
func TextPart(text string) ContentPart { return ContentPart{Type: PartText, Text: text} }

// ImageURLPart is an image the provider fetches from url.
func ImageURLPart(url string) ContentPart { return ContentPart{Type: PartImage, URL: url} }

// ImageDataPart is an image sent inline: base64 data of the given media type (e.g. "image/png").
func ImageDataPart(base64Data, mediaType string) ContentPart {
	return ContentPart{Type: PartImage, Data: base64Data, MediaType: mediaType}
}

type wirePart struct {
	Type      string  `json:"type"`
	Text      *string `json:"text,omitempty"`
	URL       string  `json:"url,omitempty"`
	Data      *string `json:"data,omitempty"`
	MediaType string  `json:"mediaType,omitempty"`
	Detail    string  `json:"detail,omitempty"`
	Signature string  `json:"signature,omitempty"`
	ID        *string `json:"id,omitempty"`
	Name      *string `json:"name,omitempty"`
	Arguments *string `json:"arguments,omitempty"`
}

// MarshalJSON writes exactly the fields of the part's type, the required ones even when empty.
func (p ContentPart) MarshalJSON() ([]byte, error) {
	wire := wirePart{Type: p.Type}
	switch p.Type {
	case PartText:
		wire.Text = &p.Text
	case PartImage:
		wire.URL, wire.MediaType, wire.Detail = p.URL, p.MediaType, p.Detail
		if p.Data != "" {
			wire.Data = &p.Data
		}
	case PartReasoning:
		wire.Text, wire.Signature = &p.Text, p.Signature
	case PartRedactedReasoning:
		wire.Data = &p.Data
	case PartToolCall:
		wire.ID, wire.Name, wire.Arguments = &p.ID, &p.Name, &p.Arguments
	default:
		// A part type this binding does not know: every field that is set.
		wire = wirePart{Type: p.Type, URL: p.URL, MediaType: p.MediaType, Detail: p.Detail, Signature: p.Signature,
			Text: optional(p.Text), Data: optional(p.Data), ID: optional(p.ID), Name: optional(p.Name), Arguments: optional(p.Arguments)}
	}
	return json.Marshal(wire)
}

// UnmarshalJSON reads a part of any type; unknown fields are ignored.
func (p *ContentPart) UnmarshalJSON(data []byte) error {
	var wire wirePart
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*p = ContentPart{Type: wire.Type, URL: wire.URL, MediaType: wire.MediaType, Detail: wire.Detail, Signature: wire.Signature,
		Text: deref(wire.Text), Data: deref(wire.Data), ID: deref(wire.ID), Name: deref(wire.Name), Arguments: deref(wire.Arguments)}
	return nil
}

// ToolCall is a call of one of the request's tools: Arguments is the JSON text the model wrote.
type ToolCall struct {
	ID        string
	Name      string
	Arguments string
}

type wireToolCall struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// MarshalJSON writes the canonical tool call (type "tool-call").
func (c ToolCall) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireToolCall{Type: PartToolCall, ID: c.ID, Name: c.Name, Arguments: c.Arguments})
}

// UnmarshalJSON reads a canonical tool call.
func (c *ToolCall) UnmarshalJSON(data []byte) error {
	var wire wireToolCall
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*c = ToolCall{ID: wire.ID, Name: wire.Name, Arguments: wire.Arguments}
	return nil
}

func optional(value string) *string {
	if value == "" {
		return nil
	}
	return &value
}

func deref(value *string) string {
	if value == nil {
		return ""
	}
	return *value
}
