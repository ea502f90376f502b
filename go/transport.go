package literllm

import (
	"context"
	"encoding/json"
)

// transport carries the protocol's calls: to an engine child process (stdio) or to a gateway's
// /v1/engine endpoints (HTTP). Both deliver the same frames, so everything above them is shared.
type transport interface {
	// call runs a call that sends no events (chat, embed, models, stats) and returns its result.
	call(ctx context.Context, method string, params any, options *wireOptions) (json.RawMessage, error)
	// stream starts a chat.stream call; ctx bounds the whole stream.
	stream(ctx context.Context, params any, options *wireOptions) (frameSource, error)
	close() error
}

// frameSource is one streamed call's frames.
type frameSource interface {
	// next is the call's next frame (an event, or its final result or error frame).
	next(ctx context.Context) (*engineFrame, error)
	// abandon cancels the call upstream; with wait, it returns once the call has ended (bounded),
	// so its permit is free again.
	abandon(wait bool)
}

// engineFrame is a frame the engine (or the gateway's engine endpoints) sent.
type engineFrame struct {
	Type   string          `json:"type"`
	ID     *uint64         `json:"id"`
	Result json.RawMessage `json:"result"`
	Event  json.RawMessage `json:"event"`
	Error  *protocolError  `json:"error"`
}

// The frame types.
const (
	frameResult = "result"
	frameEvent  = "event"
	frameError  = "error"
)

// finalResult is the result of a call's final frame: its result, or its error as an *Error.
func (f *engineFrame) finalResult() (json.RawMessage, error) {
	switch f.Type {
	case frameResult:
		return f.Result, nil
	case frameError:
		if f.Error == nil {
			return nil, internalError("the engine sent an error frame without an error")
		}
		return nil, f.Error.toError()
	default:
		return nil, internalError("the engine sent a %q frame where a call's result was due", f.Type)
	}
}
