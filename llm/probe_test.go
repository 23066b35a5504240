package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

func TestModels(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method != http.MethodGet || r.URL.Path != "/v1/models" {
			t.Errorf("got %s %s", r.Method, r.URL.Path)
		}
		fmt.Fprint(w, `{"object":"list","data":[{"id":"qwen3:8b","object":"model","created":1,"owned_by":"library"},{"id":"llama3.1:8b","object":"model"}]}`)
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	got, err := c.Models(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"llama3.1:8b", "qwen3:8b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("models = %v, want %v", got, want)
	}
}

func TestProbe(t *testing.T) {
	var f *fake
	f = newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/v1/models" {
			fmt.Fprint(w, `{"object":"list","data":[{"id":"local-model"}]}`)
			return
		}
		body := f.body(t, len(f.bodies)-1)
		switch {
		case formatType(body) == "json_schema":
			apiError(w, 400, "response_format type json_schema is not supported", "")
		case body["stream"] == true:
			sse(w, []string{`{"ok":true}`}, "stop", true)
		default:
			completion(w, `{"ok":true}`, "stop", false)
		}
	})
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	caps, err := c.Probe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Capabilities{Models: []string{"local-model"}, JSONObject: true, Streaming: true}
	if !reflect.DeepEqual(caps, want) {
		t.Errorf("caps = %+v, want %+v", caps, want)
	}
	if c.json.current() != JSONModeObject {
		t.Errorf("auto mode now %s, want json_object", c.json.current())
	}
}

func TestProbeBadKey(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		apiError(w, 401, "invalid key", "invalid_api_key")
	})
	c := newTestClient(t, Config{BaseURL: f.url(), APIKey: "sk-whatever-123"}, nil)
	_, err := c.Probe(context.Background())
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 401 {
		t.Fatalf("err = %v", err)
	}
}

func TestBaseURLWarning(t *testing.T) {
	for url, wantAdvice := range map[string]string{
		"https://api.openai.com/v1":                               "",
		"http://localhost:11434/v1/":                              "",
		"https://openrouter.ai/api/v1":                            "",
		"https://generativelanguage.googleapis.com/v1beta/openai": "",
		"http://localhost:11434":                                  "OPENAI_BASE_URL has no /v1: try http://localhost:11434/v1",
		"http://localhost:1234/":                                  "OPENAI_BASE_URL has no /v1: try http://localhost:1234/v1",
		"http://localhost:8000/v1/chat/completions":               "OPENAI_BASE_URL should stop before /chat/completions: try http://localhost:8000/v1",
		"localhost:11434":                                         `OPENAI_BASE_URL "localhost:11434" is not an http(s) URL: try http://localhost:11434/v1`,
	} {
		if got := BaseURLWarning(url); got != wantAdvice {
			t.Errorf("BaseURLWarning(%q) = %q, want %q", url, got, wantAdvice)
		}
	}
}
