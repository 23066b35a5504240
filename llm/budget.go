package llm

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

const dayLayout = "2006-01-02"

// checkBudget refuses a call when today's tokens, overall or for the guild,
// have reached their budget. If the ledger cannot be read the call goes
// ahead (logged): a store hiccup should not silence the bot.
func (c *Client) checkBudget(ctx context.Context, guild string) error {
	if c.ledger == nil || (c.cfg.DailyTokenBudget <= 0 && c.cfg.GuildDailyTokenBudget <= 0) {
		return nil
	}
	now := c.now().UTC()
	day := now.Format(dayLayout)
	y, m, d := now.Date()
	resetIn := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC).Sub(now).Round(time.Minute)

	if c.cfg.DailyTokenBudget > 0 {
		used, err := c.ledger.TokensUsedAll(ctx, day)
		switch {
		case err != nil:
			c.log.Warn("llm: cannot read token usage; not enforcing the daily budget", slog.String("error", err.Error()))
		case used >= c.cfg.DailyTokenBudget:
			return fmt.Errorf("%w: the daily budget of %d tokens is used up (%d used); it resets at 00:00 UTC, in %s",
				ErrBudgetExhausted, c.cfg.DailyTokenBudget, used, resetIn)
		}
	}
	if c.cfg.GuildDailyTokenBudget > 0 && guild != "" {
		used, err := c.ledger.TokensUsed(ctx, day, guild)
		switch {
		case err != nil:
			c.log.Warn("llm: cannot read token usage; not enforcing the guild budget",
				slog.String("guild", guild), slog.String("error", err.Error()))
		case used >= c.cfg.GuildDailyTokenBudget:
			return fmt.Errorf("%w: this server's daily budget of %d tokens is used up (%d used); it resets at 00:00 UTC, in %s",
				ErrBudgetExhausted, c.cfg.GuildDailyTokenBudget, used, resetIn)
		}
	}
	return nil
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
