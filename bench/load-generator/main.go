// Closed-loop HTTP/1.1 load generator: N keep-alive connections, each sending its next request as
// soon as the previous response has ended. Written in Go on raw sockets for two reasons: it
// shares a core with the upstream, so each request must cost it as little CPU as possible (the
// Node version spent ~170 µs of user time per stream there); and for SSE it must see the first
// content token arrive (TTFT), which autocannon and wrk do not report. It understands exactly what
// it needs: content-length and chunked bodies.
//
// Runs as a child of run-gateway-bench.mjs: one JSON spec in argv[1], one JSON result on stdout.
// Spec: { host, port, path, headers, body, stream, concurrency, warmupMs, durationMs, drainMs, ratePerSecond? }
// Only responses that END inside the measuring window [warmup, warmup + duration] are counted.
//
// With `ratePerSecond` the load is open: requests arrive at that mean rate with exponential gaps
// (a Poisson process, as from many independent clients), each on an idle connection of the
// `concurrency` open ones. A request that waited for a free connection is charged the wait (its
// latency counts from its arrival: no coordinated omission); `delayed` counts those.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: load-generator SPEC_JSON")
		os.Exit(2)
	}
	spec, err := parseSpec(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "load-generator:", err)
		os.Exit(2)
	}
	request, err := spec.requestBytes()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load-generator:", err)
		os.Exit(2)
	}
	run := newRun(spec, request)
	result := run.execute()
	encoded, _ := json.Marshal(result)
	os.Stdout.Write(append(encoded, '\n'))
}

// job is one request to send: when its latency starts, and whether it waited for a connection.
type job struct {
	sentAt time.Time
	waited bool
	stop   bool
}

type run struct {
	spec         *loadSpec
	request      []byte
	address      string
	startedAt    time.Time
	measureFrom  time.Time
	measureUntil time.Time

	mutex    sync.Mutex
	stopping bool
	stats    stats
	open     map[*connection]struct{}

	pacer *pacer
	// slowMs > 0 prints every sampled request slower than this (BENCH_SLOW_MS).
	slowMs float64
}

func newRun(spec *loadSpec, request []byte) *run {
	return &run{
		spec:    spec,
		request: request,
		address: net.JoinHostPort(spec.Host, strconv.Itoa(spec.Port)),
		stats:   newStats(),
		open:    map[*connection]struct{}{},
		slowMs:  parseSlowMs(os.Getenv("BENCH_SLOW_MS")),
	}
}

func parseSlowMs(text string) float64 {
	value, err := strconv.ParseFloat(text, 64)
	if err != nil || value <= 0 {
		return 0
	}
	return value
}

func milliseconds(value float64) time.Duration {
	return time.Duration(value * float64(time.Millisecond))
}

func (run *run) isStopping() bool {
	run.mutex.Lock()
	defer run.mutex.Unlock()
	return run.stopping
}

// over says whether no new request may start: the window has closed or the run is stopping.
func (run *run) over() bool { return run.isStopping() || !time.Now().Before(run.measureUntil) }

// closeAll ends every connection (a blocked read returns at once).
func (run *run) closeAll() {
	run.mutex.Lock()
	run.stopping = true
	for connection := range run.open {
		connection.close()
	}
	run.mutex.Unlock()
	if run.pacer != nil {
		run.pacer.stopIdle()
	}
}

