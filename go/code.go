package literllm

// Code is one entry of the one error taxonomy (src/spec/error-codes.ts), shared by the TypeScript
// library, the gateway, the stdio protocol and the Python binding.
type Code string

// The codes. A newer engine may send a code this list does not know yet: it is kept as sent, and
// such an error matches ErrInternal.
const (
	CodeRateLimited           Code = "rate_limited"
	CodeTimeout               Code = "timeout"
	CodeAuthentication        Code = "authentication"
	CodePermissionDenied      Code = "permission_denied"
	CodeInvalidRequest        Code = "invalid_request"
	CodeNotFound              Code = "not_found"
	CodeContextLengthExceeded Code = "context_length_exceeded"
	CodeContentFiltered       Code = "content_filtered"
	CodeProviderUnavailable   Code = "provider_unavailable"
	CodeCancelled             Code = "cancelled"
	CodeInternal              Code = "internal"
)

// known reports whether the code is one of this binding's codes.
func (code Code) known() bool {
	switch code {
	case CodeRateLimited, CodeTimeout, CodeAuthentication, CodePermissionDenied, CodeInvalidRequest,
		CodeNotFound, CodeContextLengthExceeded, CodeContentFiltered, CodeProviderUnavailable,
		CodeCancelled, CodeInternal:
		return true
	}
	return false
}
