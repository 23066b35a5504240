package mockllm

import (
	"context"
	"net/http"
	"time"
	"unicode/utf8"
)

// streamPieces is how many content deltas a streamed answer is cut into.
const streamPieces = 4

type streamAnswer struct {
	id, model, content, finish string
	usage                      *usage // nil: no usage chunk
	cut                        bool   // stop before finish_reason and [DONE]
}

func startStream(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
}

// writeEvent writes one SSE event and flushes it; it reports whether the
// write went through.
func writeEvent(w http.ResponseWriter, data []byte) bool {
	buf := make([]byte, 0, len(data)+8)
	buf = append(buf, "data: "...)
	buf = append(buf, data...)
	buf = append(buf, "\n\n"...)
	if _, err := w.Write(buf); err != nil {
		return false
	}
	return http.NewResponseController(w).Flush() == nil
}

// stream sends the answer as chat.completion.chunk events: the role, the
// content in a few deltas, an empty delta with finish_reason, the usage when
// asked for, then [DONE]. A cut stream ends after half the content.
func (s *Server) stream(ctx context.Context, w http.ResponseWriter, a streamAnswer) {
	startStream(w)
	created := time.Now().Unix()
	send := func(choices []chunkChoice, u *usage) bool {
		if ctx.Err() != nil {
			return false
		}
		return writeEvent(w, marshal(chunk{ID: a.id, Object: "chat.completion.chunk", Created: created, Model: a.model, Choices: choices, Usage: u}))
	}
	if !send([]chunkChoice{{Delta: chunkDelta{Role: "assistant"}}}, nil) {
		return
	}
	pieces := split(a.content, streamPieces)
	if a.cut {
		pieces = pieces[:(len(pieces)+1)/2]
	}
	for _, p := range pieces {
		if !send([]chunkChoice{{Delta: chunkDelta{Content: p}}}, nil) {
			return
		}
	}
	if a.cut {
		return
	}
	finish := a.finish
	if !send([]chunkChoice{{Delta: chunkDelta{}, FinishReason: &finish}}, nil) {
		return
	}
	if a.usage != nil && !send([]chunkChoice{}, a.usage) {
		return
	}
	writeEvent(w, []byte("[DONE]"))
}

// split cuts s into at most n non-empty pieces of about equal rune counts.
func split(s string, n int) []string {
	total := utf8.RuneCountInString(s)
	if total == 0 {
		return nil
	}
	size := (total + n - 1) / n
	var out []string
	count, start := 0, 0
	for i := range s {
		if count == size {
			out = append(out, s[start:i])
			start, count = i, 0
		}
		count++
	}
	return append(out, s[start:])
}
