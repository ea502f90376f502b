package literllm

import (
	"slices"
	"testing"
)

func TestWithQuietEngineLog(t *testing.T) {
	if got := withQuietEngineLog([]string{"PATH=/bin"}); !slices.Equal(got, []string{"PATH=/bin", "LITER_LLM_LOG_LEVEL=warn"}) {
		t.Errorf("no level set: got %v, want warn added", got)
	}
	asked := []string{"LITER_LLM_LOG_LEVEL=info", "PATH=/bin"}
	if got := withQuietEngineLog(asked); !slices.Equal(got, asked) {
		t.Errorf("a level the user set must stay: got %v", got)
	}
}
