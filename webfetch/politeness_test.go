package webfetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPerHostConcurrency: with PerHost 2, six requests to one host never have more than
// two in flight. The handler holds every request until the test releases it, one at a
// time, after the previous ones arrived: no timing involved.
func TestPerHostConcurrency(t *testing.T) {
	t.Parallel()
	var inflight, peak atomic.Int64
	arrived := make(chan struct{}, 10)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		arrived <- struct{}{}
		<-release
		inflight.Add(-1)
		htmlPage(w, r)
	}))
	t.Cleanup(srv.Close)
	f := local(Config{PerHost: 2, Concurrency: 8})
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.Fetch(context.Background(), Request{URL: srv.URL, Kind: Page})
			errs <- err
		}()
	}
	<-arrived
	<-arrived // two are in; the other four wait for a slot
	for i := 2; i < n; i++ {
		release <- struct{}{}
		<-arrived
	}
	release <- struct{}{}
	release <- struct{}{}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Fatalf("peak in flight = %d, want 2", p)
	}
}

// TestHostDelay checks the spacing the gate asks for, on a fake clock: the third request
// to a host in the same instant waits two delays; another host does not wait.
func TestHostDelay(t *testing.T) {
	t.Parallel()
	g := newGate(8, 8, time.Second)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g.now = func() time.Time { return now }
	var waits []time.Duration
	g.wait = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}
	for _, host := range []string{"a.example", "a.example", "A.example", "b.example"} {
		release, err := g.acquire(context.Background(), host)
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	want := []time.Duration{time.Second, 2 * time.Second}
	if len(waits) != len(want) || waits[0] != want[0] || waits[1] != want[1] {
		t.Fatalf("waits = %v, want %v (b.example must not wait)", waits, want)
	}
	// Once the clock has moved past the reserved starts, nothing waits.
	now = now.Add(time.Minute)
	waits = nil
	release, _ := g.acquire(context.Background(), "a.example")
	release()
	if len(waits) != 0 {
		t.Fatalf("waited %v after the delay had passed", waits)
	}
}

func TestGateCancelled(t *testing.T) {
	t.Parallel()
	g := newGate(1, 1, 0)
	release, err := g.acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.acquire(ctx, "a"); err == nil {
		t.Fatal("acquire with a cancelled context and no free slot succeeded")
	}
	release()
	if r, err := g.acquire(context.Background(), "a"); err != nil {
		t.Fatalf("slot not freed: %v", err)
	} else {
		r()
	}
}
