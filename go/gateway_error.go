package literllm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// gatewayError is the *Error for a gateway answer that is not a protocol frame: the gateway's
// OpenAI-style error body ({"error": {"code", "message", "retryable", "retry_after_ms", ...}}),
// or a proxy's page, whose HTTP status decides the code.
func gatewayError(response *http.Response, body []byte) error {
	var payload struct {
		Error *struct {
			Code           any      `json:"code"`
			Message        string   `json:"message"`
			Retryable      *bool    `json:"retryable"`
			RetryAfterMs   *float64 `json:"retry_after_ms"`
			Provider       string   `json:"provider"`
			UpstreamStatus int      `json:"upstream_status"`
			Param          string   `json:"param"`
		} `json:"error"`
	}
	err := &Error{Code: codeForStatus(response.StatusCode)}
	if json.Unmarshal(body, &payload) == nil && payload.Error != nil {
		fields := payload.Error
		if code, ok := fields.Code.(string); ok && Code(code).known() {
			err.Code = Code(code)
		}
		err.Message, err.Provider, err.StatusCode, err.Param = fields.Message, fields.Provider, fields.UpstreamStatus, fields.Param
		if fields.Retryable != nil {
			err.Retryable = *fields.Retryable
		} else {
			err.Retryable = retryableStatus(response.StatusCode)
		}
		if fields.RetryAfterMs != nil && *fields.RetryAfterMs >= 0 {
			err.RetryAfter, err.HasRetryAfter = time.Duration(*fields.RetryAfterMs*float64(time.Millisecond)), true
		}
	} else {
		err.Retryable = retryableStatus(response.StatusCode)
	}
	if err.Message == "" {
		err.Message = fmt.Sprintf("the gateway answered %d: %s", response.StatusCode, preview([]byte(strings.TrimSpace(string(body)))))
	}
	return withRetryAfterHeader(err, response.Header)
}

// withRetryAfterHeader fills RetryAfter from the `retry-after` header (whole seconds) when the body had no wait.
func withRetryAfterHeader(err *Error, header http.Header) *Error {
	if err.HasRetryAfter {
		return err
	}
	if seconds, parseErr := strconv.ParseFloat(strings.TrimSpace(header.Get("retry-after")), 64); parseErr == nil && seconds >= 0 {
		err.RetryAfter, err.HasRetryAfter = time.Duration(seconds*float64(time.Second)), true
	}
	return err
}

// codeForStatus is the code for an HTTP status, the gateway's mapping read backwards.
func codeForStatus(status int) Code {
	switch {
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge || status == http.StatusUnprocessableEntity:
		return CodeInvalidRequest
	case status == http.StatusUnauthorized:
		return CodeAuthentication
	case status == http.StatusForbidden:
		return CodePermissionDenied
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		return CodeTimeout
	case status == http.StatusTooManyRequests:
		return CodeRateLimited
	case status == 499:
		return CodeCancelled
	case status == http.StatusBadGateway || status == http.StatusServiceUnavailable:
		return CodeProviderUnavailable
	default:
		return CodeInternal
	}
}

func retryableStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
}
