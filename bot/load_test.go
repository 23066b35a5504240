package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/bot/discordfake"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

// TestLoadFigures measures the figures recorded in BENCHMARKS.md, with the
// real summarizer and LLM client against the mock LLM (200 ms a call) and
// the fake Discord. It runs only when asked:
//
//	GEOBRIEF_BENCH=1 go test -run TestLoadFigures -v -count=1 ./bot/
//
// GEOBRIEF_BENCH=fake replaces the summarizer with a fake that sleeps 200 ms,
// to tell the bot's own costs from the summarizer's and the mock's CPU.
func TestLoadFigures(t *testing.T) {
	if os.Getenv("GEOBRIEF_BENCH") == "" {
		t.Skip("set GEOBRIEF_BENCH=1 to measure")
	}
	const llmLatency = 200 * time.Millisecond
	mock := httptest.NewServer(mockllm.New(mockllm.Options{Latency: llmLatency}))
	defer mock.Close()
	client := llm.New(llm.Config{BaseURL: mock.URL + "/v1", Model: "mock", MaxConcurrency: 64, MaxWaiting: 1024, Logger: discardLogger()}, nil)
	var sum Briefer
	sum, err := summarize.New(summarize.Config{Model: "mock", Logger: discardLogger()}, client, nil)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GEOBRIEF_BENCH") == "fake" { // the bot alone: a 200 ms fake summarizer
		sum = &fakeBriefer{delay: llmLatency}
	}

	lib := &fakeLibrary{docs: map[string]corpus.Document{}, hits: map[string][]store.Hit{}}
	for n := range 1200 {
		var sb strings.Builder
		places := []string{"Niamey", "Bamako", "Geneva", "Addis Ababa", "Doha"}
		for k := range 40 {
			fmt.Fprintf(&sb, "On day %d, a delegation of %d members from %s met officials of the African Union, the ministry said in statement %d. ",
				k+1, 3+(n+k)%17, places[(n+k)%len(places)], n*100+k)
			if k%8 == 7 {
				sb.WriteString("\n\n")
			}
		}
		body := sb.String()
		id := fmt.Sprintf("doc-%04d", n)
		lib.docs[id] = corpus.Document{ID: id, Title: "Talks resume " + id, Source: "Wire", Body: body, Added: time.Now()}
	}

	f := discordfake.New()
	defer f.Close()
	b, err := New(Config{Token: "t", APIURL: f.URL(), UserRatePerMinute: -1, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}, lib, sum)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := b.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.Close(context.Background())
	h := &harness{t: t, b: b, f: f, lib: lib, ctx: ctx}
	time.Sleep(500 * time.Millisecond)
	t.Logf("RSS idle (bot + fake Discord + mock LLM in one process): %s", rss())

	doc := 0
	next := func() map[string]any {
		doc++
		return h.slash("summarize", fmt.Sprint("user", doc), opt("article", fmt.Sprintf("doc-%04d", doc)))
	}

	// 1. End to end, one at a time, uncached documents.
	var e2e []time.Duration
	for range 20 {
		in := next()
		start := time.Now()
		_, ed := h.dispatch(in)
		if !strings.Contains(string(ed.Body), `"embeds":[{`) {
			t.Fatalf("no embed: %.300s", ed.Body)
		}
		e2e = append(e2e, time.Since(start))
	}
	t.Logf("end-to-end /summarize (LLM %v): p50 %v  p90 %v", llmLatency, pct(e2e, 50), pct(e2e, 90))

	// 2. 50 concurrent /summarize for different documents.
	var ins []map[string]any
	for range 50 {
		ins = append(ins, next())
	}
	start := time.Now()
	for _, in := range ins {
		if err := f.Dispatch(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Go(func() { h.await(in) })
	}
	wg.Wait()
	t.Logf("50 concurrent /summarize, different documents: all answered in %v", time.Since(start))

	// 3. A burst of 500: dispatch to deferred callback.
	ins = ins[:0]
	for range 500 {
		ins = append(ins, next())
	}
	sent := make([]time.Time, len(ins))
	for k, in := range ins {
		sent[k] = time.Now()
		if err := f.Dispatch(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	acks := make([]time.Duration, len(ins))
	for k, in := range ins {
		cb, err := f.WaitCallback(ctx, in["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		acks[k] = cb.Time.Sub(sent[k])
	}
	t.Logf("burst of 500 /summarize: dispatch -> deferred callback p50 %v  p99 %v  max %v", pct(acks, 50), pct(acks, 99), pct(acks, 100))
	t.Logf("RSS under the burst: %s", rss())
	for _, in := range ins { // let them finish (or be told the LLM is busy)
		if _, err := f.WaitEdit(ctx, in["token"].(string), func(r discordfake.Request) bool {
			return !strings.Contains(string(r.Body), "Summarizing part")
		}); err != nil {
			t.Fatal(err)
		}
	}
	busy := 0
	for _, r := range f.Requests() {
		if r.Method == http.MethodPatch && strings.Contains(string(r.Body), "busy") {
			busy++
		}
	}
	t.Logf("burst: all 500 answered; %d told the summarizer is busy; RSS after: %s", busy, rss())
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	i = min(max(i-1, 0), len(s)-1)
	return s[i].Round(100 * time.Microsecond)
}

// rss reads the resident set size (and its peak) from /proc.
func rss() string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	var cur, peak string
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			cur = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peak = strings.TrimSpace(v)
		}
	}
	return cur + " (peak " + peak + ")"
}
