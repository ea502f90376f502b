package literllm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// maxHTTPBodyBytes bounds a gateway answer read whole (the frames' own limit).
const maxHTTPBodyBytes = maxEngineFrameBytes

// httpTransport carries the calls to a gateway's /v1/engine endpoints (docs/protocol.md, "Over
// HTTP"): the bodies are the stdio frames without id and method, so the same frames come back.
type httpTransport struct {
	baseURL string
	apiKey  string
	client  *http.Client
}

// httpRoutes maps each method to its endpoint.
var httpRoutes = map[string]struct{ verb, path string }{
	"chat":        {http.MethodPost, "/v1/engine/chat"},
	"chat.stream": {http.MethodPost, "/v1/engine/chat.stream"},
	"embed":       {http.MethodPost, "/v1/engine/embed"},
	"models":      {http.MethodGet, "/v1/engine/models"},
	"stats":       {http.MethodGet, "/v1/engine/stats"},
}

type httpCallBody struct {
	Params  any          `json:"params"`
	Options *wireOptions `json:"options,omitempty"`
}

func (t *httpTransport) call(ctx context.Context, method string, params any, options *wireOptions) (json.RawMessage, error) {
	response, err := t.send(ctx, method, params, options)
	if err != nil {
		return nil, err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(io.LimitReader(response.Body, maxHTTPBodyBytes))
	if err != nil {
		return nil, t.transportError(ctx, "reading its answer", err)
	}
	var frame engineFrame
	if json.Unmarshal(body, &frame) == nil && (frame.Type == frameResult || frame.Type == frameError) {
		if frame.Type == frameResult && response.StatusCode == http.StatusOK {
			return frame.Result, nil
		}
		if frame.Type == frameError && frame.Error != nil {
			return nil, withRetryAfterHeader(frame.Error.toError(), response.Header)
		}
	}
	return nil, gatewayError(response, body)
}

// stream sends the request in the background and returns at once, as over stdio: the answer's
// status, and any error before the first event, arrive through the stream's first Next.
func (t *httpTransport) stream(ctx context.Context, params any, options *wireOptions) (frameSource, error) {
	if ctx.Err() != nil {
		return nil, contextError(ctx)
	}
	stream := &httpStream{ctx: ctx, transport: t, responded: make(chan struct{})}
	go stream.open(params, options)
	return stream, nil
}

func (t *httpTransport) close() error {
	t.client.CloseIdleConnections()
	return nil
}

func (t *httpTransport) send(ctx context.Context, method string, params any, options *wireOptions) (*http.Response, error) {
	if ctx.Err() != nil {
		return nil, contextError(ctx)
	}
	route := httpRoutes[method]
	var body io.Reader
	if route.verb == http.MethodPost {
		encoded, err := json.Marshal(httpCallBody{Params: params, Options: options})
		if err != nil {
			return nil, &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("the %s request could not be encoded as JSON: %v", method, err)}
		}
		body = bytes.NewReader(encoded)
	}
	request, err := http.NewRequestWithContext(ctx, route.verb, t.baseURL+route.path, body)
	if err != nil {
		return nil, &Error{Code: CodeInvalidRequest, Param: "WithBaseURL", Message: fmt.Sprintf("WithBaseURL: %v", err)}
	}
	if body != nil {
		request.Header.Set("content-type", "application/json")
	}
	if method == "chat.stream" {
		request.Header.Set("accept", "text/event-stream")
	}
	if t.apiKey != "" {
		request.Header.Set("authorization", "Bearer "+t.apiKey)
	}
	request.Header.Set("user-agent", "liter-llm-go/"+bindingVersion)
	response, err := t.client.Do(request)
	if err != nil {
		return nil, t.transportError(ctx, "sending the request", err)
	}
	return response, nil
}

// transportError is the error of a call the connection failed: the context's, when it ended; the
// gateway out of reach (retryable) otherwise.
func (t *httpTransport) transportError(ctx context.Context, doing string, err error) error {
	if ctx.Err() != nil {
		return contextError(ctx)
	}
	return &Error{
		Code:      CodeProviderUnavailable,
		Retryable: true,
		Message:   fmt.Sprintf("the gateway at %s failed while %s: %v", t.baseURL, doing, unwrapURLError(err)),
	}
}

func unwrapURLError(err error) error {
	var urlError interface{ Unwrap() error }
	if errors.As(err, &urlError) {
		if inner := urlError.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// httpStream reads one chat.stream answer: SSE events, each `data: <frame JSON>`.
type httpStream struct {
	ctx       context.Context
	transport *httpTransport

	// responded is closed once the answer's head has arrived (body, reader) or the request failed (failed).
	responded chan struct{}
	body      io.ReadCloser
	reader    *bufio.Reader
	failed    error

	closeOnce sync.Once
}

func (s *httpStream) open(params any, options *wireOptions) {
	defer close(s.responded)
	response, err := s.transport.send(s.ctx, "chat.stream", params, options)
	if err != nil {
		s.failed = err
		return
	}
	if response.StatusCode == http.StatusOK && strings.HasPrefix(response.Header.Get("content-type"), "text/event-stream") {
		s.body, s.reader = response.Body, bufio.NewReaderSize(response.Body, 64<<10)
		return
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(response.Body, maxHTTPBodyBytes))
	var frame engineFrame
	if json.Unmarshal(body, &frame) == nil && frame.Type == frameError && frame.Error != nil {
		s.failed = withRetryAfterHeader(frame.Error.toError(), response.Header)
		return
	}
	s.failed = gatewayError(response, body)
}

func (s *httpStream) next(context.Context) (*engineFrame, error) {
	<-s.responded
	if s.failed != nil {
		return nil, s.failed
	}
	data, err := s.readEvent()
	if err != nil {
		s.release()
		if s.ctx.Err() != nil {
			return nil, contextError(s.ctx)
		}
		if errors.Is(err, io.EOF) {
			return nil, internalError("the gateway at %s ended the stream before its result", s.transport.baseURL)
		}
		return nil, internalError("the gateway at %s broke off the stream: %v", s.transport.baseURL, err)
	}
	var frame engineFrame
	if err := json.Unmarshal(data, &frame); err != nil {
		s.release()
		return nil, internalError("the gateway at %s sent a stream event that is not a frame (%v): %q", s.transport.baseURL, err, preview(data))
	}
	if frame.Type != frameEvent {
		s.release()
	}
	return &frame, nil
}

// readEvent is the data of the next SSE event (its data lines joined); comments and other fields are skipped.
func (s *httpStream) readEvent() ([]byte, error) {
	var data []byte
	lines := 0
	for {
		line, err := s.reader.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line (a large event): read the rest of it.
			rest, restErr := s.reader.ReadBytes('\n')
			line, err = append(append([]byte{}, line...), rest...), restErr
		}
		if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
			return nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			if lines > 0 {
				return data, nil
			}
			continue
		}
		if value, ok := bytes.CutPrefix(line, []byte("data:")); ok {
			if lines > 0 {
				data = append(data, '\n')
			}
			data = append(data, bytes.TrimPrefix(value, []byte(" "))...)
			lines++
		}
		if err != nil && lines > 0 {
			return data, nil
		}
	}
}

func (s *httpStream) release() {
	s.closeOnce.Do(func() {
		if s.body != nil {
			s.body.Close()
		}
	})
}

// abandon closes the connection: the gateway aborts the call upstream and frees its permit. The
// stream's context has ended by then (Close, or the caller's), so a request still waiting for
// its answer's head gives up at once.
func (s *httpStream) abandon(bool) {
	<-s.responded
	s.release()
}
