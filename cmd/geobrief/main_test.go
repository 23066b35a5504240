package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/summarize"
)

// runCLI runs the program as a user would, with env as its environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if _, ok := env["DATA_DIR"]; !ok {
		env["DATA_DIR"] = t.TempDir()
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errOut, config.MapLookup(env))
	code = exit(err, false, &errOut)
	return out.String(), errOut.String(), code
}

func TestSummarizeOfflineByDefault(t *testing.T) {
	out, errOut, code := runCLI(t, map[string]string{}, "summarize", "talks", "in", "Oman")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Oman", "Key facts (", "verified against the article", "Source: ", "offline extractive summarizer"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSummarizeByIDAsJSON(t *testing.T) {
	out, errOut, code := runCLI(t, map[string]string{}, "search", "--json", "prisoner exchange")
	if code != 0 {
		t.Fatalf("search exit %d: %s", code, errOut)
	}
	var hits []struct{ ID string }
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) == 0 {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	out, errOut, code = runCLI(t, map[string]string{}, "summarize", "--doc", hits[0].ID, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var b summarize.Brief
	if err := json.Unmarshal([]byte(out), &b); err != nil {
		t.Fatalf("not a Brief: %v\n%s", err, out)
	}
	if b.DocID != hits[0].ID || !b.Meta.Offline || b.Meta.FactsGiven < 3 || b.Meta.FactsVerified != b.Meta.FactsGiven {
		t.Fatalf("brief = %+v", b)
	}
}

func TestUserErrorsAreOneClearLine(t *testing.T) {
	emptyDir := t.TempDir()
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no command", map[string]string{}, nil, 2, "no command"},
		{"unknown command", map[string]string{}, []string{"summarise"}, 2, `unknown command "summarise"`},
		{"no query", map[string]string{}, []string{"summarize"}, 2, "say what to summarize"},
		{"bad length", map[string]string{}, []string{"summarize", "--length", "epic", "x"}, 2, "unknown length"},
		{"bad config", map[string]string{"LLM_TIMEOUT": "soon"}, []string{"summarize", "x"}, 2, "LLM_TIMEOUT"},
		{"no match", map[string]string{}, []string{"summarize", "zzzyqx"}, 1, `no document matches "zzzyqx"`},
		{"unknown id", map[string]string{}, []string{"summarize", "--doc", "nope"}, 1, `no document has the ID "nope"`},
		{"empty corpus", map[string]string{"SEEDS_DIR": emptyDir}, []string{"summarize", "x"}, 1, "corpus is empty"},
		{"missing seeds dir", map[string]string{"SEEDS_DIR": filepath.Join(emptyDir, "nope")}, []string{"search", "x"}, 2, "SEEDS_DIR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, c.env, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d containing %q", code, errOut, c.code, c.want)
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic") {
				t.Fatalf("stack trace shown: %s", errOut)
			}
		})
	}
}

