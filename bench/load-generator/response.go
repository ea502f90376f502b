package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// response is what one request got back; the reader understands exactly what it needs from
// HTTP/1.1: a status line, content-length or chunked bodies.
type response struct {
	status       int
	firstTokenAt time.Time // streams: when the first non-empty content delta arrived
	body         []byte    // kept only when asked (the first response on a connection)
}

var errIncomplete = errors.New("connection closed by server")

// bodyWatcher sees the body's bytes as they arrive: it keeps them when asked and notes when the
// first token shows up (a token split across reads is found through the kept tail).
type bodyWatcher struct {
	stream   bool
	keep     bool
	response *response
	tail     []byte
}

func (watcher *bodyWatcher) see(data []byte) {
	if len(data) == 0 {
		return
	}
	if watcher.keep {
		watcher.response.body = append(watcher.response.body, data...)
	}
	if !watcher.stream || !watcher.response.firstTokenAt.IsZero() {
		return
	}
	text := append(watcher.tail, data...)
	if firstToken.Match(text) {
		watcher.response.firstTokenAt = time.Now()
		watcher.tail = nil
		return
	}
	if len(text) > 32 {
		text = text[len(text)-32:]
	}
	watcher.tail = append(watcher.tail[:0], text...)
}

func readLine(reader *bufio.Reader) (string, error) {
	line, err := reader.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// Longer than the buffer (a long header): gather the rest.
		whole := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = reader.ReadSlice('\n')
			whole = append(whole, line...)
		}
		line = whole
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return "", errIncomplete
		}
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// readResponse reads one whole response from the connection.
func readResponse(reader *bufio.Reader, stream, keepBody bool, scratch []byte) (*response, error) {
	result := &response{}
	statusLine, err := readLine(reader)
	if err != nil {
		return nil, err
	}
	if len(statusLine) < 12 || !strings.HasPrefix(statusLine, "HTTP/1.") {
		return nil, fmt.Errorf("not an HTTP/1.x status line: %q", preview(statusLine, 80))
	}
	if result.status, err = strconv.Atoi(statusLine[9:12]); err != nil {
		return nil, fmt.Errorf("bad status line: %q", preview(statusLine, 80))
	}
	contentLength := -1
	chunked := false
	for {
		line, err := readLine(reader)
		if err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		colon := strings.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(line[:colon]))
		value := strings.TrimSpace(line[colon+1:])
		switch name {
		case "content-length":
			if contentLength, err = strconv.Atoi(value); err != nil {
				return nil, fmt.Errorf("bad content-length %q", value)
			}
		case "transfer-encoding":
			chunked = strings.Contains(strings.ToLower(value), "chunked")
		}
	}
	watcher := &bodyWatcher{stream: stream, keep: keepBody, response: result}
	if chunked {
		return result, readChunked(reader, watcher, scratch)
	}
	if contentLength > 0 {
		return result, readFixed(reader, watcher, contentLength, scratch)
	}
	return result, nil
}

func readFixed(reader *bufio.Reader, watcher *bodyWatcher, remaining int, scratch []byte) error {
	for remaining > 0 {
		take := min(remaining, len(scratch))
		count, err := reader.Read(scratch[:take])
		watcher.see(scratch[:count])
		remaining -= count
		if err != nil && remaining > 0 {
			if errors.Is(err, io.EOF) {
				return errIncomplete
			}
			return err
		}
	}
	return nil
}

func readChunked(reader *bufio.Reader, watcher *bodyWatcher, scratch []byte) error {
	for {
		sizeLine, err := readLine(reader)
		if err != nil {
			return err
		}
		if semicolon := strings.IndexByte(sizeLine, ';'); semicolon >= 0 {
			sizeLine = sizeLine[:semicolon]
		}
		size, err := strconv.ParseInt(strings.TrimSpace(sizeLine), 16, 64)
		if err != nil {
			return fmt.Errorf("bad chunk size %q", preview(sizeLine, 40))
		}
		if size == 0 {
			// Trailer section: ends with an empty line (no trailers are ever sent here).
			for {
				line, err := readLine(reader)
				if err != nil {
					return err
				}
				if line == "" {
					return nil
				}
			}
		}
		if err := readFixed(reader, watcher, int(size), scratch); err != nil {
			return err
		}
		if _, err := readLine(reader); err != nil { // the CRLF after the chunk's data
			return err
		}
	}
}
