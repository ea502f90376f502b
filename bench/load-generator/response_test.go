package main

import (
	"bufio"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// oneByteAtATime makes every read return one byte: every header, chunk size and token is split.
func oneByteAtATime(text string) *bufio.Reader {
	return bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(text)), 16)
}

func TestReadsAContentLengthBodyWhole(t *testing.T) {
	raw := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}" + "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
	reader := oneByteAtATime(raw)
	first, err := readResponse(reader, false, true, make([]byte, 4))
	if err != nil {
		t.Fatal(err)
	}
	if first.status != 200 || string(first.body) != `{"ok":true}` {
		t.Fatalf("got status %d body %q", first.status, first.body)
	}
	// The next response on the same connection starts exactly where the first one ended.
	second, err := readResponse(reader, false, true, make([]byte, 4))
	if err != nil {
		t.Fatal(err)
	}
	if second.status != 404 || len(second.body) != 0 {
		t.Fatalf("got status %d body %q", second.status, second.body)
	}
}

func chunked(parts ...string) string {
	var text strings.Builder
	text.WriteString("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
	for _, part := range parts {
		text.WriteString(strings.ToUpper(strconv.FormatInt(int64(len(part)), 16)) + "\r\n" + part + "\r\n")
	}
	text.WriteString("0\r\n\r\n")
	return text.String()
}

func TestReadsAChunkedStreamAndFindsItsFirstToken(t *testing.T) {
	opening := `data: {"choices":[{"delta":{"role":"assistant","content":""}}]}` + "\n\n"
	token := `data: {"choices":[{"delta":{"content":"The"}}]}` + "\n\n"
	raw := chunked(opening, token, "data: [DONE]\n\n")
	answer, err := readResponse(oneByteAtATime(raw), true, true, make([]byte, 3))
	if err != nil {
		t.Fatal(err)
	}
	if answer.status != 200 || string(answer.body) != opening+token+"data: [DONE]\n\n" {
		t.Fatalf("got status %d body %q", answer.status, answer.body)
	}
	if answer.firstTokenAt.IsZero() {
		t.Fatal("the first token was not seen although it arrived split across single-byte reads")
	}
}

func TestAnEmptyContentDeltaIsNotAToken(t *testing.T) {
	raw := chunked(`data: {"choices":[{"delta":{"role":"assistant","content":""}}]}`+"\n\n", "data: [DONE]\n\n")
	answer, err := readResponse(oneByteAtATime(raw), true, false, make([]byte, 64))
	if err != nil {
		t.Fatal(err)
	}
	if !answer.firstTokenAt.IsZero() {
		t.Fatal("an empty content delta counted as the first token")
	}
	if answer.body != nil {
		t.Fatal("the body was kept although it was not asked for")
	}
}

func TestAConnectionClosedMidBodyIsAnError(t *testing.T) {
	raw := "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"partial\":"
	if _, err := readResponse(oneByteAtATime(raw), false, false, make([]byte, 8)); err != errIncomplete {
		t.Fatalf("got %v, want errIncomplete", err)
	}
	cut := "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\ndata: {}"
	if _, err := readResponse(oneByteAtATime(cut), true, false, make([]byte, 8)); err != errIncomplete {
		t.Fatalf("chunked: got %v, want errIncomplete", err)
	}
}

func TestRejectsWhatIsNotHTTP(t *testing.T) {
	if _, err := readResponse(oneByteAtATime("SSH-2.0-OpenSSH\r\n\r\n"), false, false, make([]byte, 8)); err == nil {
		t.Fatal("a non-HTTP status line was accepted")
	}
	bad := "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n"
	if _, err := readResponse(oneByteAtATime(bad), false, false, make([]byte, 8)); err == nil {
		t.Fatal("a bad chunk size was accepted")
	}
}
