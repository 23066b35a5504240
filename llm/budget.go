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
// Reservations live in this process; spent tokens live in the ledger (the
// store), which survives restarts and is shared with `geobrief usage`.
type budget struct {
	ledger   Ledger
	total    int // overall tokens a UTC day; 0: no cap
	perGuild int // tokens a UTC day for each guild; 0: no cap
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

func newBudget(ledger Ledger, total, perGuild int, now func() time.Time, log *slog.Logger) *budget {
	return &budget{
		ledger: ledger, total: total, perGuild: perGuild, now: now, log: log,
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

// fits checks a call of tokens against both budgets; b.mu is held. The
// error is set with fitsNever.
func (b *budget) fits(ctx context.Context, guild string, tokens int) (fit, error) {
	now := b.now().UTC()
	day := now.Format(dayLayout)
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

	if b.total > 0 {
		used, err := b.ledger.TokensUsedAll(ctx, day)
		if err != nil {
			b.log.Warn("llm: cannot read token usage; not enforcing the daily budget", slog.String("error", err.Error()))
		} else if err := check(b.total, used, b.resTotal, "the"); err != nil {
			return fitsNever, err
		}
	}
	if b.perGuild > 0 && guild != "" {
		used, err := b.ledger.TokensUsed(ctx, day, guild)
		if err != nil {
			b.log.Warn("llm: cannot read token usage; not enforcing the guild budget",
				slog.String("guild", guild), slog.String("error", err.Error()))
		} else if err := check(b.perGuild, used, b.resGuild[guild], "this server's"); err != nil {
			return fitsNever, err
		}
	}
	return verdict, nil
}

// release frees a reservation and wakes the callers waiting for room. It is
// called after the tokens spent are in the ledger.
func (b *budget) release(r *reservation) {
	if r == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.resTotal -= r.tokens
	if b.resGuild[r.guild] -= r.tokens; b.resGuild[r.guild] <= 0 {
		delete(b.resGuild, r.guild)
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
	c.budget.release(r)
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
