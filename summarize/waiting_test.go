package summarize

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/geobrief/geobrief/llm"
)

// A Brief that takes a while calls Options.Waiting once, while it is still
// being made. The LLM here answers only after Waiting has been called, so
// the test ends only if the hook fires; no clock is read.
func TestWaitingIsCalledOnceWhileTheLLMWorks(t *testing.T) {
	t.Parallel()
	waited := make(chan struct{})
	var calls atomic.Int64
	f := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) {
		<-waited
		return reply(omanAnswer)
	}}
	s := newTestSummarizer(t, f, &memCache{}, Config{})
	opts := Options{WaitingAfter: 1, Waiting: func() {
		if calls.Add(1) == 1 {
			close(waited)
		}
	}}
	b, err := s.Brief(context.Background(), omanDoc, opts)
	if err != nil || b.Meta.Offline {
		t.Fatalf("brief = %+v, %v", b.Meta, err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("Waiting called %d times, want once", n)
	}

	// A cached Brief answers at once: no waiting to announce, however soon
	// the hook would fire.
	if _, err := s.Brief(context.Background(), omanDoc, opts); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("Waiting called for a cached Brief (%d calls)", n)
	}
	offline, err := New(Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := offline.Brief(context.Background(), omanDoc, opts); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("Waiting called for an offline Brief (%d calls)", n)
	}
}

// Brief does not return while Waiting runs: the caller's "still waiting"
// message cannot overwrite its answer. Waiting here holds on until the LLM
// has answered and Brief has had every chance to return.
func TestBriefReturnsAfterWaitingHasReturned(t *testing.T) {
	t.Parallel()
	started, answered := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	f := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) {
		<-started
		defer close(answered)
		return reply(omanAnswer)
	}}
	s := newTestSummarizer(t, f, nil, Config{})
	_, err := s.Brief(context.Background(), omanDoc, Options{WaitingAfter: 1, Waiting: func() {
		close(started)
		<-answered
		finished.Store(true)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("Brief returned while Waiting was still running")
	}
}
