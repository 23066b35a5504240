package store

import (
	"context"
	"fmt"
	"time"
)

// DayFormat is the layout of the day keys of token usage: a UTC date.
const DayFormat = "2006-01-02"

// UsageRow is the token usage of one guild on one day.
type UsageRow struct {
	Day              string // DayFormat, UTC
	Guild            string // "" for the command line
	Calls            int
	PromptTokens     int
	CompletionTokens int
}

const (
	addUsageSQL = `INSERT INTO usage
		(day, guild, calls, prompt_tokens, completion_tokens) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, guild) DO UPDATE SET
			calls = usage.calls + excluded.calls,
			prompt_tokens = usage.prompt_tokens + excluded.prompt_tokens,
			completion_tokens = usage.completion_tokens + excluded.completion_tokens`
	tokensUsedSQL = `SELECT coalesce(sum(prompt_tokens + completion_tokens), 0)
		FROM usage WHERE day = ? AND guild = ?`
	tokensUsedAllSQL = `SELECT coalesce(sum(prompt_tokens + completion_tokens), 0)
		FROM usage WHERE day = ?`
)

// AddUsage adds calls and tokens to the totals of guild on day (DayFormat,
// UTC; guild "" for the command line).
func (s *Store) AddUsage(ctx context.Context, day, guild string, calls, promptTokens, completionTokens int) error {
	if _, err := time.Parse(DayFormat, day); err != nil {
		return fmt.Errorf("store: cannot add usage: bad day %q: %w", day, err)
	}
	_, err := s.stmts.addUsage.ExecContext(ctx, day, guild, calls, promptTokens, completionTokens)
	if err != nil {
		return fmt.Errorf("store: cannot add usage: %w", err)
	}
	return nil
}

// TokensUsed returns the prompt and completion tokens guild used on day.
func (s *Store) TokensUsed(ctx context.Context, day, guild string) (int, error) {
	var n int
	err := s.stmts.tokensUsed.QueryRowContext(ctx, day, guild).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: cannot read usage: %w", err)
	}
	return n, nil
}

// TokensUsedAll returns the prompt and completion tokens used on day by all
// guilds and the command line together.
func (s *Store) TokensUsedAll(ctx context.Context, day string) (int, error) {
	var n int
	err := s.stmts.tokensUsedAll.QueryRowContext(ctx, day).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: cannot read usage: %w", err)
	}
	return n, nil
}

// Usage returns the usage rows of since (DayFormat) and later days, ordered by
// day then guild. An empty since returns every row.
func (s *Store) Usage(ctx context.Context, since string) ([]UsageRow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT day, guild, calls, prompt_tokens, completion_tokens
		FROM usage WHERE day >= ? ORDER BY day, guild`, since)
	if err != nil {
		return nil, fmt.Errorf("store: cannot read usage: %w", err)
	}
	defer rows.Close()
	var out []UsageRow
	for rows.Next() {
		var r UsageRow
		if err := rows.Scan(&r.Day, &r.Guild, &r.Calls, &r.PromptTokens, &r.CompletionTokens); err != nil {
			return nil, fmt.Errorf("store: cannot read usage: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot read usage: %w", err)
	}
	return out, nil
}
