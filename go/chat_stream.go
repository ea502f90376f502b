package literllm

import (
	"context"
	"sync"
	"sync/atomic"
)

// ChatStream is one streamed chat call. Read it with Next and Current, then check Err:
//
//	defer stream.Close()
//	for stream.Next() {
//		if ev := stream.Current(); ev.Type == literllm.EventTextDelta { fmt.Print(ev.Text) }
//	}
//	if err := stream.Err(); err != nil { ... }
//
// Close before the end (or the context ending) cancels the call upstream. Close may be called from
// another goroutine to interrupt a Next; the other methods are for one goroutine.
type ChatStream struct {
	ctx       context.Context
	cancelCtx context.CancelFunc
	stopWatch func() bool
	source    frameSource

	mu       sync.Mutex
	current  StreamEvent
	err      error
	done     bool
	finished bool // the call reached its final frame, or was abandoned
	closed   atomic.Bool

	requestID string
	attempts  []Attempt
}

func newChatStream(userCtx, ctx context.Context, cancel context.CancelFunc, source frameSource) *ChatStream {
	stream := &ChatStream{ctx: ctx, cancelCtx: cancel, source: source}
	// The caller's context ending cancels the call upstream at once, even between two Next calls.
	stream.stopWatch = context.AfterFunc(userCtx, func() { source.abandon(false) })
	return stream
}

// Next waits for the next event; false at the end of the stream, on an error (see Err), or after Close.
func (s *ChatStream) Next() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	if s.ctx.Err() != nil {
		return s.stop(nil)
	}
	frame, err := s.source.next(s.ctx)
	if err != nil {
		return s.stop(err)
	}
	switch frame.Type {
	case frameEvent:
		var event StreamEvent
		if err := jsonUnmarshal(frame.Event, &event, "stream event"); err != nil {
			s.source.abandon(false)
			s.finished = true
			return s.stop(err)
		}
		s.current = event
		return true
	case frameResult:
		s.finished = true
		var result struct {
			RequestID string    `json:"requestId"`
			Attempts  []Attempt `json:"attempts"`
		}
		if err := jsonUnmarshal(frame.Result, &result, "stream result"); err != nil {
			return s.stop(err)
		}
		s.requestID, s.attempts = result.RequestID, result.Attempts
		return s.stop(nil)
	default:
		s.finished = true
		_, err := frame.finalResult()
		return s.stop(err)
	}
}

// stop ends the stream with err; a context that ended (not by Close) is the stream's error.
func (s *ChatStream) stop(err error) bool {
	s.done = true
	switch {
	case s.closed.Load():
		s.err = nil
	case s.ctx.Err() != nil:
		if !s.finished {
			s.source.abandon(false)
			s.finished = true
		}
		s.err = contextError(s.ctx)
	default:
		if err != nil && !s.finished {
			// The engine or the connection failed: nothing more will come for this call.
			s.finished = true
		}
		s.err = err
	}
	return false
}

// Current is the event the last successful Next read.
func (s *ChatStream) Current() StreamEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// Err is why the stream ended early: an *Error (an error frame, the engine dying, the context
// ending), or nil at a normal end or after Close.
func (s *ChatStream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// RequestID is the call's request id (the engine's logs and spans), known once the stream has ended normally.
func (s *ChatStream) RequestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestID
}

// Attempts are the upstream attempts the engine made, known once the stream has ended normally.
func (s *ChatStream) Attempts() []Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Close ends the stream. Before its end, the call is cancelled upstream, and Close returns once
// the engine has ended it (its provider permit is free again). Safe to call more than once.
func (s *ChatStream) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	s.stopWatch()
	// Wakes a Next waiting in another goroutine.
	s.cancelCtx()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	if !s.finished {
		s.finished = true
		s.source.abandon(true)
	}
	return nil
}
