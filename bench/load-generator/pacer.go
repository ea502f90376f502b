package main

import (
	"math"
	"sync"
	"time"
)

// pacer makes the open-loop arrivals for `ratePerSecond`: at each arrival it hands the request to
// an idle connection; one that finds none waits in `due` (and its wait counts in its latency).
type pacer struct {
	run       *run
	meanGapMs float64
	seed      uint32

	mutex       sync.Mutex
	idle        []*connection
	due         []time.Time
	nextArrival time.Time
}

func newPacer(run *run) *pacer {
	return &pacer{
		run:       run,
		meanGapMs: 1000 / run.spec.RatePerSecond,
		// A fixed seed: every path in a run sees the same arrival pattern.
		seed:        0x9e3779b9,
		nextArrival: run.startedAt,
	}
}

// random is mulberry32, as the Node generator had it, so the arrival pattern stays the same.
func (pacer *pacer) random() float64 {
	pacer.seed += 0x6d2b79f5
	t := pacer.seed
	t = (t ^ (t >> 15)) * (t | 1)
	t ^= t + (t^(t>>7))*(t|61)
	return float64(t^(t>>14)) / 4294967296
}

func (pacer *pacer) generateArrivals() {
	for {
		pacer.mutex.Lock()
		now := time.Now()
		if pacer.run.over() {
			pacer.stopIdleLocked()
			pacer.mutex.Unlock()
			return
		}
		for !pacer.nextArrival.After(now) {
			pacer.due = append(pacer.due, pacer.nextArrival)
			gap := -math.Log(1-pacer.random()) * pacer.meanGapMs
			pacer.nextArrival = pacer.nextArrival.Add(milliseconds(gap))
		}
		// From the timer, latency counts from the send: the timer's own lateness is not the target's.
		for len(pacer.due) > 0 && len(pacer.idle) > 0 {
			pacer.due = pacer.due[1:]
			pacer.popIdle().jobs <- job{sentAt: now}
		}
		wait := time.Until(pacer.nextArrival)
		pacer.mutex.Unlock()
		time.Sleep(max(0, wait))
	}
}

func (pacer *pacer) popIdle() *connection {
	last := len(pacer.idle) - 1
	connection := pacer.idle[last]
	pacer.idle = pacer.idle[:last]
	return connection
}

// next is called by a connection that is free: it takes a request that is already due (charged
// from its arrival, wait included) or waits for the next arrival.
func (pacer *pacer) next(connection *connection) job {
	pacer.mutex.Lock()
	if pacer.run.over() {
		pacer.mutex.Unlock()
		return job{stop: true}
	}
	if len(pacer.due) > 0 {
		arrivedAt := pacer.due[0]
		pacer.due = pacer.due[1:]
		pacer.mutex.Unlock()
		return job{sentAt: arrivedAt, waited: true}
	}
	pacer.idle = append(pacer.idle, connection)
	pacer.mutex.Unlock()
	return <-connection.jobs
}

func (pacer *pacer) stopIdle() {
	pacer.mutex.Lock()
	defer pacer.mutex.Unlock()
	pacer.stopIdleLocked()
}

func (pacer *pacer) stopIdleLocked() {
	for len(pacer.idle) > 0 {
		pacer.popIdle().jobs <- job{stop: true}
	}
}
