package llm

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	benchCalls   = flag.Int("llmbench.calls", 1000, "BenchmarkFlakyServer: Complete calls per run")
	benchWorkers = flag.Int("llmbench.workers", 8, "BenchmarkFlakyServer: concurrent callers (and MaxConcurrency)")
	benchRetries = flag.Int("llmbench.retries", 3, "BenchmarkFlakyServer: Config.MaxRetries")
)

// BenchmarkFlakyServer runs Complete against an OpenAI-compatible server
// that answers 429 (Retry-After: 0) to 30% of requests, 500 to 10%, and
// otherwise a completion after 5ms. Default client settings (real backoff),
// except MaxConcurrency. Run:
//
//	go test -run '^$' -bench BenchmarkFlakyServer -benchtime 1x ./llm/
func BenchmarkFlakyServer(b *testing.B) {
	var (
		mu       sync.Mutex
		rng      = rand.New(rand.NewPCG(1, 2))
		requests atomic.Int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		mu.Lock()
		x := rng.Float64()
		mu.Unlock()
		switch {
		case x < 0.30:
			w.Header().Set("Retry-After", "0")
			apiError(w, http.StatusTooManyRequests, "rate limit reached", "rate_limit_exceeded")
		case x < 0.40:
			apiError(w, http.StatusInternalServerError, "internal error", "")
		default:
			time.Sleep(5 * time.Millisecond)
			completion(w, "A short summary.", "stop", true)
		}
	}))
	defer srv.Close()

	for b.Loop() {
		requests.Store(0)
		c := New(Config{BaseURL: srv.URL + "/v1", Model: "bench", MaxConcurrency: *benchWorkers,
			MaxRetries: *benchRetries}, nil)
		var (
			next      atomic.Int64
			ok        atomic.Int64
			open      atomic.Int64
			latMu     sync.Mutex
			latencies = make([]time.Duration, 0, *benchCalls)
			wg        sync.WaitGroup
		)
		start := time.Now()
		for range *benchWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(*benchCalls) {
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					t0 := time.Now()
					_, err := c.Complete(ctx, userReq("Summarize the news."))
					d := time.Since(t0)
					cancel()
					if err == nil {
						ok.Add(1)
					} else if errors.Is(err, ErrCircuitOpen) {
						open.Add(1)
					}
					latMu.Lock()
					latencies = append(latencies, d)
					latMu.Unlock()
				}
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		c.Close()

		slices.Sort(latencies)
		pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
		succ := ok.Load()
		b.ReportMetric(100*float64(succ)/float64(*benchCalls), "success%")
		b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(requests.Load())/float64(max(succ, 1)), "requests/success")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.Logf("%d calls, %d workers, MaxRetries %d: %d ok, %d refused by the open breaker, %d requests, p50 %s, p99 %s, max %s, wall %s",
			*benchCalls, *benchWorkers, *benchRetries, succ, open.Load(), requests.Load(),
			pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
			latencies[len(latencies)-1].Round(time.Millisecond), wall.Round(time.Millisecond))
	}
}