func TestUnreachableLLMAndBadKey(t *testing.T) {
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`))
	}))
	defer unauthorized.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	_, errOut, code := runCLI(t, map[string]string{"OPENAI_BASE_URL": unauthorized.URL + "/v1", "OPENAI_API_KEY": "sk-topsecret", "LLM_FALLBACK": "error"}, "summarize", "Oman")
	if code != 1 || !strings.Contains(errOut, "OPENAI_API_KEY") || strings.Contains(errOut, "sk-topsecret") {
		t.Fatalf("bad key: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCLI(t, map[string]string{"OPENAI_BASE_URL": closedURL + "/v1", "LLM_MAX_RETRIES": "0", "LLM_FALLBACK": "error"}, "summarize", "Oman")
	if code != 1 || !strings.Contains(errOut, "geobrief: ") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("unreachable: exit %d, %q", code, errOut)
	}
	// With the default LLM_FALLBACK=offline, a dead endpoint still gets an
	// answer, labelled as offline; a bad key does not (it needs fixing).
	out, errOut, code := runCLI(t, map[string]string{"OPENAI_BASE_URL": closedURL + "/v1", "LLM_MAX_RETRIES": "0"}, "summarize", "Oman")
	if code != 0 || !strings.Contains(out, "the LLM is unavailable right now") {
		t.Fatalf("fallback: exit %d, %q\n%s", code, errOut, out)
	}
	_, errOut, code = runCLI(t, map[string]string{"OPENAI_BASE_URL": unauthorized.URL + "/v1", "OPENAI_API_KEY": "sk-topsecret"}, "summarize", "Oman")
	if code != 1 || !strings.Contains(errOut, "OPENAI_API_KEY") {
		t.Fatalf("bad key with fallback on: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCLI(t, map[string]string{"OPENAI_BASE_URL": closedURL + "/v1", "LLM_MAX_RETRIES": "0"}, "check")
	if code != 1 || !strings.Contains(errOut, "does not work") {
		t.Fatalf("check against a dead endpoint: exit %d, %q", code, errOut)
	}
}

func TestSummarizeWithMockLLMUsesCache(t *testing.T) {
	mock := mockllm.New(mockllm.Options{})
	srv := httptest.NewServer(mock)
	defer srv.Close()
	env := map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "LLM_MODEL": "mock", "DATA_DIR": t.TempDir()}
	out, errOut, code := runCLI(t, env, "summarize", "navy meeting")
	if code != 0 || !strings.Contains(out, "Made by: model mock") {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	calls := mock.Calls()
	out, _, code = runCLI(t, env, "summarize", "navy meeting")
	if code != 0 || !strings.Contains(out, "from cache (no LLM call)") || mock.Calls() != calls {
		t.Fatalf("repeat made %d more calls:\n%s", mock.Calls()-calls, out)
	}
}

// A document that tries to give the model orders still gets a normal Brief
// through the whole pipeline, with its facts checked.
func TestInjectionDocument(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile("testdata/injection.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "geneva.md"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mockllm.New(mockllm.Options{}))
	defer srv.Close()
	for _, model := range []string{"mock", "mock:unquoted", "mock:wrong-number"} {
		out, errOut, code := runCLI(t, map[string]string{"SEEDS_DIR": dir, "OPENAI_BASE_URL": srv.URL + "/v1", "LLM_MODEL": model}, "summarize", "--json", "Geneva")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", model, code, errOut)
		}
		var b summarize.Brief
		if err := json.Unmarshal([]byte(out), &b); err != nil {
			t.Fatalf("%s: output is not a Brief: %v\n%s", model, err, out)
		}
		if b.Headline == "" || b.Summary == "" || b.Meta.FactsVerified == 0 || b.DocID != "geneva" {
			t.Fatalf("%s: brief = %+v", model, b)
		}
		changed := 0
		for _, f := range b.Facts {
			if f.Verified && !strings.Contains(string(raw), strings.TrimSuffix(f.Quote, "…")) {
				t.Fatalf("%s: verified fact not in the article: %+v", model, f)
			}
			if !f.Verified && strings.HasPrefix(f.Reason, "the quote does not say") {
				changed++
			}
		}
		// The changed-number fact is kept for --json, unverified, with why.
		if want := map[bool]int{true: 1}[model == "mock:wrong-number"]; changed != want {
			t.Fatalf("%s: %d facts whose quote does not back them, want %d: %+v", model, changed, want, b.Facts)
		}
	}
}

func TestDigestPreview(t *testing.T) {
	out, errOut, code := runCLI(t, map[string]string{}, "digest", "--since", "2025-01-01")
	if code != 0 || !strings.Contains(out, "\n1. ") || !strings.Contains(out, "3 new stories; offline summaries") {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	out, _, code = runCLI(t, map[string]string{}, "digest", "--since", "24h")
	if code != 0 || !strings.Contains(out, "No new stories since") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	_, errOut, code = runCLI(t, map[string]string{}, "digest", "--since", "last week")
	if code != 2 || !strings.Contains(errOut, "not a duration") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// The bot's watcher indexes files added, changed and removed while it runs.
func TestWatchKeepsTheIndexCurrent(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name+".tmp"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, name+".tmp"), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("a.md", "Envoy visits Oman\nThe envoy arrived in Oman on Saturday for talks.")
	cfg, err := config.Load(config.MapLookup(map[string]string{"SEEDS_DIR": dir, "DATA_DIR": t.TempDir(), "SEEDS_POLL_INTERVAL": "1s"}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := newLogger(io.Discard, "error", true)
	lib, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	done := make(chan struct{})
	go func() { lib.Watch(ctx); close(done) }()

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("index never showed: %s", what)
	}
	has := func(q string) bool {
		hits, err := lib.Store.Search(ctx, q, 5)
		return err == nil && len(hits) > 0 && hits[0].Score > 0
	}
	write("b.md", "Navy meeting in St Petersburg\nPutin chaired a meeting about the navy.")
	waitFor("the added file", func() bool { return has("navy") })
	if err := os.Remove(filepath.Join(dir, "a.md")); err != nil {
		t.Fatal(err)
	}
	waitFor("the removed file gone", func() bool { n, _ := lib.Store.Count(ctx); return n == 1 })
	cancel()
	<-done
}
