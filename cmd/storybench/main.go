// Command storybench measures story briefs against the mock LLM: a story of
// 8 sources (the 8 seed documents, plus a wire copy of one that must fold
// into its source) briefed in one request and by map-reduce, with the LLM
// calls each takes and the time beyond the LLM, beside a single document's
// Brief as the baseline; then a cache hit on the same set in another order
// (real SQLite store) and the offline story brief. Everything runs in
// process on loopback.
//
//	go run ./cmd/storybench
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/geobrief/geobrief/cmd/internal/hostinfo"
	"github.com/geobrief/geobrief/cmd/internal/latency"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/seeds"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

func main() {
	lat := flag.Duration("latency", 200*time.Millisecond, "mock LLM latency")
	runs := flag.Int("runs", 10, "story briefs per scenario (each a cache miss)")
	flag.Parse()
	ctx := context.Background()

	srcs := story()
	fmt.Printf("storybench  latency=%s  runs=%d  machine: %s\n", *lat, *runs, cmp.Or(hostinfo.CPUModel(), "unknown"))
	fmt.Printf("story: %d documents (%d sources + 1 wire copy), %d characters of text\n\n", len(srcs), len(srcs)-1, textSize(srcs))

	fmt.Println("| scenario | LLM calls | map requests | wall p50 | LLM busy p50 | beyond the LLM p50 / max |")
	fmt.Println("|---|---|---|---|---|---|")
	baseline(ctx, *lat, *runs, srcs[0].Doc)
	storyRun(ctx, "story of 8, context 8192 tokens (one request)", *lat, *runs, 8192, srcs)
	storyRun(ctx, "story of 8, context 4096 tokens (map-reduce)", *lat, *runs, 4096, srcs)
	fmt.Println()
	cacheHit(ctx, *lat, srcs)
	offline(srcs)
}

// story is the 8 seed documents as one story, plus a copy of the first as
// another site republished it.
func story() []summarize.StorySource {
	docs, warnings := corpus.Load(seeds.FS)
	if len(warnings) > 0 || len(docs) < 8 {
		log.Fatalf("seeds: %d documents, warnings %v", len(docs), warnings)
	}
	sort.Slice(docs, func(a, b int) bool { return docs[a].ID < docs[b].ID })
	var out []summarize.StorySource
	for _, d := range docs[:8] {
		out = append(out, summarize.StorySource{Doc: d})
	}
	wire := docs[0]
	wire.ID, wire.Source, wire.Hash = wire.ID+"-copy", "Republisher", ""
	wire.Body = "(Wire) " + wire.Body + "\nThis story was republished from a news agency."
	return append(out, summarize.StorySource{Doc: wire})
}

func textSize(srcs []summarize.StorySource) int {
	n := 0
	for _, s := range srcs {
		n += len(s.Doc.Title) + len(s.Doc.Body)
	}
	return n
}

// busyClock wraps the LLM client and measures the time during which at
// least one call is in flight: the wall time of a brief less that is what
// geobrief adds beyond the LLM (parsing, checking, rendering prompts,
// waiting between rounds), however the calls overlap.
type busyClock struct {
	next     summarize.Completer
	mu       sync.Mutex
	inFlight int
	since    time.Time
	busy     time.Duration
}

func (b *busyClock) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	b.mu.Lock()
	if b.inFlight == 0 {
		b.since = time.Now()
	}
	b.inFlight++
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.inFlight--
		if b.inFlight == 0 {
			b.busy += time.Since(b.since)
		}
		b.mu.Unlock()
	}()
	return b.next.Complete(ctx, req)
}

func (b *busyClock) take() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.busy
	b.busy = 0
	return d
}

type rig struct {
	mock  *mockllm.Server
	srv   *httptest.Server
	cli   *llm.Client
	clock *busyClock
}

func newRig(lat time.Duration) *rig {
	r := &rig{mock: mockllm.New(mockllm.Options{Latency: lat})}
	r.srv = httptest.NewServer(r.mock)
	r.cli = llm.New(llm.Config{BaseURL: r.srv.URL + "/v1", Model: "mock"}, nil)
	r.clock = &busyClock{next: r.cli}
	return r
}

func (r *rig) close() {
	r.cli.Close()
	r.srv.Close()
}

