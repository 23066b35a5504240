package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// sse writes a chat completion stream: one chunk per delta, then a chunk with
// finish (if not empty) and [DONE] (if done).
func sse(w http.ResponseWriter, deltas []string, finish string, done bool) {
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	chunk := func(delta, fin string) {
		d, _ := json.Marshal(delta)
		f := "null"
		if fin != "" {
			f = fmt.Sprintf("%q", fin)
		}
		fmt.Fprintf(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"test-model\","+
			"\"choices\":[{\"index\":0,\"delta\":{\"content\":%s},\"finish_reason\":%s}]}\n\n", d, f)
		fl.Flush()
	}
	fmt.Fprint(w, ": keep-alive comment\n\n")
	for _, d := range deltas {
		chunk(d, "")
	}
	if finish != "" {
		chunk("", finish)
	}
	if done {
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
}

func TestStream(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		sse(w, []string{"<thi", "nk>hmm", "</think>\n\n", "Hello", ", world", "."}, "stop", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	var got strings.Builder
	resp, err := c.Stream(context.Background(), userReq("hi"), func(s string) { got.WriteString(s) })
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "Hello, world." || resp.Content != "Hello, world." || resp.FinishReason != "stop" {
		t.Errorf("deltas %q, resp %+v", got.String(), resp)
	}
	if !resp.Usage.Estimated {
		t.Errorf("usage = %+v, want an estimate", resp.Usage)
	}
	if f.body(t, 0)["stream"] != true {
		t.Error("stream not requested")
	}
}

func TestStreamCutBeforeAnyDeltaIsRetried(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			sse(w, nil, "", false) // headers and a comment, then the connection ends
			return
		}
		sse(w, []string{"ok"}, "stop", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	resp, err := c.Stream(context.Background(), userReq("hi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "ok" || f.calls.Load() != 2 {
		t.Errorf("content %q, calls %d", resp.Content, f.calls.Load())
	}
}

func TestStreamCutAfterDeltasIsAnError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		sse(w, []string{"Hello", ", wor"}, "", false)
	})
	l := newMemLedger()
	c := newTestClient(t, Config{BaseURL: f.url()}, l)
	var got strings.Builder
	resp, err := c.Stream(context.Background(), userReq("hi"), func(s string) { got.WriteString(s) })
	if err == nil || !strings.Contains(err.Error(), "stream cut before the end") {
		t.Fatalf("err = %v", err)
	}
	if f.calls.Load() != 1 {
		t.Errorf("calls = %d, want 1 (no retry after delivering)", f.calls.Load())
	}
	if got.String() != "Hello, wor" || resp.Content != "Hello, wor" {
		t.Errorf("delivered %q, resp %q", got.String(), resp.Content)
	}
}

func TestStreamErrorEvent(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "text/event-stream")
		if n == 1 {
			fmt.Fprint(w, "data: {\"error\":{\"message\":\"server overloaded\",\"code\":\"overloaded\"}}\n\n")
			return
		}
		sse(w, []string{"ok"}, "stop", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	resp, err := c.Stream(context.Background(), userReq("hi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "ok" || f.calls.Load() != 2 {
		t.Errorf("content %q, calls %d", resp.Content, f.calls.Load())
	}
}

func TestStreamHTTPErrorRetried(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			apiError(w, 429, "slow down", "")
			return
		}
		sse(w, []string{"ok"}, "length", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	resp, err := c.Stream(context.Background(), userReq("hi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.FinishReason != "length" || f.calls.Load() != 2 {
		t.Errorf("resp %+v, calls %d", resp, f.calls.Load())
	}
}

func TestThinkFilterAnySplit(t *testing.T) {
	for in, want := range map[string]string{
		"<think>a b</think>\n\nAnswer here": "Answer here",
		"  Answer without thinking":         "  Answer without thinking",
		"<thin>not a tag":                   "<thin>not a tag",
		"<think>never closed":               "",
		"<":                                 "<",
		"Answer </think> later":             "Answer </think> later",
	} {
		for i := 0; i <= len(in); i++ {
			for j := i; j <= len(in); j++ {
				var f thinkFilter
				got := f.feed(in[:i]) + f.feed(in[i:j]) + f.feed(in[j:]) + f.flush()
				if got != want {
					t.Fatalf("%q split at %d,%d: got %q, want %q", in, i, j, got, want)
				}
			}
		}
	}
}
