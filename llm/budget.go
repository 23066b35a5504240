package llm

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

const dayLayout = "2006-01-02"

// budgetAnswerCap is the answer cap sent with a request that sets none while
// a budget is enforced: without a cap the most a call can cost is unknown,
// and a budget that is only checked after the fact is passed.
const budgetAnswerCap = 1024

// budget enforces the daily token budgets, overall and per guild, so that
// the tokens spent never pass them. A check of "used so far" is not enough:
// one call can cost more than what is left, and concurrent calls all see the
// same "used so far". So before a call the budget reserves the most the
// call can cost (its prompt, counted generously, plus its answer cap), and
// a call that would not fit beside what is used and reserved does not
// start. After the call the reservation is settled: the tokens really used
// go to the ledger and the reservation is freed.
//
// Spent tokens live in the ledger (the store), which survives restarts and
// is shared with `geobrief usage`. Reservations live in the ledger too when
// it keeps them (Reservations: the store does), so that replicas sharing
// one database hold the budgets in sum; with any other ledger they live in
// this process.
type budget struct {
	ledger   Ledger
	shared   Reservations // nil: reservations in this process
	total    int          // overall tokens a UTC day; 0: no cap
	perGuild int          // tokens a UTC day for each guild; 0: no cap
	now      func() time.Time
	log      *slog.Logger

	mu       sync.Mutex
	resTotal int            // tokens reserved by calls in flight
	resGuild map[string]int // the same, by guild
	freed    chan struct{}  // closed, and replaced, whenever a reservation is freed

	// onWait, when set (tests), is called each time a caller starts waiting
	// for reservations in flight to be freed.
	onWait func()
}

// Reservations is a Ledger that also keeps the reservations of calls in
// flight, where every process using it counts them (a *store.Store).
type Reservations interface {
	// ReserveTokens records a reservation of tokens for guild on day
	// (UTC, "2006-01-02"), counted until expires, if fits says they fit
	// beside what the day has used and others have reserved, overall and
	// for guild. Checking and recording are one step no other reservation
	// can come between, in any process. id is "" when fits said no.
	ReserveTokens(ctx context.Context, day, guild string, tokens int, now, expires time.Time,
		fits func(usedAll, reservedAll, usedGuild, reservedGuild int) bool) (id string, err error)
	// ReleaseTokens drops a reservation.
	ReleaseTokens(ctx context.Context, id string) error
}

// reservationTTL is how long a reservation in a shared ledger counts. It
// is freed as soon as its call settles; the expiry only matters when the
// process dies first, and must outlast any call: attempts of Config.Timeout
// (60 s by default), a few retries and their backoff.
const reservationTTL = 10 * time.Minute

// sharedPoll is how often a caller waiting for room in a shared budget
// looks again: other processes' releases do not wake it.
const sharedPoll = 250 * time.Millisecond

func newBudget(ledger Ledger, total, perGuild int, now func() time.Time, log *slog.Logger) *budget {
	shared, _ := ledger.(Reservations)
	return &budget{
		ledger: ledger, shared: shared, total: total, perGuild: perGuild, now: now, log: log,
		resGuild: map[string]int{}, freed: make(chan struct{}),
	}
}

// enforced reports whether calls need a reservation.
func (b *budget) enforced() bool {
	return b.ledger != nil && (b.total > 0 || b.perGuild > 0)
}

// reservation is what reserve set aside for one call; nil when no budget
// is enforced.
type reservation struct {
	guild  string
	tokens int
	id     string // in the shared ledger; "" when in this process
}

// fit is how a call of some size stands against a budget.
type fit int

const (
	fitsNow   fit = iota
	fitsLater     // once calls in flight settle (they usually use less than they reserved)
	fitsNever     // not today: what is used already leaves too little
)