func (r *rig) summarizer(contextTokens int, cache summarize.Cache) *summarize.Summarizer {
	s, err := summarize.New(summarize.Config{Model: "mock", ContextTokens: contextTokens}, r.clock, cache)
	check(err)
	return s
}

type sample struct {
	wall, busy, beyond []time.Duration
	calls              int64
	parts              int
}

func (s *sample) add(wall, busy time.Duration) {
	s.wall = append(s.wall, wall)
	s.busy = append(s.busy, busy)
	s.beyond = append(s.beyond, wall-busy)
}

func (s *sample) row(name string, runs int) {
	fmt.Printf("| %s | %.0f | %d | %s | %s | %s / %s |\n", name, float64(s.calls)/float64(runs), s.parts,
		latency.Percentile(s.wall, 50), latency.Percentile(s.busy, 50), latency.Percentile(s.beyond, 50), latency.Percentile(s.beyond, 100))
}

// measure times runs calls of summary (one Brief or story brief, which
// returns its number of parts) and prints the table's row: the baseline
// and every story run are measured alike, so that their rows compare.
func (r *rig) measure(name string, runs int, summary func() (parts int)) {
	var smp sample
	for range runs {
		start := time.Now()
		parts := summary()
		smp.add(time.Since(start), r.clock.take())
		smp.parts = parts
	}
	smp.calls = r.mock.Calls()
	smp.row(name, runs)
}

// baseline is one document's Brief with the same mock and latency.
func baseline(ctx context.Context, lat time.Duration, runs int, doc corpus.Document) {
	r := newRig(lat)
	defer r.close()
	s := r.summarizer(8192, nil)
	r.measure("baseline: one document's Brief", runs, func() int {
		b, err := s.Brief(ctx, doc, summarize.Options{})
		check(err)
		return b.Meta.Parts
	})
}

func storyRun(ctx context.Context, name string, lat time.Duration, runs, contextTokens int, srcs []summarize.StorySource) {
	r := newRig(lat)
	defer r.close()
	s := r.summarizer(contextTokens, nil)
	r.measure(name, runs, func() int {
		b, err := s.StoryBrief(ctx, srcs, summarize.Options{})
		check(err)
		if len(b.Sources) != 8 || b.Meta.Offline || b.Meta.FactsVerified == 0 {
			log.Fatalf("%s: %d sources, meta %+v", name, len(b.Sources), b.Meta)
		}
		return b.Meta.Parts
	})
}

// cacheHit: the same set of documents in another order, from the real
// SQLite store.
func cacheHit(ctx context.Context, lat time.Duration, srcs []summarize.StorySource) {
	r := newRig(lat)
	defer r.close()
	dir, err := os.MkdirTemp("", "storybench")
	check(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, dir)
	check(err)
	defer st.Close()
	s := r.summarizer(8192, st)
	_, err = s.StoryBrief(ctx, srcs, summarize.Options{})
	check(err)
	var hits []time.Duration
	shuffled := slices.Clone(srcs)
	for i := range 100 {
		slices.Reverse(shuffled)
		if i%3 == 0 {
			shuffled = append(shuffled[1:], shuffled[0])
		}
		start := time.Now()
		b, err := s.StoryBrief(ctx, shuffled, summarize.Options{})
		check(err)
		hits = append(hits, time.Since(start))
		if !b.Meta.Cached {
			log.Fatal("expected a cache hit")
		}
	}
	fmt.Printf("cache hit, the same 9 documents in 100 other orders (SQLite store): %d LLM call(s) in all, p50 %s, p99 %s\n",
		r.mock.Calls(), latency.Percentile(hits, 50), latency.Percentile(hits, 99))
}

// offline: no LLM at all.
func offline(srcs []summarize.StorySource) {
	s, err := summarize.New(summarize.Config{}, nil, nil)
	check(err)
	var times []time.Duration
	var b summarize.StoryBrief
	for range 50 {
		start := time.Now()
		b, err = s.StoryBrief(context.Background(), srcs, summarize.Options{})
		check(err)
		times = append(times, time.Since(start))
	}
	fmt.Printf("offline story brief (no LLM), 50 runs: p50 %s, p99 %s; %d sources, %d of %d facts verified, %d disagreement(s)\n",
		latency.Percentile(times, 50), latency.Percentile(times, 99), len(b.Sources), b.Meta.FactsVerified, b.Meta.FactsGiven, len(b.Disagreements))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
