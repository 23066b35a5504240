package summarize

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/seeds"
	"github.com/geobrief/geobrief/store"
)

// With fallback on, every failure that the operator need not fix gets the
// labelled offline Brief, saying why; a refused key and a rejected request
// are still errors. Without fallback each is an error of its kind.
func TestFallbackReasons(t *testing.T) {
	t.Parallel()
	cutOff := llm.Response{Content: `{"headline":"H","summary":"The envoy`, FinishReason: "length"}
	for _, tc := range []struct {
		name   string
		answer func(n int64, req llm.Request) (llm.Response, error)
		reason string // "" when the error must come through
		kind   llm.Kind
	}{
		{"unavailable", func(int64, llm.Request) (llm.Response, error) {
			return llm.Response{}, fmt.Errorf("llm: giving up: %w", llm.ErrUnavailable)
		}, "the LLM endpoint is unavailable", llm.KindUnavailable},
		{"budget spent", func(int64, llm.Request) (llm.Response, error) {
			return llm.Response{}, fmt.Errorf("%w: used up", llm.ErrBudgetExhausted)
		}, "today's LLM token budget is spent", llm.KindBudgetSpent},
		{"invalid JSON twice", func(int64, llm.Request) (llm.Response, error) {
			return reply("I'd rather not.")
		}, "the model's answer was unusable", llm.KindUnusable},
		{"cut off at the token limit twice", func(int64, llm.Request) (llm.Response, error) {
			return cutOff, nil
		}, "the model's answer was unusable", llm.KindUnusable},
		{"bad key", func(int64, llm.Request) (llm.Response, error) {
			return llm.Response{}, &llm.StatusError{Code: 401, Message: "Incorrect API key"}
		}, "", llm.KindBadCredentials},
		{"unknown model", func(int64, llm.Request) (llm.Response, error) {
			return llm.Response{}, &llm.StatusError{Code: 404, Message: "model not found"}
		}, "", llm.KindRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSummarizer(t, &fakeLLM{answer: tc.answer}, &memCache{}, Config{FallbackOffline: true})
			b, err := s.Brief(context.Background(), omanDoc, Options{})
			switch {
			case tc.reason == "" && err == nil:
				t.Fatalf("want an error of kind %v, got a Brief %+v", tc.kind, b.Meta)
			case tc.reason == "" && llm.Classify(err) != tc.kind:
				t.Fatalf("err = %v, of kind %v; want %v", err, llm.Classify(err), tc.kind)
			case tc.reason != "" && err != nil:
				t.Fatalf("want the offline Brief, got %v", err)
			case tc.reason != "" && (!b.Meta.Offline || !b.Meta.Fallback || b.Meta.FallbackReason != tc.reason || b.Summary == ""):
				t.Fatalf("fallback Brief meta = %+v, want reason %q", b.Meta, tc.reason)
			}

			strict := newTestSummarizer(t, &fakeLLM{answer: tc.answer}, nil, Config{})
			_, err = strict.Brief(context.Background(), omanDoc, Options{})
			if llm.Classify(err) != tc.kind || !strings.HasPrefix(err.Error(), "summarize oman-talks: ") {
				t.Fatalf("without fallback: err = %v, of kind %v; want %v", err, llm.Classify(err), tc.kind)
			}
		})
	}
}

