package literllm

import (
	"context"
	"sync"
)

// frameQueue holds one call's frames until its caller reads them. It never blocks the engine's
// reader: a slow stream reader must not hold up the other calls multiplexed on the same pipe.
type frameQueue struct {
	mu     sync.Mutex
	frames []*engineFrame
	failed error
	ready  chan struct{}
}

func newFrameQueue() *frameQueue { return &frameQueue{ready: make(chan struct{}, 1)} }

func (q *frameQueue) push(frame *engineFrame) {
	q.mu.Lock()
	q.frames = append(q.frames, frame)
	q.mu.Unlock()
	q.signal()
}

// fail ends the queue: once its frames are read, pop returns err (the engine died).
func (q *frameQueue) fail(err error) {
	q.mu.Lock()
	if q.failed == nil {
		q.failed = err
	}
	q.mu.Unlock()
	q.signal()
}

func (q *frameQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop is the next frame, waiting for it until ctx ends (then ctx's error).
func (q *frameQueue) pop(ctx context.Context) (*engineFrame, error) {
	for {
		q.mu.Lock()
		if len(q.frames) > 0 {
			frame := q.frames[0]
			q.frames[0] = nil
			q.frames = q.frames[1:]
			q.mu.Unlock()
			return frame, nil
		}
		failed := q.failed
		q.mu.Unlock()
		if failed != nil {
			return nil, failed
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