// reserve sets aside tokens for one call of guild ("" for the command line).
// A call that fits once calls in flight have settled waits for them, within
// ctx; a call that cannot fit today is refused with ErrBudgetExhausted. If
// the ledger cannot be read that budget is not enforced (logged): a store
// hiccup should not silence the bot.
func (b *budget) reserve(ctx context.Context, guild string, tokens int) (*reservation, error) {
	if !b.enforced() {
		return nil, nil
	}
	if b.shared != nil {
		return b.reserveShared(ctx, guild, tokens)
	}
	for {
		b.mu.Lock()
		// The ledger is read under the lock, so that settling (ledger first,
		// then the reservation) is never seen half done in the unsafe order.
		f, err := b.fits(ctx, guild, tokens)
		switch f {
		case fitsNow:
			b.resTotal += tokens
			b.resGuild[guild] += tokens
			b.mu.Unlock()
			return &reservation{guild: guild, tokens: tokens}, nil
		case fitsNever:
			b.mu.Unlock()
			return nil, err
		}
		freed := b.freed
		b.mu.Unlock()
		if b.onWait != nil {
			b.onWait()
		}
		select {
		case <-freed:
		case <-ctx.Done():
			return nil, fmt.Errorf("llm: gave up waiting for token budget held by calls in flight: %w", ctx.Err())
		}
	}
}

// reserveShared is reserve with the reservations in the shared ledger, so
// that they count in every process's budget. A call that fits once calls
// in flight settle waits, looking again when a call of this process
// settles and every sharedPoll for the others'.
func (b *budget) reserveShared(ctx context.Context, guild string, tokens int) (*reservation, error) {
	for {
		now := b.now()
		var (
			verdict fit
			verr    error
		)
		id, err := b.shared.ReserveTokens(ctx, now.UTC().Format(dayLayout), guild, tokens, now, now.Add(reservationTTL),
			func(usedAll, reservedAll, usedGuild, reservedGuild int) bool {
				verdict, verr = b.judge(now, guild, tokens, usedAll, reservedAll, usedGuild, reservedGuild)
				return verdict == fitsNow
			})
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("llm: gave up waiting for token budget: %w", ctx.Err())
			}
			b.log.Warn("llm: cannot reserve tokens; not enforcing the budgets for this call", slog.String("error", err.Error()))
			return nil, nil
		}
		switch verdict {
		case fitsNow:
			return &reservation{guild: guild, tokens: tokens, id: id}, nil
		case fitsNever:
			return nil, verr
		}
		b.mu.Lock()
		freed := b.freed
		b.mu.Unlock()
		if b.onWait != nil {
			b.onWait()
		}
		t := time.NewTimer(sharedPoll)
		select {
		case <-freed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("llm: gave up waiting for token budget held by calls in flight: %w", ctx.Err())
		}
		t.Stop()
	}
}

// fits checks a call of tokens against both budgets with the reservations
// of this process; b.mu is held. The error is set with fitsNever. A budget
// whose usage cannot be read is not enforced (logged).
func (b *budget) fits(ctx context.Context, guild string, tokens int) (fit, error) {
	now := b.now()
	day := now.UTC().Format(dayLayout)
	usedAll, usedGuild := -1, -1
	if b.total > 0 {
		used, err := b.ledger.TokensUsedAll(ctx, day)
		if err != nil {
			b.log.Warn("llm: cannot read token usage; not enforcing the daily budget", slog.String("error", err.Error()))
		} else {
			usedAll = used
		}
	}
	if b.perGuild > 0 && guild != "" {
		used, err := b.ledger.TokensUsed(ctx, day, guild)
		if err != nil {
			b.log.Warn("llm: cannot read token usage; not enforcing the guild budget",
				slog.String("guild", guild), slog.String("error", err.Error()))
		} else {
			usedGuild = used
		}
	}
	return b.judge(now, guild, tokens, usedAll, b.resTotal, usedGuild, b.resGuild[guild])
}

