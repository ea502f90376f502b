package literllm

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestA429WithRetryAfterIsRateLimited(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t, "--status", "429", "--retry-after", "2")))
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
	})
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
			forEachMode(t, func(t *testing.T, connect connector) {
				client := connect(t, providerConfig(startMockProvider(t, "--status", test.status)))
				_, err := client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi(), CallOptions: CallOptions{MaxRetries: Int(0)}})
				if !errors.Is(err, test.want) {
					t.Fatalf("status %s: err = %v, want %v", test.status, err, test.want)
				}
			})
		})
	}
}

func TestABadRequestIsInvalidRequestNamingTheField(t *testing.T) {
	forEachMode(t, func(t *testing.T, connect connector) {
		client := connect(t, providerConfig(startMockProvider(t)))
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
	})
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

func TestAWrongGatewayKeyIsAnAuthenticationError(t *testing.T) {
	baseURL := startGateway(t, writeConfig(t, providerConfig(startMockProvider(t))+"server:\n  api_keys: [ "+gatewayKey+" ]\n"))
	client, err := New(context.Background(), WithBaseURL(baseURL+"/v1/"), WithAPIKey("sk-wrong"))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	_, err = client.Chat(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi()})
	if !errors.Is(err, ErrAuthentication) || strings.Contains(err.Error(), "sk-wrong") {
		t.Fatalf("err = %v, want ErrAuthentication without the key", err)
	}
	// As over stdio, a stream's error before its first event comes from its first Next.
	stream, err := client.ChatStream(withTimeout(t, 30*time.Second), ChatRequest{Model: testModel, Messages: hi()})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if stream.Next() || !errors.Is(stream.Err(), ErrAuthentication) {
		t.Fatalf("stream: err = %v", stream.Err())
	}
}

func TestAGatewayOutOfReachIsProviderUnavailable(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close()
	client, err := New(context.Background(), WithBaseURL("http://"+address))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Models(withTimeout(t, 10*time.Second))
	var llmErr *Error
	if !errors.As(err, &llmErr) || llmErr.Code != CodeProviderUnavailable || !llmErr.Retryable || !strings.Contains(llmErr.Message, address) {
		t.Fatalf("err = %v", err)
	}
}

func TestOptionsThatDoNotGoTogetherAreRefused(t *testing.T) {
	cases := map[string][]Option{
		"WithConfigFile": {WithBaseURL("http://127.0.0.1:1"), WithConfigFile("liter-llm.yaml")},
		"WithAPIKey":     {WithAPIKey("k")},
		"WithBaseURL":    {WithBaseURL("gateway:8080")},
	}
	for param, options := range cases {
		_, err := New(context.Background(), options...)
		var llmErr *Error
		if !errors.As(err, &llmErr) || llmErr.Code != CodeInvalidRequest || llmErr.Param != param {
			t.Errorf("%s: err = %v", param, err)
		}
	}
	_, err := New(context.Background(), WithEngine(mainJS), WithConfigFile("/nonexistent/liter-llm.yaml"))
	if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "/nonexistent/liter-llm.yaml") {
		t.Errorf("a missing config file: %v", err)
	}
}
