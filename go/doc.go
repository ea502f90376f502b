// Package literllm is the Go binding of Liter-LLM: one engine (connection pooling, concurrency
// caps, rate limits, retries, fallbacks, telemetry) that calls any LLM provider through one typed
// API.
//
// A Client reaches the engine one of two ways, with the same methods, results and errors:
//
//   - embedded (the default): the engine runs as a child process (`liter-llm engine --stdio`)
//     and the client speaks the stdio protocol of docs/protocol.md with it: length-prefixed JSON
//     frames, an initialize handshake, many calls multiplexed by id. The engine starts lazily on
//     the first call, is shared by every goroutine using the client, and never outlives the Go
//     program (its stdin closing ends it; on Linux it also gets SIGKILL when its parent dies).
//     If it dies, the calls in flight fail at once with ErrInternal and the next call starts a
//     fresh one.
//   - over HTTP (WithBaseURL): the same calls against a gateway (`liter-llm serve`) through its
//     /v1/engine endpoints.
//
// Errors are one type, *Error, matched with errors.As, or with errors.Is against the sentinels
// (ErrRateLimited, ErrTimeout, ...), one per code. Cancelling a call's context cancels the call
// upstream at once: the returned error matches both ErrCancelled and context.Canceled, or, for a
// passed deadline, both ErrTimeout and context.DeadlineExceeded.
package literllm
