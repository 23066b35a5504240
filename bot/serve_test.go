package bot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/summarize"
)

// Progress edits come at most one per interval, the latest text winning,
// and none after stop: measured on a test clock, not the wall clock.
func TestProgressEditsAreThrottled(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	var mu sync.Mutex
	var shown []string
	edit := func(_ context.Context, text string) error {
		mu.Lock()
		shown = append(shown, text)
		mu.Unlock()
		return nil
	}
	got := func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(shown) }
	p := newProgress(context.Background(), edit, time.Second, clk, discardLogger())

	p.show("part 1")
	clk.advance(0) // the first line goes out at once
	p.show("part 2")
	p.show("part 3") // replaces part 2, which was never shown
	clk.advance(999 * time.Millisecond)
	if s := got(); !slices.Equal(s, []string{"part 1"}) {
		t.Fatalf("before the interval passed: %q", s)
	}
	clk.advance(time.Millisecond)
	if s := got(); !slices.Equal(s, []string{"part 1", "part 3"}) {
		t.Fatalf("after one interval: %q", s)
	}
	// A notice does not replace a real status line.
	p.notice(msgStillWorking)
	clk.advance(time.Hour)
	if s := got(); len(s) != 2 {
		t.Fatalf("a notice after progress was shown: %q", s)
	}
	p.show("part 4")
	p.stop()
	clk.advance(time.Hour)
	if s := got(); len(s) != 2 {
		t.Fatalf("an edit after stop: %q", s)
	}
}

// A reply that takes longer than StillWorkingAfter says so in the deferred
// reply; one that is quicker never does.
func TestSaysStillWorkingWhenSlow(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	h := setup(t, func(c *Config, s *fakeBriefer) {
		c.StillWorkingAfter = 3 * time.Second
		s.run = func(_ context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
			if doc.ID == "far" {
				close(started)
				<-release
			}
			return sampleBrief(doc), nil
		}
	})
	clk := newTestClock()
	h.b.clock = clk

	// Quick: the notice's timer is stopped with the answer.
	_, ed := h.dispatch(h.slash("summarize", "u1", opt("article", "sahel-2")))
	clk.advance(time.Hour)
	if m := decodeMessage(t, ed); len(m.Embeds) != 1 {
		t.Fatalf("quick answer %s", ed.Body)
	}
	for _, r := range h.requests() {
		if strings.Contains(string(r.Body), msgStillWorking) {
			t.Fatalf("a quick answer said it was still working: %s", r.Body)
		}
	}

	// Slow: after 3 s on the clock, the reply says it is still working.
	h.rec.edited = make(chan string, 4)
	in := h.slash("summarize", "u2", opt("article", "far"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.dispatch(in)
	}()
	<-started
	clk.advance(2999 * time.Millisecond)
	select {
	case text := <-h.rec.edited:
		t.Fatalf("edited %q before 3 s", text)
	default:
	}
	clk.advance(time.Millisecond)
	if text := <-h.rec.edited; text != msgStillWorking {
		t.Fatalf("first edit %q, want %q", text, msgStillWorking)
	}
	close(release)
	<-done
	_, ed = h.await(in)
	if m := decodeMessage(t, ed); len(m.Embeds) != 1 {
		t.Fatalf("final answer %s", ed.Body)
	}
}

// Only requests that do work count against the per-user limit: a document
// that does not exist, or a bad option, costs nothing.
func TestRateLimitCountsOnlyWork(t *testing.T) {
	t.Parallel()
	h := setup(t, func(c *Config, _ *fakeBriefer) { c.UserRatePerMinute = 2 })
	for range 3 {
		_, ed := h.dispatch(h.slash("summarize", "u1", opt("article", "no such thing")))
		if m := decodeMessage(t, ed); !strings.Contains(m.Content, "No document matches") {
			t.Fatalf("unknown document answered %q", m.Content)
		}
	}
	for n := range 2 {
		cb, ed := h.dispatch(h.slash("summarize", "u1", opt("article", "far")))
		if typ, _ := callbackData(t, cb); typ != 5 || len(decodeMessage(t, ed).Embeds) != 1 {
			t.Fatalf("summary %d after rejected input was not served: %s", n+1, cb.Body)
		}
	}
	cb, _ := h.dispatch(h.slash("summarize", "u1", opt("article", "far")))
	if typ, m := callbackData(t, cb); typ != 4 || !strings.Contains(m.Content, "2 summaries a minute") {
		t.Fatalf("third summary: type %d %q", typ, m.Content)
	}
	if n := h.b.metrics.interactions.get("summarize", outcomeBadInput); n != 3 {
		t.Errorf("%d rejected counted, want 3", n)
	}
}

// /help is made from the route table: every registered command is in it,
// the digest commands too when digests are on.
func TestHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	plain := setup(t, nil)
	withDigests := setupDigests(t, "", nil)
	for _, h := range []*harness{plain, withDigests.harness} {
		_, ed := h.dispatch(h.slash("help", "u1"))
		m := decodeMessage(t, ed)
		if len(m.Embeds) != 1 {
			t.Fatalf("help %s", ed.Body)
		}
		names := 0
		for _, c := range h.b.Commands() {
			names++
			if !strings.Contains(m.Embeds[0].Description, "**/"+c.Name+"**") {
				t.Errorf("/help lacks /%s:\n%s", c.Name, m.Embeds[0].Description)
			}
		}
		if want := map[bool]int{false: 4, true: 6}[h == withDigests.harness]; names != want {
			t.Errorf("%d commands registered, want %d", names, want)
		}
	}
}

