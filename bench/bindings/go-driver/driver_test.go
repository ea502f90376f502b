package driver

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsEveryCompletedCallAndItsLatency(t *testing.T) {
	var made atomic.Int64
	got := run(4, 100*time.Millisecond, func() error {
		made.Add(1)
		time.Sleep(2 * time.Millisecond)
		return nil
	})
	if int64(got.Calls) != made.Load() {
		t.Fatalf("calls: got %d, the loop made %d", got.Calls, made.Load())
	}
	// 4 callers for 100 ms at 2 ms a call: about 200 calls, never more.
	if got.Calls < 80 || got.Calls > 200 {
		t.Fatalf("calls: got %d, expected 80..200", got.Calls)
	}
	if got.Seconds < 0.1 || got.Seconds > 0.5 {
		t.Fatalf("seconds: got %f", got.Seconds)
	}
	if p50 := got.LatencyUs["p50"]; p50 == nil || *p50 < 2000 {
		t.Fatalf("p50: got %v µs, every call took at least 2000", p50)
	}
	if got.Errors != 0 || got.FirstError != nil {
		t.Fatalf("errors: got %d (%v)", got.Errors, got.FirstError)
	}
}

func TestRunCountsFailedCallsApartAndKeepsTheFirstError(t *testing.T) {
	var made atomic.Int64
	got := run(2, 50*time.Millisecond, func() error {
		if made.Add(1)%2 == 0 {
			time.Sleep(time.Millisecond)
			return errors.New("upstream said no")
		}
		time.Sleep(time.Millisecond)
		return nil
	})
	if got.Errors == 0 || got.FirstError == nil || *got.FirstError != "upstream said no" {
		t.Fatalf("errors: got %d, first %v", got.Errors, got.FirstError)
	}
	if int64(got.Calls+got.Errors) != made.Load() {
		t.Fatalf("calls %d + errors %d != %d made", got.Calls, got.Errors, made.Load())
	}
}
