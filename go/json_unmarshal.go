package literllm

import "encoding/json"

// jsonUnmarshal decodes a result the engine or the gateway sent; a result that does not fit the
// protocol's types is an internal error naming what it was.
func jsonUnmarshal(raw []byte, target any, what string) error {
	if err := json.Unmarshal(raw, target); err != nil {
		return internalError("the engine sent a %s this binding cannot read (%v): %q", what, err, preview(raw))
	}
	return nil
}
