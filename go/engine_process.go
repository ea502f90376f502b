package literllm

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// protocolVersion is the stdio protocol version this binding speaks (docs/protocol.md).
const protocolVersion = "1.0.0"

// bindingVersion is this package's version, sent in the initialize handshake for the engine's logs.
const bindingVersion = "0.1.0"

// engineProcess is one engine child process: calls write request frames, and one reader goroutine
// routes the engine's frames to each call's queue by id.
type engineProcess struct {
	cmd    *exec.Cmd
	pid    int
	stdin  io.WriteCloser
	stderr *stderrTail

	writeMu sync.Mutex

	mu     sync.Mutex
	calls  map[uint64]*frameQueue
	nextID uint64
	dead   *Error

	// exited is closed once the process has exited and been reaped.
	exited chan struct{}
}

// startEngineProcess launches `command... engine --stdio [--config FILE]` in its own process
// group, with the parent-death signal where the platform has one (setEngineProcessAttributes).
func startEngineProcess(command []string, env []string, stderr io.Writer) (*engineProcess, error) {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = env
	tail := &stderrTail{out: stderr}
	cmd.Stderr = tail
	// Wait returns at most this long after the engine exits, even if a process it started still
	// holds its stderr open.
	cmd.WaitDelay = 2 * time.Second
	setEngineProcessAttributes(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, internalError("could not create the engine's stdin pipe: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, internalError("could not create the engine's stdout pipe: %v", err)
	}
	// Started from a fresh goroutine: on Linux the parent-death signal follows the thread that
	// forked, and a fresh goroutine never runs on a thread locked by (and ending with) its caller.
	started := make(chan error, 1)
	go func() { started <- cmd.Start() }()
	if err := <-started; err != nil {
		return nil, internalError("could not start the liter-llm engine %q: %v; %s", strings.Join(command, " "), err, howToGetAnEngine)
	}
	process := &engineProcess{
		cmd:    cmd,
		pid:    cmd.Process.Pid,
		stdin:  stdin,
		stderr: tail,
		calls:  make(map[uint64]*frameQueue),
		nextID: 1,
		exited: make(chan struct{}),
	}
	go process.read(bufio.NewReaderSize(stdout, 64<<10))
	return process, nil
}

// initialize runs the handshake: the engine answers with its protocol version, whose major must
// be ours. A refusal or a mismatch is an error at once, never a hang.
func (p *engineProcess) initialize(ctx context.Context) error {
	params := map[string]any{
		"protocolVersion": protocolVersion,
		"client":          map[string]string{"name": "liter-llm-go", "version": bindingVersion},
	}
	raw, err := p.roundTrip(ctx, "initialize", params, nil)
	if err != nil {
		var llmErr *Error
		if errors.As(err, &llmErr) && llmErr.cause == nil && llmErr.Code == CodeInternal {
			if words := p.stderr.lastLine(); words != "" {
				llmErr.Message += "; its stderr said: " + words
			}
		}
		return err
	}
	var answer struct {
		ProtocolVersion string `json:"protocolVersion"`
	}
	if err := jsonUnmarshal(raw, &answer, "initialize result"); err != nil {
		return err
	}
	if majorOf(answer.ProtocolVersion) != majorOf(protocolVersion) {
		return internalError("protocol version mismatch: this binding speaks %s, the engine (pid %d) %q; use a binding and an engine of the same release",
			protocolVersion, p.pid, answer.ProtocolVersion)
	}
	return nil
}

func majorOf(version string) string {
	major, _, _ := strings.Cut(version, ".")
	return major
}

// roundTrip sends a call and waits for its final frame; when ctx ends first, the call is
// cancelled in the engine and the context's error returned.
func (p *engineProcess) roundTrip(ctx context.Context, method string, params any, options *wireOptions) ([]byte, error) {
	id, queue, err := p.begin(method, params, options)
	if err != nil {
		return nil, err
	}
	frame, err := queue.pop(ctx)
	if err != nil {
		if ctx.Err() != nil {
			p.cancel(id)
			return nil, contextError(ctx)
		}
		p.forget(id)
		return nil, err
	}
	p.forget(id)
	return frame.finalResult()
}

// begin sends a call's request frame and returns its id and the queue its frames arrive on.
func (p *engineProcess) begin(method string, params any, options *wireOptions) (uint64, *frameQueue, error) {
	p.mu.Lock()
	if p.dead != nil {
		p.mu.Unlock()
		return 0, nil, p.dead
	}
	id := p.nextID
	p.nextID++
	queue := newFrameQueue()
	p.calls[id] = queue
	p.mu.Unlock()
	if err := p.send(clientFrame{ID: id, Method: method, Params: params, Options: options}); err != nil {
		p.forget(id)
		return 0, nil, err
	}
	return id, queue, nil
}

// cancel tells the engine to abort call id (upstream too, freeing its permit) and stops routing its
// frames: nobody reads them any more. The cancel call's own answer is not awaited.
func (p *engineProcess) cancel(id uint64) {
	p.forget(id)
	p.sendCancel(id)
}

func (p *engineProcess) sendCancel(id uint64) {
	p.mu.Lock()
	if p.dead != nil {
		p.mu.Unlock()
		return
	}
	cancelID := p.nextID
	p.nextID++
	p.mu.Unlock()
	_ = p.send(clientFrame{ID: cancelID, Method: "cancel", Params: map[string]uint64{"id": id}})
}

func (p *engineProcess) forget(id uint64) {
	p.mu.Lock()
	delete(p.calls, id)
	p.mu.Unlock()
}

func (p *engineProcess) send(frame clientFrame) error {
	encoded, err := encodeFrame(frame)
	if err != nil {
		return err
	}
	// One write per frame under the lock, so frames from many goroutines never interleave.
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	if _, err := p.stdin.Write(encoded); err != nil {
		return internalError("the liter-llm engine (pid %d) is not reading its input (%v); the next call starts a fresh engine", p.pid, err)
	}
	return nil
}

func (p *engineProcess) alive() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dead == nil
}

