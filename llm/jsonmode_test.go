package llm

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

var testSchema = &Schema{Name: "brief", JSON: []byte(`{"type":"object","properties":{"title":{"type":"string"}},"required":["title"]}`)}

func schemaReq() Request {
	r := userReq("summarize as JSON")
	r.Schema = testSchema
	return r
}

func formatType(body map[string]any) string {
	rf, ok := body["response_format"].(map[string]any)
	if !ok {
		return "none"
	}
	s, _ := rf["type"].(string)
	return s
}

// formatServer accepts only the listed response_format types ("none" = no
// response_format), answering others with 400 and msg.
func formatServer(t *testing.T, msg string, accepted ...string) *fake {
	var f *fake
	f = newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		// The fake records each body before calling us.
		body := f.body(t, n-1)
		got := formatType(body)
		for _, a := range accepted {
			if a == got {
				completion(w, `{"title":"x"}`, "stop", true)
				return
			}
		}
		apiError(w, 400, msg, "")
	})
	return f
}

func TestJSONSchemaBody(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, `{"title":"x"}`, "stop", true) })
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	if _, err := c.Complete(context.Background(), schemaReq()); err != nil {
		t.Fatal(err)
	}
	rf := f.body(t, 0)["response_format"].(map[string]any)
	js := rf["json_schema"].(map[string]any)
	if rf["type"] != "json_schema" || js["name"] != "brief" || js["strict"] != false {
		t.Errorf("response_format = %v", rf)
	}
	got, _ := json.Marshal(js["schema"])
	var a, b any
	_ = json.Unmarshal(got, &a)
	_ = json.Unmarshal(testSchema.JSON, &b)
	if ga, _ := json.Marshal(a); string(ga) != string(mustJSON(b)) {
		t.Errorf("schema = %s", got)
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func TestAutoJSONModeStepsDownAndRemembers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		msg      string
		accepted []string
		want     []string // response_format types sent by the first call
		then     string   // sent by the second call
	}{
		{"llama.cpp-like", "response_format type json_schema not supported", []string{"json_object", "none"},
			[]string{"json_schema", "json_object"}, "json_object"},
		{"LM Studio-like", "'response_format.type' must be 'json_schema'", []string{"json_schema"},
			[]string{"json_schema"}, "json_schema"},
		{"neither", "1 validation error for ChatCompletionRequest response_format.type Input should be 'text'", []string{"none"},
			[]string{"json_schema", "json_object", "none"}, "none"},
		{"empty message", "", []string{"none"},
			[]string{"json_schema", "json_object", "none"}, "none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := formatServer(t, tc.msg, tc.accepted...)
			c := newTestClient(t, Config{BaseURL: f.url(), MaxRetries: -1}, nil)
			if _, err := c.Complete(context.Background(), schemaReq()); err != nil {
				t.Fatal(err)
			}
			if got := int(f.calls.Load()); got != len(tc.want) {
				t.Fatalf("calls = %d, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if got := formatType(f.body(t, i)); got != w {
					t.Errorf("request %d: %s, want %s", i, got, w)
				}
			}
			if _, err := c.Complete(context.Background(), schemaReq()); err != nil {
				t.Fatal(err)
			}
			n := int(f.calls.Load())
			if n != len(tc.want)+1 {
				t.Errorf("second call made %d requests, want 1", n-len(tc.want))
			}
			if got := formatType(f.body(t, n-1)); got != tc.then {
				t.Errorf("second call sent %s, want %s", got, tc.then)
			}
		})
	}
}

func TestJSONModeNoStepDownForOther400s(t *testing.T) {
	f := formatServer(t, "This model's maximum context length is 8192 tokens", "none")
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	if _, err := c.Complete(context.Background(), schemaReq()); err == nil {
		t.Fatal("want the 400")
	}
	if f.calls.Load() != 1 || c.json.current() != JSONModeSchema {
		t.Errorf("calls = %d, mode = %s", f.calls.Load(), c.json.current())
	}
}

func TestExplicitJSONModeUsedAsGiven(t *testing.T) {
	for _, mode := range []string{JSONModeSchema, JSONModeObject, JSONModeNone} {
		t.Run(mode, func(t *testing.T) {
			f := formatServer(t, "response_format not supported") // accepts nothing
			c := newTestClient(t, Config{BaseURL: f.url(), JSONMode: mode}, nil)
			if _, err := c.Complete(context.Background(), schemaReq()); err == nil {
				t.Fatal("want the 400")
			}
			if f.calls.Load() != 1 || formatType(f.body(t, 0)) != mode {
				t.Errorf("calls = %d, sent %s", f.calls.Load(), formatType(f.body(t, 0)))
			}
		})
	}
}

func TestNoSchemaNoResponseFormat(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, "ok", "stop", true) })
	c := newTestClient(t, Config{BaseURL: f.url()}, nil)
	if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.body(t, 0)["response_format"]; ok {
		t.Error("response_format sent without a schema")
	}
}
