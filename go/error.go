package literllm

import (
	"fmt"
	"strings"
	"time"
)

// Error is every error the binding returns from a call: the engine's error frame, the gateway's
// error body, a cancelled or timed-out context, or the engine process failing. Match it with
// errors.As to read its fields, or with errors.Is against a sentinel to test its code:
//
//	var llmErr *literllm.Error
//	if errors.As(err, &llmErr) && llmErr.Retryable { time.Sleep(llmErr.RetryAfter) }
//	if errors.Is(err, literllm.ErrRateLimited) { ... }
type Error struct {
	// Code is the taxonomy code, e.g. CodeRateLimited.
	Code Code
	// Message says what went wrong, for people. API keys never appear in it.
	Message string
	// Provider is the config name of the provider that failed, when one did.
	Provider string
	// StatusCode is the upstream provider's HTTP status, when there was one (0 otherwise).
	StatusCode int
	// RequestID is the provider's request id, when it sent one.
	RequestID string
	// Retryable says whether the same call may succeed later.
	Retryable bool
	// RetryAfter is how long the provider (or the engine's limits) asked to wait; 0 when unknown.
	RetryAfter time.Duration
	// HasRetryAfter says whether a wait was named at all: with it, a RetryAfter of 0 means "retry now".
	HasRetryAfter bool
	// Param names the field at fault for CodeInvalidRequest, e.g. "params.messages[0].role".
	Param string

	// cause is what Unwrap returns: the context's error for a cancelled or timed-out call.
	cause    error
	sentinel bool
}

func (e *Error) Error() string {
	if e.sentinel {
		return "liter-llm: " + string(e.Code)
	}
	var details []string
	if e.Provider != "" {
		details = append(details, e.Provider)
	}
	if e.StatusCode != 0 {
		details = append(details, fmt.Sprintf("status %d", e.StatusCode))
	}
	if e.Param != "" {
		details = append(details, "param "+e.Param)
	}
	text := "liter-llm: " + string(e.Code)
	if len(details) > 0 {
		text += " (" + strings.Join(details, ", ") + ")"
	}
	return text + ": " + e.Message
}

// Is makes errors.Is(err, ErrRateLimited) true for every *Error whose Code is rate_limited, and so
// on for each sentinel. A code this binding does not know (a newer engine's) matches ErrInternal.
func (e *Error) Is(target error) bool {
	sentinel, ok := target.(*Error)
	if !ok || !sentinel.sentinel {
		return false
	}
	if e.Code.known() {
		return e.Code == sentinel.Code
	}
	return sentinel.Code == CodeInternal
}

// Unwrap returns context.Canceled or context.DeadlineExceeded for a call its context ended, so
// errors.Is(err, context.Canceled) holds as well as errors.Is(err, ErrCancelled).
func (e *Error) Unwrap() error { return e.cause }

func newSentinel(code Code) *Error { return &Error{Code: code, sentinel: true} }

// The sentinels, one per code, for errors.Is. They are never returned themselves.
var (
	ErrRateLimited           = newSentinel(CodeRateLimited)
	ErrTimeout               = newSentinel(CodeTimeout)
	ErrAuthentication        = newSentinel(CodeAuthentication)
	ErrPermissionDenied      = newSentinel(CodePermissionDenied)
	ErrInvalidRequest        = newSentinel(CodeInvalidRequest)
	ErrNotFound              = newSentinel(CodeNotFound)
	ErrContextLengthExceeded = newSentinel(CodeContextLengthExceeded)
	ErrContentFiltered       = newSentinel(CodeContentFiltered)
	ErrProviderUnavailable   = newSentinel(CodeProviderUnavailable)
	ErrCancelled             = newSentinel(CodeCancelled)
	ErrInternal              = newSentinel(CodeInternal)
)

// protocolError is the error object of an error frame (stdio) or error body (HTTP), as sent.
type protocolError struct {
	Code         string   `json:"code"`
	Message      string   `json:"message"`
	Provider     string   `json:"provider,omitempty"`
	Status       int      `json:"status,omitempty"`
	RequestID    string   `json:"requestId,omitempty"`
	Retryable    bool     `json:"retryable"`
	RetryAfterMs *float64 `json:"retryAfterMs,omitempty"`
	Param        string   `json:"param,omitempty"`
}

// toError is the *Error for an error frame's object; a missing code is internal.
func (p *protocolError) toError() *Error {
	err := &Error{
		Code:       Code(p.Code),
		Message:    p.Message,
		Provider:   p.Provider,
		StatusCode: p.Status,
		RequestID:  p.RequestID,
		Retryable:  p.Retryable,
		Param:      p.Param,
	}
	if err.Code == "" {
		err.Code = CodeInternal
	}
	if err.Message == "" {
		err.Message = "the engine reported an error without a message"
	}
	if p.RetryAfterMs != nil && *p.RetryAfterMs >= 0 {
		err.RetryAfter, err.HasRetryAfter = time.Duration(*p.RetryAfterMs*float64(time.Millisecond)), true
	}
	return err
}

// internalError is an *Error with CodeInternal: the engine or the gateway misbehaved, or could not be reached.
func internalError(format string, args ...any) *Error {
	return &Error{Code: CodeInternal, Message: fmt.Sprintf(format, args...)}
}
