package llm

import (
	"context"
	"net/http"
	"testing"
)

func TestCompletePlain(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != "/v1/chat/completions" || r.Method != http.MethodPost {
			t.Errorf("got %s %s", r.Method, r.URL.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer sk-test-123456" {
			t.Errorf("Authorization = %q", got)
		}
		completion(w, "Hello.", "stop", true)
	})
	c := newTestClient(t, Config{BaseURL: f.url() + "/", APIKey: "sk-test-123456"}, nil)
	resp, err := c.Complete(context.Background(), userReq("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "Hello." || resp.FinishReason != "stop" || resp.Model != "test-model" {
		t.Errorf("resp = %+v", resp)
	}
	if resp.Usage != (Usage{PromptTokens: 11, CompletionTokens: 7}) {
		t.Errorf("usage = %+v", resp.Usage)
	}
	body := f.body(t, 0)
	if body["model"] != "test-model" {
		t.Errorf("model = %v", body["model"])
	}
	msgs, _ := body["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("messages = %v", body["messages"])
	}
}