func (run *run) execute() map[string]any {
	connections := make([]*connection, run.spec.Concurrency)
	// The clock starts once every connection is open: a burst of connects is not what is measured.
	connected := make(chan *connection, run.spec.Concurrency)
	for index := range connections {
		connections[index] = &connection{run: run, jobs: make(chan job, 1)}
		each := connections[index]
		go func() {
			if err := each.dial(); err != nil {
				run.stats.noteError(err.Error())
				connected <- nil
				return
			}
			connected <- each
		}()
	}
	opened := 0
	// Nothing may hang: a target that never accepts all connections ends the run with what it has.
	deadline := time.After(milliseconds(run.spec.ConnectTimeoutMs))
waitForConnections:
	for waiting := run.spec.Concurrency; waiting > 0; waiting-- {
		select {
		case connection := <-connected:
			if connection != nil {
				opened++
			}
		case <-deadline:
			break waitForConnections
		}
	}
	if opened < run.spec.Concurrency {
		run.stats.noteError(fmt.Sprintf("only %d of %d connections opened within %.0f ms", opened, run.spec.Concurrency, run.spec.ConnectTimeoutMs))
		run.closeAll()
		return run.stats.result(run.spec)
	}

	run.startedAt = time.Now()
	run.measureFrom = run.startedAt.Add(milliseconds(run.spec.WarmupMs))
	run.measureUntil = run.measureFrom.Add(milliseconds(run.spec.DurationMs))
	var done sync.WaitGroup
	if run.spec.RatePerSecond > 0 {
		run.pacer = newPacer(run)
	}
	for _, each := range connections {
		done.Add(1)
		go func() {
			defer done.Done()
			each.loop()
		}()
	}
	if run.pacer != nil {
		go run.pacer.generateArrivals()
	}
	finished := make(chan struct{})
	go func() {
		done.Wait()
		close(finished)
	}()
	// Connections stop on their own after the window; whatever is still in flight gets drainMs to end.
	select {
	case <-finished:
	case <-time.After(time.Until(run.measureUntil.Add(milliseconds(run.spec.DrainMs)))):
		run.closeAll()
		<-finished
	}
	run.closeAll()
	return run.stats.result(run.spec)
}

// connection is one keep-alive connection and the goroutine that drives it.
type connection struct {
	run       *run
	conn      net.Conn
	reader    *bufio.Reader
	validated bool
	jobs      chan job // open loop: what the pacer hands this connection
	scratch   [32 * 1024]byte
}

func (connection *connection) dial() error {
	conn, err := net.Dial("tcp", connection.run.address)
	if err != nil {
		return err
	}
	conn.(*net.TCPConn).SetNoDelay(true)
	connection.run.mutex.Lock()
	defer connection.run.mutex.Unlock()
	if connection.run.stopping {
		conn.Close()
		return errors.New("stopping")
	}
	connection.conn = conn
	connection.reader = bufio.NewReaderSize(conn, 64*1024)
	connection.validated = false
	connection.run.open[connection] = struct{}{}
	return nil
}

func (connection *connection) close() {
	if connection.conn != nil {
		connection.conn.Close()
	}
}

func (connection *connection) forget() {
	connection.run.mutex.Lock()
	delete(connection.run.open, connection)
	connection.run.mutex.Unlock()
	connection.close()
}

// next waits for this connection's next request: at once in a closed loop, from the pacer in an open one.
func (connection *connection) next() job {
	if connection.run.pacer == nil {
		return job{sentAt: time.Now()}
	}
	return connection.run.pacer.next(connection)
}

func (connection *connection) loop() {
	run := connection.run
	defer connection.forget()
	for {
		if run.over() {
			return
		}
		work := connection.next()
		if work.stop || run.over() {
			return
		}
		if _, err := connection.conn.Write(run.request); err != nil {
			if !connection.reconnect(err) {
				return
			}
			continue
		}
		keepBody := !connection.validated
		answer, err := readResponse(connection.reader, run.spec.Stream, keepBody, connection.scratch[:])
		if err != nil {
			if !connection.reconnect(err) {
				return
			}
			continue
		}
		now := time.Now()
		if valid := run.stats.record(run, answer, work, now, keepBody); valid && keepBody {
			connection.validated = true
		}
	}
}

// reconnect handles a connection lost while a request was on it (a failed write or read): the lost
// request is counted as an error and the connection reopened. It returns false when the run is over
// (the loss is then the run's own closing).
func (connection *connection) reconnect(cause error) bool {
	run := connection.run
	connection.forget()
	if run.over() {
		return false
	}
	message := cause.Error()
	if errors.Is(cause, errIncomplete) || errors.Is(cause, syscall.ECONNRESET) {
		message = "connection closed by server"
	}
	run.stats.noteError(message)
	if err := connection.dial(); err != nil {
		run.stats.noteError(err.Error())
		return false
	}
	return true
}
