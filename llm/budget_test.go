package llm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

type usageKey struct{ day, guild string }

type usageRow struct{ calls, prompt, completion int }

// memLedger is a Ledger in memory.
type memLedger struct {
	mu   sync.Mutex
	rows map[usageKey]usageRow
	err  error
}

func newMemLedger() *memLedger { return &memLedger{rows: map[usageKey]usageRow{}} }

func (l *memLedger) TokensUsed(_ context.Context, day, guild string) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.rows[usageKey{day, guild}]
	return r.prompt + r.completion, l.err
}

func (l *memLedger) TokensUsedAll(_ context.Context, day string) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for k, r := range l.rows {
		if k.day == day {
			n += r.prompt + r.completion
		}
	}
	return n, l.err
}

func (l *memLedger) AddUsage(_ context.Context, day, guild string, calls, p, c int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.rows[usageKey{day, guild}]
	l.rows[usageKey{day, guild}] = usageRow{r.calls + calls, r.prompt + p, r.completion + c}
	return nil
}

func (l *memLedger) row(day, guild string) usageRow {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rows[usageKey{day, guild}]
}

var _ Ledger = (*memLedger)(nil)

func TestUsageRecorded(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, "ok", "stop", true) })
	clock := &fakeClock{t: time.Date(2025, 3, 1, 23, 0, 0, 0, time.FixedZone("X", 2*3600))}
	l := newMemLedger()
	c := newTestClient(t, Config{BaseURL: f.url(), Now: clock.Now}, l)
	req := userReq("hi")
	req.Guild = "g1"
	for range 2 {
		if _, err := c.Complete(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	// 23:00 at UTC+2 is 21:00 UTC the same day.
	if got := l.row("2025-03-01", "g1"); got != (usageRow{2, 22, 14}) {
		t.Errorf("ledger row = %+v", got)
	}
}

func TestBudgets(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, "ok", "stop", true) })
	clock := &fakeClock{t: time.Date(2025, 3, 1, 21, 30, 0, 0, time.UTC)}
	l := newMemLedger()
	l.rows[usageKey{"2025-03-01", "big"}] = usageRow{10, 500, 500}
	l.rows[usageKey{"2025-02-28", "small"}] = usageRow{10, 5000, 5000} // yesterday does not count
	c := newTestClient(t, Config{BaseURL: f.url(), Now: clock.Now, GuildDailyTokenBudget: 1000, DailyTokenBudget: 1030}, l)
	ctx := context.Background()

	req := userReq("hi")
	req.Guild = "big"
	_, err := c.Complete(ctx, req)
	if !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("err = %v, want ErrBudgetExhausted", err)
	}
	if !strings.Contains(err.Error(), "this server's daily budget") || !strings.Contains(err.Error(), "in 2h30m") {
		t.Errorf("err = %q", err)
	}
	if f.calls.Load() != 0 {
		t.Error("a refused call reached the server")
	}

	req.Guild = "small"
	if _, err := c.Complete(ctx, req); err != nil {
		t.Fatalf("small guild: %v", err)
	}
	// Now 1018 tokens today overall; one more call reaches 1036 >= 1030.
	if _, err := c.Complete(ctx, req); err != nil {
		t.Fatalf("small guild, second call: %v", err)
	}
	req.Guild = ""
	_, err = c.Complete(ctx, req)
	if !errors.Is(err, ErrBudgetExhausted) || !strings.Contains(err.Error(), "the daily budget of 1030 tokens") {
		t.Fatalf("err = %v, want the overall budget", err)
	}

	// A new UTC day starts afresh.
	clock.Add(3 * time.Hour)
	req.Guild = "big"
	if _, err := c.Complete(ctx, req); err != nil {
		t.Fatalf("next day: %v", err)
	}
}

func TestMissingUsageIsEstimated(t *testing.T) {
	answer := strings.Repeat("abcd", 10) // 40 chars, about 10 tokens
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, answer, "stop", false) })
	l := newMemLedger()
	c := newTestClient(t, Config{BaseURL: f.url()}, l)
	resp, err := c.Complete(context.Background(), userReq(strings.Repeat("x", 80)))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Usage != (Usage{PromptTokens: 20, CompletionTokens: 10, Estimated: true}) {
		t.Errorf("usage = %+v", resp.Usage)
	}
	day := time.Now().UTC().Format(dayLayout)
	if got := l.row(day, ""); got != (usageRow{1, 20, 10}) {
		t.Errorf("ledger = %+v", got)
	}
}

func TestLedgerErrorDoesNotBlock(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, "ok", "stop", true) })
	l := newMemLedger()
	l.err = errors.New("database is locked")
	c := newTestClient(t, Config{BaseURL: f.url(), DailyTokenBudget: 10}, l)
	if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
}
