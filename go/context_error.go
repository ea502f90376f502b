package literllm

import (
	"context"
	"errors"
)

// contextError is the error of a call whose context ended: ErrTimeout wrapping
// context.DeadlineExceeded when its deadline passed, ErrCancelled wrapping context.Canceled when
// it was cancelled. The call has been cancelled upstream by then (stdio: a cancel frame; HTTP:
// the request's connection closed).
func contextError(ctx context.Context) *Error {
	cause := ctx.Err()
	if errors.Is(cause, context.DeadlineExceeded) {
		return &Error{Code: CodeTimeout, Message: "the call's context deadline passed; the call was cancelled upstream", cause: cause}
	}
	if cause == nil {
		cause = context.Canceled
	}
	return &Error{Code: CodeCancelled, Message: "the call's context was cancelled; the call was cancelled upstream", cause: cause}
}