// Acknowledging never waits behind work: with every worker busy, a new
// interaction is deferred at once, and its work starts only when a worker
// is free; at most Workers interactions work at a time.
func TestDeferralDoesNotWaitForWorkers(t *testing.T) {
	t.Parallel()
	const workers = 2
	var mu sync.Mutex
	running, most := 0, 0
	started := make(chan string, 8)
	release := make(chan struct{})
	h := setup(t, func(c *Config, s *fakeBriefer) {
		c.Workers = workers
		c.UserRatePerMinute = -1
		s.run = func(_ context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			started <- doc.ID
			<-release
			mu.Lock()
			running--
			mu.Unlock()
			return sampleBrief(doc), nil
		}
	})
	deferred := make(chan struct{}, 8)
	h.rec.deferred = deferred
	var wg sync.WaitGroup
	ids := []string{"far", "sahel-2", "sahel-3", "2024-05-sahel-elections"}
	for n, id := range ids {
		wg.Go(func() { h.dispatch(h.slash("summarize", "u"+id, opt("article", ids[n]))) })
	}
	// All four are acknowledged while only two can work.
	for range ids {
		<-deferred
	}
	<-started
	<-started
	select {
	case id := <-started:
		t.Fatalf("%s started while %d workers were busy", id, workers)
	default:
	}
	close(release)
	wg.Wait()
	if most != workers {
		t.Errorf("%d interactions worked at once, want %d", most, workers)
	}
}

// Work waits while another interaction that arrived is still to be
// acknowledged, up to a bound.
func TestWorkWaitsForPendingAcknowledgements(t *testing.T) {
	t.Parallel()
	started := make(chan string, 8)
	h := setup(t, func(c *Config, s *fakeBriefer) {
		c.UserRatePerMinute = -1
		s.run = func(_ context.Context, doc corpus.Document, _ summarize.Options) (summarize.Brief, error) {
			started <- doc.ID
			return sampleBrief(doc), nil
		}
	})
	clk := newTestClock()
	clk.added = make(chan time.Duration, 16)
	h.b.clock = clk
	h.rec.holding = make(chan string, 4)
	notStarted := func(when string) {
		t.Helper()
		select {
		case id := <-started:
			t.Fatalf("%s: the work of %s started", when, id)
		default:
		}
	}

	for _, released := range []string{"by the acknowledgement", "by the bound"} {
		slow := h.slash("summarize", "slow", opt("article", "sahel-2"))
		hold := make(chan struct{})
		h.rec.setHold(slow["id"].(string), hold)
		var wg sync.WaitGroup
		wg.Go(func() { h.dispatch(slow) })
		<-h.rec.holding // arrived; its deferral is held

		wg.Go(func() { h.dispatch(h.slash("summarize", "quick", opt("article", "far"))) })
		if d := <-clk.added; d != ackFirst { // the quick one waits at the gate
			t.Fatalf("timer of %v, want the gate's %v", d, ackFirst)
		}
		notStarted("while an acknowledgement is pending")
		if released == "by the acknowledgement" {
			close(hold)
			if id := <-started; id != "far" && id != "sahel-2" {
				t.Fatalf("started %s", id)
			}
		} else {
			clk.advance(ackFirst)
			if id := <-started; id != "far" {
				t.Fatalf("after the bound, %s started, want far", id)
			}
			close(hold)
		}
		wg.Wait()
		for len(started) > 0 {
			<-started
		}
		for len(clk.added) > 0 {
			<-clk.added
		}
	}
}
