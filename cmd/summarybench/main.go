// Command summarybench measures the summarizer against the mock LLM: the
// time it adds beyond the LLM, cache hits, singleflight, a repeated
// workload, and success under a flaky endpoint. Everything runs in-process
// on loopback; nothing leaves the machine.
//
//	go run ./cmd/summarybench
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/geobrief/geobrief/cmd/internal/hostinfo"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

func main() {
	latency := flag.Duration("latency", 200*time.Millisecond, "mock LLM latency")
	misses := flag.Int("misses", 50, "distinct documents summarized one after another (cache misses)")
	flaky := flag.Int("flaky", 1000, "summaries against the flaky endpoint (429 on 30%, 500 on 10%)")
	retries := flag.String("retries", "3,10", "LLM_MAX_RETRIES values to run the flaky test with")
	flag.Parse()
	ctx := context.Background()

	fmt.Printf("summarybench  latency=%s  go test machine: %s\n\n", *latency, cmp.Or(hostinfo.CPUModel(), "unknown"))
	addedLatency(ctx, *latency, *misses)
	singleflight(ctx, *latency)
	repeatedWorkload(ctx)
	digestOf200(ctx, *latency)
	for _, r := range strings.Split(*retries, ",") {
		var n int
		_, err := fmt.Sscan(r, &n)
		check(err)
		flakyEndpoint(ctx, *flaky, n)
	}
}

// rig is a summarizer wired as in production: real LLM client over HTTP to
// the mock, real SQLite store as cache and ledger.
type rig struct {
	mock *mockllm.Server
	srv  *httptest.Server
	st   *store.Store
	cli  *llm.Client
	sum  *summarize.Summarizer
	dir  string
}

func newRig(ctx context.Context, opts mockllm.Options, lcfg llm.Config) *rig {
	if lcfg.MaxWaiting == 0 {
		lcfg.MaxWaiting = 256
	}
	r := &rig{mock: mockllm.New(opts)}
	r.srv = httptest.NewServer(r.mock)
	var err error
	r.dir, err = os.MkdirTemp("", "summarybench")
	check(err)
	r.st, err = store.Open(ctx, r.dir)
	check(err)
	lcfg.BaseURL, lcfg.Model = r.srv.URL+"/v1", "mock"
	r.cli = llm.New(lcfg, r.st)
	r.sum, err = summarize.New(summarize.Config{Model: "mock"}, r.cli, r.st)
	check(err)
	return r
}

func (r *rig) close() {
	r.cli.Close()
	r.srv.Close()
	r.st.Close()
	os.RemoveAll(r.dir)
}

func docs(n int) []corpus.Document {
	out := make([]corpus.Document, n)
	rng := rand.New(rand.NewPCG(7, 7))
	subjects := []string{"The envoy", "The foreign minister", "A Kremlin spokesman", "Negotiators", "The delegation", "Officials"}
	verbs := []string{"met counterparts in", "arrived in", "left", "held talks in", "issued a statement from", "returned from"}
	places := []string{"Oman", "Istanbul", "St Petersburg", "Geneva", "Riyadh", "Kyiv", "Tehran", "Beijing"}
	for i := range out {
		var b strings.Builder
		for s := range 12 {
			fmt.Fprintf(&b, "%s %s %s on day %d of round %d, according to people familiar with the matter. ",
				subjects[rng.IntN(len(subjects))], verbs[rng.IntN(len(verbs))], places[rng.IntN(len(places))], s+1, i)
		}
		out[i] = corpus.Document{ID: fmt.Sprintf("doc-%04d", i), Title: fmt.Sprintf("Round %d of talks", i), Body: b.String(), Hash: fmt.Sprintf("h%d", i)}
	}
	return out
}

// addedLatency: a cache miss costs the LLM latency plus our own work; the
// difference is what geobrief adds. Then cache hits.
func addedLatency(ctx context.Context, latency time.Duration, n int) {
	r := newRig(ctx, mockllm.Options{Latency: latency}, llm.Config{})
	defer r.close()
	ds := docs(n)
	var miss, hit []time.Duration
	for _, d := range ds {
		start := time.Now()
		_, err := r.sum.Brief(ctx, d, summarize.Options{})
		check(err)
		miss = append(miss, time.Since(start)-latency)
	}
	for range 10 {
		for _, d := range ds {
			start := time.Now()
			b, err := r.sum.Brief(ctx, d, summarize.Options{})
			check(err)
			if !b.Meta.Cached {
				log.Fatal("expected a cache hit")
			}
			hit = append(hit, time.Since(start))
		}
	}
	fmt.Printf("cache miss, time beyond the %s LLM latency (%d summaries): p50 %s  p99 %s\n", latency, n, pct(miss, 50), pct(miss, 99))
	fmt.Printf("cache hit (%d summaries): p50 %s  p99 %s\n", len(hit), pct(hit, 50), pct(hit, 99))
}

