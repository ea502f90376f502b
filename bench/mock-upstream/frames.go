package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

const (
	created     = 1_727_346_171
	fingerprint = "fp_7568d46099"
)

// Tokens of a typical short answer; each content chunk carries one.
var tokens = []string{
	"The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ",",
	" and", " then", " it", " rests", " under", " a", " tall", " oak", " tree", ".",
}

func tokenAt(index int) string { return tokens[index%len(tokens)] }

var nextID atomic.Uint64

func createID() string {
	id := strconv.FormatUint(nextID.Add(1), 36)
	return "chatcmpl-bench" + strings.Repeat("0", max(0, 12-len(id))) + id
}

func quote(text string) string {
	encoded, _ := json.Marshal(text)
	return string(encoded)
}

func usageJSON(completionTokens int) string {
	return fmt.Sprintf(`{"prompt_tokens":19,"completion_tokens":%d,"total_tokens":%d,`+
		`"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},`+
		`"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`,
		completionTokens, 19+completionTokens)
}

// completionTail is a chat.completion body after its id, which is new for every response: the
// rest is built once per model.
func completionTail(model string, contentChunks int) string {
	var content strings.Builder
	for index := 0; index < contentChunks; index++ {
		content.WriteString(tokenAt(index))
	}
	return fmt.Sprintf(`,"object":"chat.completion","created":%d,"model":%s,"choices":[{"index":0,`+
		`"message":{"role":"assistant","content":%s,"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],`+
		`"usage":%s,"service_tier":"default","system_fingerprint":%q}`,
		created, quote(model), quote(content.String()), usageJSON(contentChunks), fingerprint)
}

// chunkEvent is one `data:` event of a chat.completion.chunk stream, fields in OpenAI's order.
func chunkEvent(id, model, choices, usage string) []byte {
	return []byte(fmt.Sprintf(`data: {"id":%s,"object":"chat.completion.chunk","created":%d,"model":%s,`+
		`"service_tier":"default","system_fingerprint":%q,"choices":%s,"usage":%s}`+"\n\n",
		quote(id), created, quote(model), fingerprint, choices, usage))
}

func deltaChunk(id, model, delta, finishReason string) []byte {
	return chunkEvent(id, model, `[{"index":0,"delta":`+delta+`,"logprobs":null,"finish_reason":`+finishReason+`}]`, "null")
}

// streamFrames are the events of one stream, in order: the opening chunk (role, empty content),
// one chunk per content token, the finish chunk, the usage chunk when the request asked for it,
// and [DONE]. Shapes follow src/providers/openai/__fixtures__/openai-chat/chat-stream-usage.sse.
func streamFrames(model string, includeUsage bool, contentChunks int) [][]byte {
	id := createID()
	frames := [][]byte{deltaChunk(id, model, `{"role":"assistant","content":"","refusal":null}`, "null")}
	for index := 0; index < contentChunks; index++ {
		frames = append(frames, deltaChunk(id, model, `{"content":`+quote(tokenAt(index))+`}`, "null"))
	}
	frames = append(frames, deltaChunk(id, model, `{}`, `"stop"`))
	if includeUsage {
		frames = append(frames, chunkEvent(id, model, "[]", usageJSON(contentChunks)))
	}
	return append(frames, []byte("data: [DONE]\n\n"))
}

// frameCache builds each model's answers once: every stream of one model says the same thing, so
// the upstream spends its CPU on the socket writes only.
type frameCache struct {
	contentChunks int
	mutex         sync.Mutex
	streams       map[string][][]byte
	completions   map[string]string // completionTail by model
}

func newFrameCache(contentChunks int) *frameCache {
	return &frameCache{
		contentChunks: contentChunks,
		streams:       map[string][][]byte{},
		completions:   map[string]string{},
	}
}

func (cache *frameCache) stream(model string, includeUsage bool) [][]byte {
	key := model + "|" + strconv.FormatBool(includeUsage)
	cache.mutex.Lock()
	defer cache.mutex.Unlock()
	frames, ok := cache.streams[key]
	if !ok {
		frames = streamFrames(model, includeUsage, cache.contentChunks)
		cache.streams[key] = frames
	}
	return frames
}

func (cache *frameCache) completion(model string) []byte {
	cache.mutex.Lock()
	tail, ok := cache.completions[model]
	if !ok {
		tail = completionTail(model, cache.contentChunks)
		cache.completions[model] = tail
	}
	cache.mutex.Unlock()
	return []byte(`{"id":` + quote(createID()) + tail)
}
