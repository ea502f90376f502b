package literllm

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxEngineFrameBytes bounds the frames this binding reads: the engine's own intake limit is 64 MiB
// (capabilities.maxFrameBytes), and its answers (a large batch of embeddings) may be bigger.
const maxEngineFrameBytes = 256 << 20

// clientFrame is a request frame: {"id", "method", "params"?, "options"?}.
type clientFrame struct {
	ID      uint64       `json:"id"`
	Method  string       `json:"method"`
	Params  any          `json:"params,omitempty"`
	Options *wireOptions `json:"options,omitempty"`
}

// encodeFrame is the frame's bytes on the wire: a 4-byte big-endian length, then UTF-8 JSON.
func encodeFrame(frame clientFrame) ([]byte, error) {
	body, err := json.Marshal(frame)
	if err != nil {
		return nil, &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("the %s request could not be encoded as JSON: %v", frame.Method, err)}
	}
	encoded := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(encoded, uint32(len(body)))
	copy(encoded[4:], body)
	return encoded, nil
}

// errFrameTruncated is the engine's output ending inside a frame.
var errFrameTruncated = errors.New("its output ended in the middle of a frame")

// readFrame reads the next frame; io.EOF at the end of the stream between frames.
func readFrame(reader io.Reader) (*engineFrame, error) {
	var header [4]byte
	if _, err := io.ReadFull(reader, header[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errFrameTruncated
		}
		return nil, err
	}
	length := binary.BigEndian.Uint32(header[:])
	if length > maxEngineFrameBytes {
		return nil, fmt.Errorf("it announced a frame of %d bytes, over this binding's limit of %d (the stream is out of step)", length, maxEngineFrameBytes)
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(reader, body); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errFrameTruncated
		}
		return nil, err
	}
	var frame engineFrame
	if err := json.Unmarshal(body, &frame); err != nil {
		return nil, fmt.Errorf("it sent a frame that is not a JSON object (%v): %q", err, preview(body))
	}
	return &frame, nil
}

// preview is the start of a body, for error messages.
func preview(body []byte) string {
	const limit = 120
	if len(body) > limit {
		return string(body[:limit]) + "…"
	}
	return string(body)
}
