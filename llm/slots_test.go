package llm

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitFor polls cond for up to 5s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// gatedFake answers each request only once release is closed, and tracks
// how many requests it holds at once.
type gatedFake struct {
	*fake
	release chan struct{}
	now     atomic.Int32
	peak    atomic.Int32
	mu      sync.Mutex
	order   []string
}

func newGatedFake(t *testing.T) *gatedFake {
	g := &gatedFake{release: make(chan struct{})}
	g.fake = newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cur := g.now.Add(1)
		defer g.now.Add(-1)
		for {
			p := g.peak.Load()
			if cur <= p || g.peak.CompareAndSwap(p, cur) {
				break
			}
		}
		select {
		case <-g.release:
		case <-r.Context().Done():
			return
		}
		completion(w, "ok", "stop", true)
	})
	return g
}

func (g *gatedFake) content(t *testing.T, i int) string {
	t.Helper()
	msgs := g.body(t, i)["messages"].([]any)
	return msgs[0].(map[string]any)["content"].(string)
}

func TestConcurrencyCapAndWaiting(t *testing.T) {
	g := newGatedFake(t)
	c := newTestClient(t, Config{BaseURL: g.url(), MaxConcurrency: 2}, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Complete(context.Background(), userReq("hi"))
			errs <- err
		}()
	}
	waitFor(t, "2 in flight and 3 waiting", func() bool { return c.InFlight() == 2 && c.Waiting() == 3 })
	time.Sleep(20 * time.Millisecond)
	if g.now.Load() != 2 {
		t.Errorf("server holds %d requests, want 2", g.now.Load())
	}
	close(g.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if p := g.peak.Load(); p != 2 {
		t.Errorf("peak concurrency = %d, want 2", p)
	}
	if c.InFlight() != 0 || c.Waiting() != 0 {
		t.Errorf("after: in flight %d, waiting %d", c.InFlight(), c.Waiting())
	}
}

func TestWaitersServedFIFO(t *testing.T) {
	g := newGatedFake(t)
	c := newTestClient(t, Config{BaseURL: g.url(), MaxConcurrency: 1}, nil)
	var wg sync.WaitGroup
	start := func(name string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Complete(context.Background(), userReq(name)); err != nil {
				t.Error(err)
			}
		}()
	}
	start("first")
	waitFor(t, "first in flight", func() bool { return g.calls.Load() == 1 })
	names := []string{"a", "b", "c", "d", "e"}
	for i, n := range names {
		start(n)
		waitFor(t, n+" queued", func() bool { return c.Waiting() == i+1 })
	}
	close(g.release)
	wg.Wait()
	for i, n := range names {
		if got := g.content(t, i+1); got != n {
			t.Errorf("request %d = %q, want %q", i+1, got, n)
		}
	}
}

func TestErrBusyWhenQueueFull(t *testing.T) {
	g := newGatedFake(t)
	c := newTestClient(t, Config{BaseURL: g.url(), MaxConcurrency: 1, MaxWaiting: 2}, nil)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
				t.Error(err)
			}
		}()
	}
	waitFor(t, "1 in flight, 2 waiting", func() bool { return c.InFlight() == 1 && c.Waiting() == 2 })
	start := time.Now()
	_, err := c.Complete(context.Background(), userReq("one too many"))
	if !errors.Is(err, ErrBusy) {
		t.Errorf("err = %v, want ErrBusy", err)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Error("ErrBusy was not immediate")
	}
	close(g.release)
	wg.Wait()
}

func TestWaiterGivesUpAtDeadline(t *testing.T) {
	g := newGatedFake(t)
	c := newTestClient(t, Config{BaseURL: g.url(), MaxConcurrency: 1}, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, "first in flight", func() bool { return c.InFlight() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Complete(ctx, userReq("late"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if c.Waiting() != 0 {
		t.Errorf("waiting = %d after giving up", c.Waiting())
	}
	close(g.release)
	<-done
	if got := g.calls.Load(); got != 1 {
		t.Errorf("calls = %d, want 1 (the late caller must not be sent)", got)
	}
	if c.InFlight() != 0 {
		t.Errorf("in flight = %d", c.InFlight())
	}
}

// A slot handed over just as its waiter gives up must go to the next one.
func TestSlotsHandOverRace(t *testing.T) {
	s := newSlots(1, 100)
	for range 200 {
		if err := s.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- s.acquire(ctx) }()
		for s.waiting() == 0 {
			time.Sleep(10 * time.Microsecond)
		}
		go cancel()
		s.release()
		if err := <-errc; err == nil {
			s.release()
		}
		if s.inFlight() != 0 || s.waiting() != 0 {
			t.Fatalf("leaked: in flight %d, waiting %d", s.inFlight(), s.waiting())
		}
	}
}