// A hung endpoint does not hold a summary past its deadline, however long
// one attempt may take and however many retries are left: the answer is
// the offline Brief, saying why, or with fallback off a timeout.
func TestHungEndpointMeetsTheDeadline(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Never answers. The body is read so that the server notices when
		// the client hangs up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first
	client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m", Timeout: time.Hour, MaxRetries: 3}, nil)
	t.Cleanup(client.Close)

	s, err := New(Config{Model: "m", FallbackOffline: true, Timeout: 50 * time.Millisecond}, client, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Brief(context.Background(), omanDoc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Meta.Fallback || b.Meta.FallbackReason != "the LLM gave no answer within 50ms" {
		t.Fatalf("meta = %+v", b.Meta)
	}

	strict, err := New(Config{Model: "m", Timeout: 50 * time.Millisecond}, client, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = strict.Brief(context.Background(), omanDoc, Options{})
	if !errors.Is(err, context.DeadlineExceeded) || llm.Classify(err) != llm.KindTimeout ||
		!strings.Contains(err.Error(), "no answer within 50ms (SUMMARY_TIMEOUT)") {
		t.Fatalf("without fallback: err = %v (kind %v)", err, llm.Classify(err))
	}
}

// The deadline covers the whole map-reduce, not each request: parts that
// answer at once and a combine that hangs still end at the deadline.
func TestDeadlineSpansMapReduceRounds(t *testing.T) {
	t.Parallel()
	var body strings.Builder
	for i := range 200 {
		fmt.Fprintf(&body, "Paragraph %d says the delegation number %d met again in the capital.\n", i, i)
	}
	doc := corpus.Document{ID: "long", Title: "Long", Body: body.String(), Hash: "long-deadline"}
	var parts atomic.Int64
	s, err := New(Config{Model: "m", ContextTokens: 1024, FallbackOffline: true, Timeout: 50 * time.Millisecond},
		completerFunc(func(ctx context.Context, req llm.Request) (llm.Response, error) {
			if strings.HasPrefix(req.Messages[0].Content, "task: combine") {
				<-ctx.Done()
				return llm.Response{}, fmt.Errorf("llm: %w", ctx.Err())
			}
			parts.Add(1)
			return reply(`{"headline":"H","summary":"S.","key_facts":[{"fact":"x","quote":"the delegation"}]}`)
		}), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Brief(context.Background(), doc, Options{})
	if err != nil || !b.Meta.Fallback || !strings.Contains(b.Meta.FallbackReason, "no answer within") || parts.Load() < 2 {
		t.Fatalf("meta = %+v, err = %v, %d parts answered", b.Meta, err, parts.Load())
	}
}

// The top line of a digest falls back the same way.
func TestToplineFallsBack(t *testing.T) {
	t.Parallel()
	items := []ToplineItem{{Headline: "Envoy in Oman", Summary: "The envoy met Iran in Oman. Talks went on late."}}
	unusable := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) { return reply("no JSON here") }}
	s := newTestSummarizer(t, unusable, nil, Config{FallbackOffline: true})
	if got, err := s.Topline(context.Background(), items, ""); err != nil || got != "The envoy met Iran in Oman." {
		t.Fatalf("topline = %q, %v", got, err)
	}
	hung := completerFunc(func(ctx context.Context, req llm.Request) (llm.Response, error) {
		<-ctx.Done()
		return llm.Response{}, fmt.Errorf("llm: %w", ctx.Err())
	})
	s, err := New(Config{Model: "m", Timeout: 20 * time.Millisecond}, hung, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Topline(context.Background(), items, ""); llm.Classify(err) != llm.KindTimeout {
		t.Fatalf("without fallback: err = %v", err)
	}
}

// The issue's own cases, end to end through the real client, store and
// mock endpoint: a budget too small for one summary spends nothing and
// answers offline, saying why; many summaries at once never spend more
// than the budget.
func TestSummariesNeverPassTheBudget(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(mockllm.New(mockllm.Options{}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }
	day := clock().Format(store.DayFormat)

	docs, warnings := corpus.Load(seeds.FS)
	if len(docs) < 4 || len(warnings) > 0 {
		t.Fatalf("seed documents: %d, warnings %v", len(docs), warnings)
	}
	for _, tc := range []struct {
		budget, briefs int
	}{{600, 1}, {6000, 2 * len(docs)}} {
		t.Run(fmt.Sprint(tc.budget), func(t *testing.T) {
			t.Parallel()
			st, err := store.Open(ctx, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			client := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "mock", DailyTokenBudget: tc.budget, MaxConcurrency: 8, Now: clock}, st)
			t.Cleanup(client.Close)
			s, err := New(Config{Model: "mock", FallbackOffline: true, Timeout: time.Hour}, client, st)
			if err != nil {
				t.Fatal(err)
			}

			var wg sync.WaitGroup
			var fellBack, fromLLM atomic.Int64
			for i := range tc.briefs {
				wg.Go(func() {
					// Each document twice, in two lengths: two Briefs.
					doc, length := docs[i%len(docs)], []Length{Short, Detailed}[i/len(docs)]
					b, err := s.Brief(ctx, doc, Options{Length: length})
					switch {
					case err != nil:
						t.Errorf("%s: %v", doc.ID, err)
					case b.Meta.Fallback && b.Meta.FallbackReason != "today's LLM token budget is spent":
						t.Errorf("%s: fell back because %q", doc.ID, b.Meta.FallbackReason)
					case b.Meta.Fallback:
						fellBack.Add(1)
					default:
						fromLLM.Add(1)
					}
				})
			}
			wg.Wait()
			spent, err := st.TokensUsedAll(ctx, day)
			if err != nil {
				t.Fatal(err)
			}
			if spent > tc.budget {
				t.Fatalf("%d tokens spent of a budget of %d", spent, tc.budget)
			}
			if tc.briefs == 1 && (spent != 0 || fellBack.Load() != 1) {
				t.Fatalf("a budget too small for one summary: %d spent, %d offline", spent, fellBack.Load())
			}
			if tc.briefs > 1 && (fromLLM.Load() == 0 || fellBack.Load() == 0) {
				t.Fatalf("%d from the LLM, %d offline: the budget should have run out part way", fromLLM.Load(), fellBack.Load())
			}
		})
	}
}
