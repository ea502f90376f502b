package literllm

import "encoding/json"

// EventType names a stream event: the canonical StreamEvent types.
type EventType string

// The stream event types.
const (
	EventStart              EventType = "start"
	EventTextDelta          EventType = "text-delta"
	EventReasoningDelta     EventType = "reasoning-delta"
	EventReasoningSignature EventType = "reasoning-signature"
	EventRedactedReasoning  EventType = "redacted-reasoning"
	EventToolCallStart      EventType = "tool-call-start"
	EventToolCallDelta      EventType = "tool-call-delta"
	EventToolCallEnd        EventType = "tool-call-end"
	EventFinish             EventType = "finish"
)

// StreamEvent is one event of a streamed chat; Type says which fields apply:
//   - start: ID, Provider, Model, RequestID, Warnings
//   - text-delta, reasoning-delta: Text
//   - reasoning-signature: Signature; redacted-reasoning: Data
//   - tool-call-start: Index, ID, Name; tool-call-delta: Index, ArgumentsDelta;
//     tool-call-end: Index, ID, Name, Arguments (the whole JSON text)
//   - finish: FinishReason, RawFinishReason, Usage, ProviderMetadata
type StreamEvent struct {
	Type             EventType
	ID               string
	Provider         string
	Model            string
	RequestID        string
	Warnings         []Warning
	Text             string
	Signature        string
	Data             string
	Index            int
	Name             string
	ArgumentsDelta   string
	Arguments        string
	FinishReason     FinishReason
	RawFinishReason  *string
	Usage            *Usage
	ProviderMetadata map[string]any
}

type wireStreamEvent struct {
	Type             EventType        `json:"type"`
	ID               *string          `json:"id,omitempty"`
	Provider         *string          `json:"provider,omitempty"`
	Model            *string          `json:"model,omitempty"`
	RequestID        string           `json:"requestId,omitempty"`
	Warnings         *[]Warning       `json:"warnings,omitempty"`
	Text             *string          `json:"text,omitempty"`
	Signature        *string          `json:"signature,omitempty"`
	Data             *string          `json:"data,omitempty"`
	Index            *int             `json:"index,omitempty"`
	Name             *string          `json:"name,omitempty"`
	ArgumentsDelta   *string          `json:"argumentsDelta,omitempty"`
	Arguments        *string          `json:"arguments,omitempty"`
	FinishReason     *FinishReason    `json:"finishReason,omitempty"`
	RawFinishReason  *json.RawMessage `json:"rawFinishReason,omitempty"`
	Usage            *Usage           `json:"usage,omitempty"`
	ProviderMetadata map[string]any   `json:"providerMetadata,omitempty"`
}

// MarshalJSON writes the canonical event: exactly the fields of its type, required ones even when
// zero (an index of 0, an empty delta), so events round-trip.
func (e StreamEvent) MarshalJSON() ([]byte, error) {
	wire := wireStreamEvent{Type: e.Type}
	switch e.Type {
	case EventStart:
		warnings := e.Warnings
		if warnings == nil {
			warnings = []Warning{}
		}
		wire.ID, wire.Provider, wire.Model, wire.RequestID, wire.Warnings = &e.ID, &e.Provider, &e.Model, e.RequestID, &warnings
	case EventTextDelta, EventReasoningDelta:
		wire.Text = &e.Text
	case EventReasoningSignature:
		wire.Signature = &e.Signature
	case EventRedactedReasoning:
		wire.Data = &e.Data
	case EventToolCallStart:
		wire.Index, wire.ID, wire.Name = &e.Index, &e.ID, &e.Name
	case EventToolCallDelta:
		wire.Index, wire.ArgumentsDelta = &e.Index, &e.ArgumentsDelta
	case EventToolCallEnd:
		wire.Index, wire.ID, wire.Name, wire.Arguments = &e.Index, &e.ID, &e.Name, &e.Arguments
	case EventFinish:
		raw := json.RawMessage("null")
		if e.RawFinishReason != nil {
			raw, _ = json.Marshal(*e.RawFinishReason)
		}
		usage := e.Usage
		if usage == nil {
			usage = &Usage{}
		}
		wire.FinishReason, wire.RawFinishReason, wire.Usage, wire.ProviderMetadata = &e.FinishReason, &raw, usage, e.ProviderMetadata
	default:
		// A type this binding does not know (a newer engine's): every field that is set.
		wire = wireStreamEvent{Type: e.Type, ID: optional(e.ID), Provider: optional(e.Provider), Model: optional(e.Model),
			RequestID: e.RequestID, Text: optional(e.Text), Signature: optional(e.Signature), Data: optional(e.Data),
			Name: optional(e.Name), ArgumentsDelta: optional(e.ArgumentsDelta), Arguments: optional(e.Arguments),
			Usage: e.Usage, ProviderMetadata: e.ProviderMetadata}
	}
	return json.Marshal(wire)
}

// UnmarshalJSON reads an event of any type; unknown fields are ignored.
func (e *StreamEvent) UnmarshalJSON(data []byte) error {
	var wire wireStreamEvent
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*e = StreamEvent{Type: wire.Type, ID: deref(wire.ID), Provider: deref(wire.Provider), Model: deref(wire.Model),
		RequestID: wire.RequestID, Text: deref(wire.Text), Signature: deref(wire.Signature), Data: deref(wire.Data),
		Name: deref(wire.Name), ArgumentsDelta: deref(wire.ArgumentsDelta), Arguments: deref(wire.Arguments),
		Usage: wire.Usage, ProviderMetadata: wire.ProviderMetadata}
	if wire.Warnings != nil {
		e.Warnings = *wire.Warnings
	}
	if wire.Index != nil {
		e.Index = *wire.Index
	}
	if wire.FinishReason != nil {
		e.FinishReason = *wire.FinishReason
	}
	if wire.RawFinishReason != nil && string(*wire.RawFinishReason) != "null" {
		var raw string
		if err := json.Unmarshal(*wire.RawFinishReason, &raw); err != nil {
			return err
		}
		e.RawFinishReason = &raw
	}
	return nil
}
