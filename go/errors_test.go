package literllm

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestA429WithRetryAfterIsRateLimited(t *testing.T) {
	client := mockClient(t, "--status", "429", "--retry-after", "2")
	_, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi(), CallOptions: CallOptions{MaxRetries: Int(0)}})
	if !errors.Is(err, ErrRateLimited) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrInternal) {
		t.Fatalf("err = %v, want only ErrRateLimited", err)
	}
	var llmErr *Error
	if !errors.As(err, &llmErr) {
		t.Fatalf("err %T is not an *Error", err)
	}
	if llmErr.Code != CodeRateLimited || llmErr.RetryAfter != 2*time.Second || llmErr.StatusCode != 429 || llmErr.Provider != "openai" || !llmErr.Retryable {
		t.Errorf("error fields %+v", llmErr)
	}
}

func TestEveryUpstreamStatusMapsToItsCode(t *testing.T) {
	cases := []struct {
		status string
		want   *Error
	}{
		{"400", ErrInvalidRequest},
		{"404", ErrNotFound},
		{"500", ErrProviderUnavailable},
	}
	for _, test := range cases {
		t.Run(test.status, func(t *testing.T) {
			client := mockClient(t, "--status", test.status)
			_, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi(), CallOptions: CallOptions{MaxRetries: Int(0)}})
			if !errors.Is(err, test.want) {
				t.Fatalf("status %s: err = %v, want %v", test.status, err, test.want)
			}
		})
	}
}

func TestABadRequestIsInvalidRequestNamingTheField(t *testing.T) {
	client := mockClient(t)
	_, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: []Message{{Role: "robot", Content: "Hi"}}})
	var llmErr *Error
	if !errors.As(err, &llmErr) || !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("err = %v, want invalid_request", err)
	}
	if llmErr.Param != "params.messages[0].role" || llmErr.Retryable {
		t.Errorf("Param %q, Retryable %v", llmErr.Param, llmErr.Retryable)
	}
	// The engine took the bad frame in its stride: the next call works.
	if _, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi()}); err != nil {
		t.Fatalf("the call after a bad one: %v", err)
	}
}

func TestErrorsFromFramesMatchOnlyTheirSentinel(t *testing.T) {
	sentinels := map[Code]*Error{
		CodeRateLimited: ErrRateLimited, CodeTimeout: ErrTimeout, CodeAuthentication: ErrAuthentication,
		CodePermissionDenied: ErrPermissionDenied, CodeInvalidRequest: ErrInvalidRequest, CodeNotFound: ErrNotFound,
		CodeContextLengthExceeded: ErrContextLengthExceeded, CodeContentFiltered: ErrContentFiltered,
		CodeProviderUnavailable: ErrProviderUnavailable, CodeCancelled: ErrCancelled, CodeInternal: ErrInternal,
	}
	for code, sentinel := range sentinels {
		retryAfter := 1500.0
		err := error((&protocolError{Code: string(code), Message: "m", Retryable: true, RetryAfterMs: &retryAfter}).toError())
		for other, otherSentinel := range sentinels {
			if errors.Is(err, otherSentinel) != (other == code) {
				t.Errorf("errors.Is(%s error, %s sentinel) = %v", code, other, !(other == code))
			}
		}
		if !errors.Is(err, sentinel) || err.(*Error).RetryAfter != 1500*time.Millisecond {
			t.Errorf("%s: %+v", code, err)
		}
	}
	// A code from a newer engine is kept as sent and counts as internal.
	newer := (&protocolError{Code: "quota_exhausted", Message: "m"}).toError()
	if newer.Code != "quota_exhausted" || !errors.Is(newer, ErrInternal) {
		t.Errorf("unknown code: %+v", newer)
	}
	if errors.Is(ErrRateLimited, context.Canceled) || errors.Is(&Error{Code: CodeInternal}, &Error{Code: CodeInternal}) {
		t.Error("only the sentinels are targets of errors.Is")
	}
}