// judge says how a call of tokens for guild stands against both budgets,
// given what is used and reserved; a negative used means unknown, and that
// budget is not checked. The error is set with fitsNever.
func (b *budget) judge(now time.Time, guild string, tokens, usedAll, reservedAll, usedGuild, reservedGuild int) (fit, error) {
	now = now.UTC()
	y, m, d := now.Date()
	resetIn := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC).Sub(now).Round(time.Minute)

	verdict := fitsNow
	check := func(limit, used, reserved int, whose string) error {
		switch {
		case used >= limit:
			return fmt.Errorf("%w: %s daily budget of %d tokens is used up (%d used); it resets at 00:00 UTC, in %s",
				ErrBudgetExhausted, whose, limit, used, resetIn)
		case tokens > limit:
			return fmt.Errorf("%w: this request may need up to %d tokens, more than %s whole daily budget of %d",
				ErrBudgetExhausted, tokens, whose, limit)
		case used+tokens > limit:
			return fmt.Errorf("%w: %d tokens are left of %s daily budget of %d, and this request may need up to %d; it resets at 00:00 UTC, in %s",
				ErrBudgetExhausted, limit-used, whose, limit, tokens, resetIn)
		case used+reserved+tokens > limit:
			verdict = fitsLater
		}
		return nil
	}
	if b.total > 0 && usedAll >= 0 {
		if err := check(b.total, usedAll, reservedAll, "the"); err != nil {
			return fitsNever, err
		}
	}
	if b.perGuild > 0 && guild != "" && usedGuild >= 0 {
		if err := check(b.perGuild, usedGuild, reservedGuild, "this server's"); err != nil {
			return fitsNever, err
		}
	}
	return verdict, nil
}

// release frees a reservation and wakes the callers waiting for room. It is
// called after the tokens spent are in the ledger.
func (b *budget) release(ctx context.Context, r *reservation) {
	if r == nil {
		return
	}
	if r.id != "" {
		// Outlives a caller that has just given up, so the tokens are not
		// held until the reservation expires.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := b.shared.ReleaseTokens(ctx, r.id); err != nil {
			b.log.Warn("llm: cannot release reserved tokens; they count until the reservation expires",
				slog.Duration("expires_in", reservationTTL), slog.String("error", err.Error()))
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.id == "" {
		b.resTotal -= r.tokens
		if b.resGuild[r.guild] -= r.tokens; b.resGuild[r.guild] <= 0 {
			delete(b.resGuild, r.guild)
		}
	}
	close(b.freed)
	b.freed = make(chan struct{})
}

// settle records what one call spent, if it spent anything, and then frees
// its reservation. The order matters: a caller reserving in between sees the
// tokens twice (safe), never not at all.
func (c *Client) settle(ctx context.Context, r *reservation, guild string, spent *Usage) {
	if spent != nil {
		if r != nil && spent.Total() > r.tokens {
			c.log.Warn("llm: a call used more tokens than it reserved",
				slog.Int("reserved", r.tokens), slog.Int("used", spent.Total()))
		}
		c.recordUsage(ctx, guild, *spent)
	}
	c.budget.release(ctx, r)
}

// worstCase is the most tokens req can cost: its prompt counted at three
// bytes a token, plus the framing chat templates add to each message, plus
// the schema sent with it, plus the answer cap. Three bytes a token is
// generous for prose in any script (English runs near four characters a
// token; Cyrillic, Arabic and CJK take two or three bytes a character). It
// is not a proof: text made of one-byte tokens, such as digits apart,
// counts more, and settle logs a call that used more than it reserved.
// Counting one token a byte would be, and would reserve four times what
// prose costs, starving concurrent calls near the end of a budget.
func worstCase(req Request) int {
	const perMessage, perRequest = 8, 16
	n := perRequest + req.MaxTokens
	for _, m := range req.Messages {
		n += (len(m.Content)+2)/3 + perMessage
	}
	if req.Schema != nil {
		n += (len(req.Schema.JSON) + 2) / 3
	}
	return n
}

// recordUsage adds one call to the ledger. It outlives a caller that has
// just given up, for a few seconds, so spent tokens are not lost.
func (c *Client) recordUsage(ctx context.Context, guild string, u Usage) {
	if c.ledger == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	day := c.now().UTC().Format(dayLayout)
	if err := c.ledger.AddUsage(ctx, day, guild, 1, u.PromptTokens, u.CompletionTokens); err != nil {
		c.log.Warn("llm: cannot record token usage", slog.String("guild", guild), slog.String("error", err.Error()))
	}
}
