package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestTemperatureAlwaysSent(t *testing.T) {
	for _, tc := range []struct {
		model string
		temp  float32
		want  any // nil: absent
	}{
		{"llama3.1:8b", 0, 0.0},
		{"llama3.1:8b", 0.7, 0.7},
		{"gpt-4o-mini", 0, 0.0},
		{"gpt-5-mini", 0, nil}, // reasoning models take only their default
		{"o3-mini", 0.2, nil},
	} {
		t.Run(fmt.Sprint(tc.model, tc.temp), func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, "ok", "stop", true) })
			c := newTestClient(t, Config{BaseURL: f.url(), Model: tc.model}, nil)
			req := userReq("hi")
			req.Temperature = tc.temp
			if _, err := c.Complete(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			got, ok := f.body(t, 0)["temperature"]
			switch {
			case tc.want == nil && ok:
				t.Errorf("temperature = %v, want none", got)
			case tc.want != nil && !ok:
				t.Error("temperature missing")
			case tc.want != nil && fmt.Sprintf("%.2f", got) != fmt.Sprintf("%.2f", tc.want):
				t.Errorf("temperature = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAddZeroTemperature(t *testing.T) {
	for in, want := range map[string]string{
		`{"model":"m"}`:                     `{"temperature":0,"model":"m"}`,
		`{}`:                                `{"temperature":0}`,
		`{"temperature":0.5}`:               `{"temperature":0.5}`,
		`{"a":{"temperature":1}}`:           `{"temperature":0,"a":{"temperature":1}}`,
		`not json`:                          `not json`,
		`{"messages":["\"temperature\":"]}`: `{"temperature":0,"messages":["\"temperature\":"]}`,
	} {
		got := string(addZeroTemperature([]byte(in)))
		if got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
		if want != "not json" && !json.Valid([]byte(got)) {
			t.Errorf("%s: invalid JSON %s", in, got)
		}
	}
}

func TestMaxTokensField(t *testing.T) {
	for _, tc := range []struct{ model, field string }{
		{"llama3.1:8b", "max_tokens"},
		{"gpt-4o", "max_tokens"},
		{"o1-mini", "max_completion_tokens"},
		{"o3", "max_completion_tokens"},
		{"o4-mini", "max_completion_tokens"},
		{"gpt-5-nano", "max_completion_tokens"},
	} {
		t.Run(tc.model, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, "ok", "stop", true) })
			c := newTestClient(t, Config{BaseURL: f.url(), Model: tc.model}, nil)
			req := userReq("hi")
			req.MaxTokens = 123
			if _, err := c.Complete(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			body := f.body(t, 0)
			if body[tc.field] != 123.0 {
				t.Errorf("%s = %v; body %v", tc.field, body[tc.field], body)
			}
			other := map[string]string{"max_tokens": "max_completion_tokens", "max_completion_tokens": "max_tokens"}[tc.field]
			if _, ok := body[other]; ok {
				t.Errorf("%s also sent", other)
			}
		})
	}
}

func TestThinkAndReasoningNotInContent(t *testing.T) {
	for name, raw := range map[string]string{
		"think block":       `{"role":"assistant","content":"<think>\nLet me see.\n</think>\n\nThe answer."}`,
		"close only":        `{"role":"assistant","content":"Let me see.\n</think>\n\nThe answer."}`,
		"reasoning_content": `{"role":"assistant","content":"The answer.","reasoning_content":"Let me see."}`,
		"reasoning":         `{"role":"assistant","content":"The answer.","reasoning":"Let me see."}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				fmt.Fprintf(w, `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":%s,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`, raw)
			})
			c := newTestClient(t, Config{BaseURL: f.url()}, nil)
			resp, err := c.Complete(context.Background(), userReq("hi"))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Content != "The answer." {
				t.Errorf("content = %q", resp.Content)
			}
		})
	}
}

func TestStripThink(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                        "plain",
		"  <think>a</think>b":          "b",
		"<think>never closed":          "",
		"x </think> y":                 "y",
		"<think>a</think>b </think> c": "b </think> c",
		"text mentioning <think> tags": "text mentioning <think> tags",
		"":                             "",
	} {
		if got := stripThink(in); got != want {
			t.Errorf("stripThink(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorObjectIn200(t *testing.T) {
	t.Run("retryable", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				fmt.Fprint(w, `{"error":{"message":"Provider returned error: overloaded","code":502}}`)
				return
			}
			completion(w, "ok", "stop", true)
		})
		c := newTestClient(t, Config{BaseURL: f.url()}, nil)
		if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
			t.Fatal(err)
		}
		if f.calls.Load() != 2 {
			t.Errorf("calls = %d, want 2", f.calls.Load())
		}
	})
	t.Run("final", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			fmt.Fprint(w, `{"error":{"message":"Input violates the content policy","code":"content_policy_violation"}}`)
		})
		c := newTestClient(t, Config{BaseURL: f.url()}, nil)
		_, err := c.Complete(context.Background(), userReq("hi"))
		var se *StatusError
		if !errors.As(err, &se) || se.Code != 200 || se.ErrorCode != "content_policy_violation" {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "content policy") {
			t.Errorf("err = %q", err)
		}
		if f.calls.Load() != 1 {
			t.Errorf("calls = %d, want 1", f.calls.Load())
		}
	})
}

func TestEmptyChoices(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[]}`)
	})
	c := newTestClient(t, Config{BaseURL: f.url(), MaxRetries: 1}, nil)
	_, err := c.Complete(context.Background(), userReq("hi"))
	if err == nil || !strings.Contains(err.Error(), "no choices") {
		t.Fatalf("err = %v", err)
	}
	if f.calls.Load() != 2 {
		t.Errorf("calls = %d, want 2 (retried once)", f.calls.Load())
	}
}

func TestFinishReasonLengthPassedThrough(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, `{"partial": `, "length", true) })
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	resp, err := c.Complete(context.Background(), userReq("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.FinishReason != "length" || resp.Content != `{"partial": ` {
		t.Errorf("resp = %+v", resp)
	}
}
