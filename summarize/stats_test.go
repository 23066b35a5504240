package summarize

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/llm"
)

func brief(t *testing.T, s *Summarizer, opts Options) {
	t.Helper()
	if _, err := s.Brief(context.Background(), omanDoc, opts); err != nil {
		t.Fatal(err)
	}
}

func TestStatsCountCallsTokensAndCacheHits(t *testing.T) {
	f := &fakeLLM{answer: func(n int64, _ llm.Request) (llm.Response, error) {
		if n == 2 {
			return reply(`{"headline": "cut`) // the Short brief needs a repair
		}
		return reply(omanAnswer)
	}}
	s := newTestSummarizer(t, f, &memCache{}, Config{})
	brief(t, s, Options{})                 // 1 call
	brief(t, s, Options{})                 // cache hit
	brief(t, s, Options{Length: Short})    // 2 calls: answer and repair
	brief(t, s, Options{Length: Short})    // cache hit
	brief(t, s, Options{Length: Standard}) // cache hit
	want := Stats{
		CacheHits:        3,
		LLMCallsOK:       3,
		PromptTokens:     300,
		CompletionTokens: 150,
		BriefsLLM:        2,
	}
	if got := s.Stats(); got != want {
		t.Fatalf("Stats() = %+v\nwant       %+v", got, want)
	}
}

func TestStatsCountFailuresAndFallbacks(t *testing.T) {
	down := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) {
		return llm.Response{}, fmt.Errorf("circuit open: %w", llm.ErrUnavailable)
	}}
	s := newTestSummarizer(t, down, &memCache{}, Config{FallbackOffline: true})
	brief(t, s, Options{})
	brief(t, s, Options{}) // a fallback is not cached: the LLM is asked again
	if got, want := s.Stats(), (Stats{LLMCallsFailed: 2, BriefsFallback: 2}); got != want {
		t.Fatalf("with fallback: Stats() = %+v, want %+v", got, want)
	}

	broken := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) { return llm.Response{}, errors.New("boom") }}
	strict := newTestSummarizer(t, broken, nil, Config{})
	if _, err := strict.Brief(context.Background(), omanDoc, Options{}); err == nil {
		t.Fatal("no error from a broken LLM")
	}
	if got, want := strict.Stats(), (Stats{LLMCallsFailed: 1}); got != want {
		t.Fatalf("without fallback: Stats() = %+v, want %+v", got, want)
	}
}

func TestStatsCountOfflineBriefs(t *testing.T) {
	s, err := New(Config{}, nil, &memCache{})
	if err != nil {
		t.Fatal(err)
	}
	brief(t, s, Options{})
	brief(t, s, Options{})
	if got, want := s.Stats(), (Stats{BriefsOffline: 2}); got != want {
		t.Fatalf("Stats() = %+v, want %+v", got, want)
	}
}

// Concurrent requests for one Brief share a generation: one call, one
// Brief made, however many waited for it.
func TestStatsCountASharedGenerationOnce(t *testing.T) {
	release := make(chan struct{})
	f := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) {
		<-release
		return reply(omanAnswer)
	}}
	// With a cache, a caller too late for the flight is a cache hit, not a
	// second call, so only CacheHits depends on timing.
	s := newTestSummarizer(t, f, &memCache{}, Config{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := s.Brief(context.Background(), omanDoc, Options{}); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let every caller join the flight
	close(release)
	wg.Wait()
	got := s.Stats()
	got.CacheHits = 0
	if want := (Stats{LLMCallsOK: 1, PromptTokens: 100, CompletionTokens: 50, BriefsLLM: 1}); got != want {
		t.Fatalf("Stats() = %+v, want %+v", got, want)
	}
}
