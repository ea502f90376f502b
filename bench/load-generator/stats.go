package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// stats gathers what the connections saw; one mutex, taken once per response.
type stats struct {
	mutex             sync.Mutex
	latencies         []float64
	ttfts             []float64
	statusCounts      map[string]int
	errors            int
	invalid           int
	completedInWindow int
	delayed           int
	errorSamples      []string
	invalidSamples    []string
}

func newStats() stats {
	return stats{statusCounts: map[string]int{}, errorSamples: []string{}, invalidSamples: []string{}}
}

func (stats *stats) noteError(message string) {
	stats.mutex.Lock()
	defer stats.mutex.Unlock()
	stats.errors++
	if len(stats.errorSamples) < 5 {
		stats.errorSamples = append(stats.errorSamples, message)
	}
}

func sinceMs(from, to time.Time) float64 { return float64(to.Sub(from).Nanoseconds()) / 1e6 }

// record counts one response; it returns whether the response was a valid answer.
func (stats *stats) record(run *run, answer *response, work job, now time.Time, checked bool) bool {
	ok := answer.status == 200
	var sample string
	if ok && checked {
		if err := validateBody(answer.body, run.spec.Stream); err != nil {
			ok = false
			sample = err.Error()
		}
	} else if !ok && checked {
		sample = "status " + strconv.Itoa(answer.status) + ": " + preview(string(answer.body), 300)
	}
	stats.mutex.Lock()
	defer stats.mutex.Unlock()
	stats.statusCounts[strconv.Itoa(answer.status)]++
	// A 200 that is not the real answer is invalid; another status is counted by its status alone.
	if answer.status == 200 && !ok {
		stats.invalid++
	}
	if sample != "" && len(stats.invalidSamples) < 3 {
		stats.invalidSamples = append(stats.invalidSamples, sample)
	}
	if ok && run.spec.Stream && answer.firstTokenAt.IsZero() {
		ok = false
		stats.invalid++
	}
	// Throughput counts every response that ends inside the window; latency is sampled from the
	// requests that were also sent inside it (none of them waited behind the warm-up).
	inWindow := !now.After(run.measureUntil)
	if ok && !now.Before(run.measureFrom) && inWindow {
		stats.completedInWindow++
	}
	if ok && !work.sentAt.Before(run.measureFrom) && inWindow {
		latency := sinceMs(work.sentAt, now)
		stats.latencies = append(stats.latencies, latency)
		// BENCH_SLOW_MS=N: each sampled request slower than N ms, to stderr (when it was sent, in ms
		// since the Unix epoch, and its latency), to line the tail up with the gateway's own logs.
		if run.slowMs > 0 && latency > run.slowMs {
			fmt.Fprintf(os.Stderr, "slow %.3f %.3f\n", float64(work.sentAt.UnixNano())/1e6, latency)
		}
		// Counted over the same requests as the latencies, so it is a share of them.
		if work.waited {
			stats.delayed++
		}
		if run.spec.Stream {
			stats.ttfts = append(stats.ttfts, sinceMs(work.sentAt, answer.firstTokenAt))
		}
	}
	return ok
}

func summarize(values []float64) any {
	if len(values) == 0 {
		return nil
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	at := func(quantile float64) float64 {
		return sorted[min(len(sorted)-1, int(math.Ceil(quantile*float64(len(sorted))))-1)]
	}
	sum := 0.0
	for _, value := range sorted {
		sum += value
	}
	return map[string]float64{
		"p50":  at(0.5),
		"p90":  at(0.9),
		"p99":  at(0.99),
		"max":  sorted[len(sorted)-1],
		"mean": sum / float64(len(sorted)),
	}
}

// cpuMicros is this process's own CPU, so the orchestrator can tell how busy the machine was with
// anything else.
func cpuMicros() int64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return usage.Utime.Nano()/1000 + usage.Stime.Nano()/1000
}

func (stats *stats) result(spec *loadSpec) map[string]any {
	stats.mutex.Lock()
	defer stats.mutex.Unlock()
	var ttft any
	if spec.Stream {
		ttft = summarize(stats.ttfts)
	}
	result := map[string]any{
		"requests":       stats.completedInWindow,
		"samples":        len(stats.latencies),
		"throughput":     float64(stats.completedInWindow) / (spec.DurationMs / 1000),
		"latencyMs":      summarize(stats.latencies),
		"ttftMs":         ttft,
		"statusCounts":   stats.statusCounts,
		"errors":         stats.errors,
		"invalid":        stats.invalid,
		"errorSamples":   stats.errorSamples,
		"invalidSamples": stats.invalidSamples,
		"cpuMicros":      cpuMicros(),
	}
	// Open loop: the sampled requests (those of the latencies) that found every connection busy.
	if spec.RatePerSecond > 0 {
		result["delayed"] = stats.delayed
	}
	return result
}
