package main

import "testing"

func TestValidateBody(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		stream bool
		valid  bool
	}{
		{"the completion", `{"choices":[{"message":{"content":"The quick brown fox jumps"}}]}`, false, true},
		{"another answer", `{"choices":[{"message":{"content":"Hello"}}]}`, false, false},
		{"no choices", `{"choices":[]}`, false, false},
		{"not JSON", `<html>`, false, false},
		{"the stream", "data: {\"choices\":[{\"delta\":{\"content\":\"The quick\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\" brown fox\"}}]}\n\ndata: {\"choices\":[],\"usage\":{}}\n\ndata: [DONE]\n\n", true, true},
		{"a stream without [DONE]", "data: {\"choices\":[{\"delta\":{\"content\":\"The quick brown fox\"}}]}\n\n", true, false},
		{"a stream with a chunk that is not JSON", "data: {oops\n\ndata: [DONE]\n\n", true, false},
	}
	for _, each := range cases {
		err := validateBody([]byte(each.body), each.stream)
		if (err == nil) != each.valid {
			t.Errorf("%s: got %v, want valid=%v", each.name, err, each.valid)
		}
	}
}
