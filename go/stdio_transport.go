package literllm

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// initializeTimeout bounds an engine's start-up and handshake (node loading the engine takes well
// under a second; a loaded CI machine, a few).
const initializeTimeout = 30 * time.Second

// closeTimeout is how long Close lets calls in flight drain before the engine is ended.
const closeTimeout = 5 * time.Second

// stdioTransport runs the engine as a child process, started on the first call and again on the
// first call after it died.
type stdioTransport struct {
	command []string
	env     []string
	stderr  io.Writer

	// starting is held while an engine starts, so that concurrent first calls start one engine.
	starting chan struct{}
	mu       sync.Mutex
	process  *engineProcess
	closed   bool
}

func newStdioTransport(command, env []string, stderr io.Writer) *stdioTransport {
	return &stdioTransport{command: command, env: env, stderr: stderr, starting: make(chan struct{}, 1)}
}

var errClientClosed = &Error{Code: CodeInternal, Message: "the client is closed"}

// running is the live engine, started (or restarted after a crash) when there is none.
func (t *stdioTransport) running(ctx context.Context) (*engineProcess, error) {
	select {
	case t.starting <- struct{}{}:
	case <-ctx.Done():
		return nil, contextError(ctx)
	}
	defer func() { <-t.starting }()
	t.mu.Lock()
	process, closed := t.process, t.closed
	t.mu.Unlock()
	if closed {
		return nil, errClientClosed
	}
	if process != nil && process.alive() {
		return process, nil
	}
	if process != nil {
		// It died: it is reaped already or about to be; the next engine starts fresh.
		<-process.exited
	}
	process, err := startEngineProcess(t.command, t.env, t.stderr)
	if err != nil {
		return nil, err
	}
	startCtx, cancel := context.WithTimeout(ctx, initializeTimeout)
	defer cancel()
	if err := process.initialize(startCtx); err != nil {
		process.close(time.Second)
		if ctx.Err() != nil {
			return nil, contextError(ctx)
		}
		if startCtx.Err() != nil {
			return nil, internalError("the liter-llm engine (%s) did not answer the initialize handshake within %s", t.command[0], initializeTimeout)
		}
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		go process.close(closeTimeout)
		return nil, errClientClosed
	}
	t.process = process
	return process, nil
}

func (t *stdioTransport) call(ctx context.Context, method string, params any, options *wireOptions) (json.RawMessage, error) {
	if ctx.Err() != nil {
		return nil, contextError(ctx)
	}
	process, err := t.running(ctx)
	if err != nil {
		return nil, err
	}
	return process.roundTrip(ctx, method, params, options)
}

func (t *stdioTransport) stream(ctx context.Context, params any, options *wireOptions) (frameSource, error) {
	if ctx.Err() != nil {
		return nil, contextError(ctx)
	}
	process, err := t.running(ctx)
	if err != nil {
		return nil, err
	}
	id, queue, err := process.begin("chat.stream", params, options)
	if err != nil {
		return nil, err
	}
	return &stdioStream{process: process, id: id, queue: queue}, nil
}

// close shuts the engine down (calls in flight drain first, for up to closeTimeout) and reaps it.
func (t *stdioTransport) close() error {
	t.mu.Lock()
	process := t.process
	t.process, t.closed = nil, true
	t.mu.Unlock()
	if process != nil {
		process.close(closeTimeout)
	}
	return nil
}

// stdioStream is one chat.stream call's frames.
type stdioStream struct {
	process *engineProcess
	id      uint64
	queue   *frameQueue

	mu    sync.Mutex
	ended bool
}

func (s *stdioStream) next(ctx context.Context) (*engineFrame, error) {
	frame, err := s.queue.pop(ctx)
	if err != nil {
		return nil, err
	}
	if frame.Type != frameEvent {
		s.mu.Lock()
		s.ended = true
		s.mu.Unlock()
		s.process.forget(s.id)
	}
	return frame, nil
}

// abandonDrainTimeout bounds how long Close waits for the engine to confirm a cancelled stream.
const abandonDrainTimeout = 5 * time.Second

func (s *stdioStream) abandon(wait bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.ended = true
	if !wait {
		s.process.cancel(s.id)
		return
	}
	s.process.sendCancel(s.id)
	// Read to the call's final frame (its `cancelled` error), so that when this returns the engine
	// has aborted it upstream and freed its permit.
	ctx, cancel := context.WithTimeout(context.Background(), abandonDrainTimeout)
	defer cancel()
	for {
		frame, err := s.queue.pop(ctx)
		if err != nil || frame.Type != frameEvent {
			break
		}
	}
	s.process.forget(s.id)
}
