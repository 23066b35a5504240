package llm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/geobrief/geobrief/internal/fakeclock"
)

func TestBreakerOpensFailsFastProbesAndCloses(t *testing.T) {
	var status atomic.Int32
	status.Store(500)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if s := int(status.Load()); s != 200 {
			apiError(w, s, "down", "")
			return
		}
		completion(w, "ok", "stop", true)
	})
	clock := fakeclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	c := newTestClient(t, Config{BaseURL: f.url(), MaxRetries: -1, BreakerFailures: 3,
		BreakerCooldown: 30 * time.Second, Now: clock.Now}, nil)
	ctx := context.Background()

	// Client errors do not count.
	status.Store(400)
	for range 5 {
		if _, err := c.Complete(ctx, userReq("hi")); errors.Is(err, ErrCircuitOpen) {
			t.Fatal("400s opened the circuit")
		}
	}
	status.Store(500)
	for i := range 3 {
		if _, err := c.Complete(ctx, userReq("hi")); err == nil || errors.Is(err, ErrCircuitOpen) {
			t.Fatalf("call %d: err = %v, want a 500", i, err)
		}
	}
	before := f.calls.Load()
	clock.Advance(29*time.Second + 500*time.Millisecond)
	_, err := c.Complete(ctx, userReq("hi"))
	if !errors.Is(err, ErrCircuitOpen) || !strings.HasSuffix(err.Error(), "next try in 1s") {
		t.Fatalf("err = %v, want ErrCircuitOpen with the wait rounded up", err)
	}
	if f.calls.Load() != before {
		t.Error("an open circuit still sent the request")
	}

	// After the cool-down a failing probe opens it again.
	clock.Advance(time.Second)
	if _, err := c.Complete(ctx, userReq("probe")); err == nil || errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("probe: err = %v, want the 500", err)
	}
	if _, err := c.Complete(ctx, userReq("hi")); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("after a failed probe: err = %v, want ErrCircuitOpen", err)
	}

	// A successful probe closes it.
	clock.Advance(31 * time.Second)
	status.Store(200)
	if _, err := c.Complete(ctx, userReq("probe")); err != nil {
		t.Fatalf("probe: %v", err)
	}
	for range 3 {
		if _, err := c.Complete(ctx, userReq("hi")); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBreakerLetsOneProbeThrough(t *testing.T) {
	b := newBreaker(1, time.Second)
	now := time.Unix(0, 0)
	b.done(now, false, outcomeFailure)
	if ok, _, _ := b.allow(now); ok {
		t.Fatal("open circuit allowed a call")
	}
	now = now.Add(2 * time.Second)
	ok, probe, _ := b.allow(now)
	if !ok || !probe {
		t.Fatal("no probe after the cool-down")
	}
	if ok, _, _ := b.allow(now); ok {
		t.Fatal("a second call went through while the probe runs")
	}
	b.done(now, true, outcomeNeutral) // e.g. the prober gave up
	if ok, probe, _ := b.allow(now); !ok || !probe {
		t.Fatal("no new probe after a neutral one")
	}
	b.done(now, true, outcomeSuccess)
	if ok, probe, _ := b.allow(now); !ok || probe {
		t.Fatal("circuit did not close")
	}
}

// While the probe runs, other callers are told so, not given a wait that
// has already passed.
func TestBreakerOpenWhileProbing(t *testing.T) {
	release := make(chan struct{})
	var failing atomic.Bool
	failing.Store(true)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if failing.Load() {
			apiError(w, 500, "down", "")
			return
		}
		<-release
		completion(w, "ok", "stop", true)
	})
	clock := fakeclock.New(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	c := newTestClient(t, Config{BaseURL: f.url(), MaxRetries: -1, BreakerFailures: 1,
		BreakerCooldown: 30 * time.Second, Now: clock.Now}, nil)
	if _, err := c.Complete(context.Background(), userReq("hi")); err == nil {
		t.Fatal("want the 500")
	}
	failing.Store(false)
	clock.Advance(time.Minute)
	probeDone := make(chan error, 1)
	go func() { _, err := c.Complete(context.Background(), userReq("probe")); probeDone <- err }()
	for deadline := time.Now().Add(2 * time.Second); f.calls.Load() < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the probe never reached the server")
		}
		time.Sleep(time.Millisecond)
	}
	_, err := c.Complete(context.Background(), userReq("hi"))
	close(release)
	if !errors.Is(err, ErrCircuitOpen) || !strings.Contains(err.Error(), "trial call") {
		t.Fatalf("err = %v, want ErrCircuitOpen saying a trial call runs", err)
	}
	if err := <-probeDone; err != nil {
		t.Fatalf("probe: %v", err)
	}
}