// read routes every frame to its call until the engine's output ends or cannot be read; then the
// engine is reaped and every call still waiting fails with an internal error saying so.
func (p *engineProcess) read(stdout io.Reader) {
	reason := "its output ended"
	for {
		frame, err := readFrame(stdout)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				reason = err.Error()
				// Once its output is out of step, the engine's frames can no longer be trusted: end it.
				killEngineProcess(p.cmd)
			}
			break
		}
		p.route(frame)
	}
	status := p.wait()
	dead := internalError("the liter-llm engine (pid %d) stopped (%s: %s) while calls were in flight; the next call starts a fresh engine", p.pid, status, reason)
	p.mu.Lock()
	p.dead = dead
	waiting := p.calls
	p.calls = make(map[uint64]*frameQueue)
	p.mu.Unlock()
	for _, queue := range waiting {
		queue.fail(dead)
	}
	close(p.exited)
}

// wait reaps the engine, which has been killed or has closed its output (and is killed when it
// does not exit soon after); it describes how it ended.
func (p *engineProcess) wait() string {
	waited := make(chan error, 1)
	go func() { waited <- p.cmd.Wait() }()
	var err error
	select {
	case err = <-waited:
	case <-time.After(5 * time.Second):
		killEngineProcess(p.cmd)
		err = <-waited
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "exit code 0"
	case errors.As(err, &exit):
		return exit.ProcessState.String()
	default:
		return err.Error()
	}
}

func (p *engineProcess) route(frame *engineFrame) {
	if frame.ID == nil {
		// id null: a frame the engine could not read, which means a bug in this binding.
		if frame.Error != nil {
			fmt.Fprintf(p.stderr, "liter-llm: the engine (pid %d) rejected a frame: %s\n", p.pid, frame.Error.toError())
		}
		return
	}
	p.mu.Lock()
	queue := p.calls[*frame.ID]
	p.mu.Unlock()
	// No queue: a call given up on (cancelled), whose last frames still arrive.
	if queue != nil {
		queue.push(frame)
	}
}

// close shuts the engine down: a shutdown call (the calls in flight drain first, up to timeout),
// then the end of its stdin (it exits), then SIGKILL to its process group if it is still there.
// It returns once the engine has been reaped.
func (p *engineProcess) close(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	if p.alive() {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		_, _ = p.roundTrip(ctx, "shutdown", nil, nil)
		cancel()
	}
	_ = p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(time.Until(deadline) + time.Second):
		killEngineProcess(p.cmd)
		<-p.exited
	}
	// Anything the engine started in its group goes with it.
	killEngineGroup(p.pid)
}

// stderrTail passes the engine's stderr on and remembers its last line, for the error when the
// engine stops during start-up (a bad config, a missing file).
type stderrTail struct {
	out  io.Writer
	mu   sync.Mutex
	last []byte
}

func (t *stderrTail) Write(data []byte) (int, error) {
	t.mu.Lock()
	t.last = append(t.last, data...)
	if len(t.last) > 4096 {
		t.last = t.last[len(t.last)-4096:]
	}
	t.mu.Unlock()
	if t.out == nil {
		return len(data), nil
	}
	return t.out.Write(data)
}

func (t *stderrTail) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.last)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
