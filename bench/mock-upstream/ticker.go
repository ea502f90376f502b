package main

import (
	"sync"
	"time"
)

// sharedTicker advances every running stream together, the way an inference server emits one
// token for every running sequence per decoding step. Each tick closes the channel that waiting
// streams hold and opens the next one. It runs only while streams are registered.
type sharedTicker struct {
	spacing time.Duration
	mutex   sync.Mutex
	tick    chan struct{}
	streams int
	running bool
}

func newSharedTicker(spacing time.Duration) *sharedTicker {
	return &sharedTicker{spacing: spacing, tick: make(chan struct{})}
}

func (ticker *sharedTicker) join() {
	ticker.mutex.Lock()
	defer ticker.mutex.Unlock()
	ticker.streams++
	if !ticker.running {
		ticker.running = true
		go ticker.run()
	}
}

func (ticker *sharedTicker) leave() {
	ticker.mutex.Lock()
	ticker.streams--
	ticker.mutex.Unlock()
}

// next is closed at the next tick.
func (ticker *sharedTicker) next() <-chan struct{} {
	ticker.mutex.Lock()
	defer ticker.mutex.Unlock()
	return ticker.tick
}

func (ticker *sharedTicker) run() {
	clock := time.NewTicker(ticker.spacing)
	defer clock.Stop()
	for range clock.C {
		ticker.mutex.Lock()
		close(ticker.tick)
		ticker.tick = make(chan struct{})
		if ticker.streams == 0 {
			ticker.running = false
			ticker.mutex.Unlock()
			return
		}
		ticker.mutex.Unlock()
	}
}
