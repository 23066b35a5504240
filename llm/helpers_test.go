package llm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fake is an OpenAI-compatible endpoint for tests. handle answers each
// request; n is the 1-based count of chat requests so far.
type fake struct {
	srv    *httptest.Server
	calls  atomic.Int32
	mu     sync.Mutex
	bodies []map[string]any
}

func newFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fake {
	t.Helper()
	f := &fake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/chat/completions" {
			body, _ := io.ReadAll(r.Body)
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Errorf("request body is not JSON: %v: %s", err, body)
			}
			f.mu.Lock()
			f.bodies = append(f.bodies, m)
			f.mu.Unlock()
		}
		n := int(f.calls.Add(1))
		handle(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) url() string { return f.srv.URL + "/v1" }

// body returns the i-th (0-based) chat request body.
func (f *fake) body(t *testing.T, i int) map[string]any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.bodies) {
		t.Fatalf("only %d requests, want #%d", len(f.bodies), i+1)
	}
	return f.bodies[i]
}

// newTestClient makes a client with tiny backoff delays.
func newTestClient(t *testing.T, cfg Config, ledger Ledger) *Client {
	t.Helper()
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	c := New(cfg, ledger)
	c.backoffBase = time.Millisecond
	c.backoffMax = 5 * time.Millisecond
	t.Cleanup(c.Close)
	return c
}

// completion writes a valid chat completion.
func completion(w http.ResponseWriter, content, finish string, usage bool) {
	w.Header().Set("Content-Type", "application/json")
	u := ""
	if usage {
		u = `,"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}`
	}
	c, _ := json.Marshal(content)
	fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"test-model",`+
		`"choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":%q}]%s}`, c, finish, u)
}

// apiError writes an OpenAI-style error body.
func apiError(w http.ResponseWriter, status int, message, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	m, _ := json.Marshal(message)
	fmt.Fprintf(w, `{"error":{"message":%s,"type":"invalid_request_error","param":null,"code":%q}}`, m, code)
}

func userReq(text string) Request {
	return Request{Messages: []Message{{Role: "user", Content: text}}}
}