func singleflight(ctx context.Context, latency time.Duration) {
	r := newRig(ctx, mockllm.Options{Latency: latency}, llm.Config{})
	defer r.close()
	d := docs(1)[0]
	var wg sync.WaitGroup
	start := time.Now()
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.sum.Brief(ctx, d, summarize.Options{})
			check(err)
		}()
	}
	wg.Wait()
	fmt.Printf("100 concurrent identical requests: %d LLM call(s), %s wall\n", r.mock.Calls(), time.Since(start).Round(time.Millisecond))
}

// repeatedWorkload: 1,000 requests over 100 documents in random order,
// 8 at a time; every document should be paid for once.
func repeatedWorkload(ctx context.Context) {
	r := newRig(ctx, mockllm.Options{Latency: 5 * time.Millisecond}, llm.Config{})
	defer r.close()
	ds := docs(100)
	rng := rand.New(rand.NewPCG(1, 2))
	work := make(chan corpus.Document)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				_, err := r.sum.Brief(ctx, d, summarize.Options{})
				check(err)
			}
		}()
	}
	start := time.Now()
	for range 1000 {
		work <- ds[rng.IntN(len(ds))]
	}
	close(work)
	wg.Wait()
	fmt.Printf("repeated workload, 1,000 requests over 100 documents: %d LLM calls, %s wall\n", r.mock.Calls(), time.Since(start).Round(time.Millisecond))
}

// digestOf200: 200 new documents, LLM_MAX_CONCURRENCY=8, the mock at the
// given latency. Then the next digest over the same documents.
func digestOf200(ctx context.Context, latency time.Duration) {
	r := newRig(ctx, mockllm.Options{Latency: latency}, llm.Config{MaxConcurrency: 8})
	defer r.close()
	ds := docs(200)
	now := time.Now()
	for i := range ds {
		ds[i].Added = now.Add(-time.Duration(i) * time.Minute)
	}
	_, err := r.st.SyncDocuments(ctx, ds)
	check(err)
	b := digest.NewBuilder(r.st, r.sum, 200, nil)
	start := time.Now()
	d, err := b.Build(ctx, digest.Request{Since: now.Add(-24 * time.Hour)})
	check(err)
	wall := time.Since(start)
	first := r.mock.Calls()
	start = time.Now()
	_, err = b.Build(ctx, digest.Request{Since: now.Add(-24 * time.Hour)})
	check(err)
	fmt.Printf("digest of %d new documents, LLM_MAX_CONCURRENCY=8: %s wall (aim %s), %d LLM calls; the same digest again: %d more calls (all top line), %s\n",
		len(d.Items), wall.Round(time.Millisecond), (200*latency/8 + time.Second).Round(time.Millisecond), first, r.mock.Calls()-first, time.Since(start).Round(time.Millisecond))
}

// flakyEndpoint: 429 (Retry-After: 1) on 30% and 500 on 10% of requests.
// The mock's Retry-After of one second dominates the time; the retry
// budget (LLM_MAX_RETRIES) decides the success rate.
func flakyEndpoint(ctx context.Context, n, retries int) {
	r := newRig(ctx, mockllm.Options{Latency: 20 * time.Millisecond, Rate429: 0.3, Rate500: 0.1, Seed: 42},
		llm.Config{MaxConcurrency: 32, MaxWaiting: 2000, MaxRetries: retries, BreakerFailures: 1 << 30})
	defer r.close()
	ds := docs(n)
	var ok atomic.Int64
	var mu sync.Mutex
	var times []time.Duration
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	start := time.Now()
	for _, d := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			if _, err := r.sum.Brief(cctx, d, summarize.Options{}); err == nil {
				ok.Add(1)
			}
			mu.Lock()
			times = append(times, time.Since(t0))
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf("flaky endpoint (429 30%%, 500 10%%), %d summaries, 32 at a time, LLM_MAX_RETRIES=%d: success %.1f%%, p50 %s, p99 %s, %.2f LLM calls per summary, %s wall\n",
		n, retries, 100*float64(ok.Load())/float64(n), pct(times, 50), pct(times, 99), float64(r.mock.Calls())/float64(n), time.Since(start).Round(time.Millisecond))
}

func pct(ds []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s) - 1) * p / 100
	return s[i].Round(10 * time.Microsecond)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
