package summarize

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/internal/fakeclock"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
)

var _ GenerationClaims = (*store.Store)(nil)

// replica is a Summarizer as one replica has it: its own process state,
// the shared store as cache and claims.
func replica(t *testing.T, f *fakeLLM, st *store.Store, owner string, cfg Config) *Summarizer {
	t.Helper()
	cfg.Claims, cfg.Owner, cfg.ClaimPoll = st, owner, time.Millisecond
	return newTestSummarizer(t, f, st, cfg)
}

// Identical requests on two replicas at once: one LLM call between them.
func TestReplicasShareOneGeneration(t *testing.T) {
	storetest.Backends(t, testReplicasShareOneGeneration)
}

func testReplicasShareOneGeneration(t *testing.T, be storetest.Backend) {
	where := be.NewDB(t)
	st := be.OpenAt(t, where)
	started, release := make(chan struct{}), make(chan struct{})
	f := &fakeLLM{answer: func(n int64, _ llm.Request) (llm.Response, error) {
		if n == 1 {
			close(started)
		}
		<-release
		return reply(omanAnswer)
	}}
	waiting := make(chan struct{})
	var once sync.Once
	replicas := []*Summarizer{replica(t, f, st, "a", Config{}), replica(t, f, be.OpenAt(t, where), "b", Config{})}
	for _, r := range replicas {
		r.onClaimWait = func() { once.Do(func() { close(waiting) }) }
	}

	var wg sync.WaitGroup
	briefs := make(chan Brief, 10)
	for i := range 10 {
		r := replicas[i%2]
		wg.Go(func() {
			b, err := r.Brief(context.Background(), omanDoc, Options{})
			if err != nil {
				t.Error(err)
			}
			briefs <- b
		})
	}
	<-started // one replica generates...
	select {  // ...and the other waits for it
	case <-waiting:
	case <-time.After(10 * time.Second): // a failure bound only
		close(release)
		t.Fatalf("no replica waited for the other; %d LLM calls", f.calls.Load())
	}
	close(release)
	wg.Wait()
	close(briefs)
	if n := f.calls.Load(); n != 1 {
		t.Fatalf("10 identical requests on 2 replicas made %d LLM calls, want 1", n)
	}
	for b := range briefs {
		if b.Headline != "US and Iran to talk in Oman" || b.Meta.Fallback {
			t.Fatalf("a replica answered %+v", b)
		}
	}
	if w := replicas[0].Stats().ClaimWaits + replicas[1].Stats().ClaimWaits; w != 1 {
		t.Errorf("%d waits for another replica, want 1 (one flight per replica)", w)
	}
	if _, _, held, _ := st.Lease(context.Background(), replicas[0].cacheKey(omanDoc, Options{Length: Options{}.Length.orDefault()})); held {
		t.Error("the claim is still held after the Brief was saved")
	}
}

// A claim left by a replica that died is taken over once its lease has
// run out; until then nobody calls the LLM.
func TestDeadReplicasClaimIsTakenOver(t *testing.T) {
	storetest.Backends(t, testDeadReplicasClaimIsTakenOver)
}

func testDeadReplicasClaimIsTakenOver(t *testing.T, be storetest.Backend) {
	st := be.Open(t)
	clock := fakeclock.New(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
	f := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) { return reply(omanAnswer) }}
	r := replica(t, f, st, "b", Config{Now: clock.Now})
	key := r.cacheKey(omanDoc, Options{Length: Options{}.Length.orDefault()})
	lease := DefaultTimeout + claimMargin
	if ok, err := st.TryLease(context.Background(), key, "dead", clock.Now(), clock.Now().Add(lease)); !ok || err != nil {
		t.Fatalf("claim for the dead replica: %v, %v", ok, err)
	}
	waiting := make(chan struct{})
	r.onClaimWait = func() { close(waiting) }
	done := make(chan error, 1)
	var got Brief
	go func() {
		var err error
		got, err = r.Brief(context.Background(), omanDoc, Options{})
		done <- err
	}()
	<-waiting
	if n := f.calls.Load(); n != 0 {
		t.Fatalf("%d LLM calls while another replica's claim ran", n)
	}
	clock.Advance(lease)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := f.calls.Load(); n != 1 || got.Meta.Cached || got.Headline == "" {
		t.Fatalf("after takeover: %d calls, brief %+v", n, got)
	}
	if _, _, held, _ := st.Lease(context.Background(), key); held {
		t.Error("the claim taken over is still held after the Brief was saved")
	}
}

// Waiting for another replica is bounded by the summary deadline: the
// user gets the labelled offline Brief, and the LLM is not called.
func TestWaitingForAnotherReplicaEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	f := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) { return reply(omanAnswer) }}
	r := replica(t, f, st, "b", Config{Timeout: 50 * time.Millisecond, FallbackOffline: true})
	key := r.cacheKey(omanDoc, Options{Length: Options{}.Length.orDefault()})
	now := time.Now()
	if ok, err := st.TryLease(context.Background(), key, "busy", now, now.Add(time.Hour)); !ok || err != nil {
		t.Fatalf("claim for the other replica: %v, %v", ok, err)
	}
	b, err := r.Brief(context.Background(), omanDoc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Meta.Fallback || f.calls.Load() != 0 {
		t.Fatalf("fallback %v after %d LLM calls; want the offline Brief and no call", b.Meta.Fallback, f.calls.Load())
	}
}

// Story briefs are claimed the same way: the same story asked of two
// replicas at once costs one LLM call.
func TestReplicasShareOneStoryGeneration(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		where := be.NewDB(t)
		started, release := make(chan struct{}), make(chan struct{})
		f := &fakeLLM{answer: func(n int64, _ llm.Request) (llm.Response, error) {
			if n == 1 {
				close(started)
			}
			<-release
			return reply(storyAnswer)
		}}
		a := replica(t, f, be.OpenAt(t, where), "a", Config{})
		b := replica(t, f, be.OpenAt(t, where), "b", Config{})
		waiting := make(chan struct{})
		var once sync.Once
		for _, r := range []*Summarizer{a, b} {
			r.onClaimWait = func() { once.Do(func() { close(waiting) }) }
		}
		var wg sync.WaitGroup
		for _, r := range []*Summarizer{a, b} {
			wg.Go(func() {
				if _, err := r.StoryBrief(context.Background(), storyFixture(), Options{}); err != nil {
					t.Error(err)
				}
			})
		}
		<-started
		select {
		case <-waiting:
		case <-time.After(10 * time.Second): // a failure bound only
			close(release)
			t.Fatalf("no replica waited for the other; %d LLM calls", f.calls.Load())
		}
		close(release)
		wg.Wait()
		if n := f.calls.Load(); n != 1 {
			t.Fatalf("the same story on 2 replicas made %d LLM calls, want 1", n)
		}
	})
}
