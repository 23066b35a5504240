package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/geobrief/geobrief/internal/fakeclock"
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
	clock := fakeclock.New(time.Date(2025, 3, 1, 23, 0, 0, 0, time.FixedZone("X", 2*3600)))
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
	clock := fakeclock.New(time.Date(2025, 3, 1, 21, 30, 0, 0, time.UTC))
	l := newMemLedger()
	l.rows[usageKey{"2025-03-01", "big"}] = usageRow{10, 500, 500}
	l.rows[usageKey{"2025-02-28", "small"}] = usageRow{10, 5000, 5000} // yesterday does not count
	c := newTestClient(t, Config{BaseURL: f.url(), Now: clock.Now, GuildDailyTokenBudget: 1000, DailyTokenBudget: 1200}, l)
	ctx := context.Background()

	req := userReq("hi")
	req.MaxTokens = 100
	worst := worstCase(req) // 125; each call really uses 18
	req.Guild = "big"
	_, err := c.Complete(ctx, req)
	if !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("err = %v, want ErrBudgetExhausted", err)
	}
	if !strings.Contains(err.Error(), "this server's daily budget of 1000 tokens is used up") || !strings.Contains(err.Error(), "in 2h30m") {
		t.Errorf("err = %q", err)
	}
	if f.calls.Load() != 0 {
		t.Error("a refused call reached the server")
	}

	// A call starts only while what is used leaves room for its worst case,
	// so the last one that starts cannot pass the budget.
	req.Guild = "small"
	calls := 0
	for {
		_, err = c.Complete(ctx, req)
		if err != nil {
			break
		}
		calls++
		if calls > 100 {
			t.Fatal("the budget never ran out")
		}
	}
	used, _ := l.TokensUsedAll(ctx, "2025-03-01")
	if calls != (1200-1000-worst)/18+1 || used > 1200 || used+worst <= 1200 {
		t.Fatalf("%d calls, %d tokens used of 1200 (worst case %d)", calls, used, worst)
	}
	want := fmt.Sprintf("%d tokens are left of the daily budget of 1200, and this request may need up to %d", 1200-used, worst)
	if !errors.Is(err, ErrBudgetExhausted) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}

	// A request bigger than the whole budget says so: waiting will not help.
	req.Guild, req.MaxTokens = "other", 5000
	if _, err := c.Complete(ctx, req); !errors.Is(err, ErrBudgetExhausted) ||
		!strings.Contains(err.Error(), "more than the whole daily budget of 1200") {
		t.Fatalf("err = %v", err)
	}

	// A new UTC day starts afresh.
	clock.Advance(3 * time.Hour)
	req.Guild, req.MaxTokens = "big", 100
	if _, err := c.Complete(ctx, req); err != nil {
		t.Fatalf("next day: %v", err)
	}
}

// Under a budget, a request with no answer cap gets one: otherwise the most
// it could cost is unknown.
func TestBudgetCapsTheAnswer(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { completion(w, "ok", "stop", true) })
	c := newTestClient(t, Config{BaseURL: f.url(), DailyTokenBudget: 5000}, newMemLedger())
	if _, err := c.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
	if got := f.body(t, 0)["max_tokens"]; got != float64(budgetAnswerCap) {
		t.Errorf("max_tokens = %v, want %d", got, budgetAnswerCap)
	}

	free := newTestClient(t, Config{BaseURL: f.url()}, newMemLedger())
	if _, err := free.Complete(context.Background(), userReq("hi")); err != nil {
		t.Fatal(err)
	}
	if got, ok := f.body(t, 1)["max_tokens"]; ok {
		t.Errorf("without a budget max_tokens = %v, want none", got)
	}
}

// A call in flight holds its reservation: a second call that fits only
// beside what the first really uses waits for it rather than starting (and
// perhaps passing the budget) or being refused. A reservation is freed when
// its call fails, too.
func TestReservationHeldInFlight(t *testing.T) {
	for _, firstFails := range []bool{false, true} {
		t.Run(fmt.Sprintf("first call fails %v", firstFails), func(t *testing.T) {
			t.Parallel()
			unblock := make(chan struct{})
			var firstDone atomic.Bool
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					<-unblock
					if firstFails {
						apiError(w, 400, "bad messages", "")
						return
					}
				} else if !firstDone.Load() {
					t.Error("the second call started while the first held the budget")
				}
				completion(w, "ok", "stop", true)
			})
			waiting := make(chan struct{}, 4)
			c := newTestClient(t, Config{BaseURL: f.url(), DailyTokenBudget: 200}, newMemLedger())
			c.budget.onWait = func() { waiting <- struct{}{} }
			req := userReq("hi")
			req.MaxTokens = 100 // worst case 125: two do not fit in 200 at once

			first := make(chan error, 1)
			go func() {
				_, err := c.Complete(context.Background(), req)
				firstDone.Store(true)
				first <- err
			}()
			second := make(chan error, 1)
			go func() {
				<-waitUntilReserved(c)
				_, err := c.Complete(context.Background(), req)
				second <- err
			}()
			<-waiting
			close(unblock)
			if err := <-first; (err != nil) != firstFails {
				t.Fatalf("first call: %v", err)
			}
			if err := <-second; err != nil {
				t.Fatalf("second call: %v", err)
			}
			if c.budget.resTotal != 0 || len(c.budget.resGuild) != 0 {
				t.Errorf("reservations left: %d %v", c.budget.resTotal, c.budget.resGuild)
			}
		})
	}
}

// waitUntilReserved is closed once c holds a reservation. It checks after
// every reservation freed or made, so no time passes in vain.
func waitUntilReserved(c *Client) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c.budget.mu.Lock()
			n := c.budget.resTotal
			c.budget.mu.Unlock()
			if n > 0 {
				return
			}
			runtime.Gosched()
		}
	}()
	return done
}

// A caller that gives up while waiting for room leaves no reservation behind.
func TestGivingUpWhileWaitingForBudget(t *testing.T) {
	t.Parallel()
	unblock := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		<-unblock
		completion(w, "ok", "stop", true)
	})
	waiting := make(chan struct{}, 1)
	c := newTestClient(t, Config{BaseURL: f.url(), GuildDailyTokenBudget: 200}, newMemLedger())
	c.budget.onWait = func() { waiting <- struct{}{} }
	req := userReq("hi")
	req.MaxTokens, req.Guild = 100, "g"

	first := make(chan error, 1)
	go func() { _, err := c.Complete(context.Background(), req); first <- err }()
	<-waitUntilReserved(c)
	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() { _, err := c.Complete(ctx, req); second <- err }()
	<-waiting
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "token budget") {
		t.Fatalf("second call: %v", err)
	}
	close(unblock)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if c.budget.resTotal != 0 || len(c.budget.resGuild) != 0 {
		t.Errorf("reservations left: %d %v", c.budget.resTotal, c.budget.resGuild)
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
