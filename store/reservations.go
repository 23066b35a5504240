package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"
)

// tokenTotalsSQL reads, for one day, the tokens used and the tokens
// reserved by calls in flight: overall, then for one guild.
const tokenTotalsSQL = `SELECT
	(SELECT CAST(coalesce(sum(prompt_tokens + completion_tokens), 0) AS BIGINT) FROM usage WHERE day = ?),
	(SELECT CAST(coalesce(sum(tokens), 0) AS BIGINT) FROM token_reservations WHERE day = ?),
	(SELECT CAST(coalesce(sum(prompt_tokens + completion_tokens), 0) AS BIGINT) FROM usage WHERE day = ? AND guild = ?),
	(SELECT CAST(coalesce(sum(tokens), 0) AS BIGINT) FROM token_reservations WHERE day = ? AND guild = ?)`

// ReserveTokens sets aside tokens for one LLM call of guild on day (UTC,
// DayFormat) until expires, when fits, given what the day has used and
// what calls in flight have reserved (overall and for guild), says they
// fit. id is the reservation, for ReleaseTokens; "" when fits said no.
//
// The check and the insert are one transaction that first updates the
// day's row in budget_locks. On PostgreSQL that row lock makes the
// reservations of every replica take turns, so each one sees all those
// before it and the budget holds in sum; SQLite's single writer does the
// same. Reservations that expired by now (their process died before
// releasing them) are dropped on the way.
func (s *Store) ReserveTokens(ctx context.Context, day, guild string, tokens int, now, expires time.Time,
	fits func(usedAll, reservedAll, usedGuild, reservedGuild int) bool) (id string, err error) {
	if _, err := time.Parse(DayFormat, day); err != nil {
		return "", fmt.Errorf("store: cannot reserve tokens: bad day %q: %w", day, err)
	}
	err = s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO budget_locks (day, n) VALUES (?, 1)
			ON CONFLICT (day) DO UPDATE SET n = budget_locks.n + 1`, day); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM token_reservations WHERE expires <= ?`, now.UnixNano()); err != nil {
			return err
		}
		var usedAll, resAll, usedGuild, resGuild int64
		if err := tx.QueryRowContext(ctx, tokenTotalsSQL, day, day, day, guild, day, guild).
			Scan(&usedAll, &resAll, &usedGuild, &resGuild); err != nil {
			return err
		}
		if !fits(int(usedAll), int(resAll), int(usedGuild), int(resGuild)) {
			return nil
		}
		id = rand.Text()
		_, err := tx.ExecContext(ctx, `INSERT INTO token_reservations (id, day, guild, tokens, expires) VALUES (?, ?, ?, ?, ?)`,
			id, day, guild, tokens, expires.UnixNano())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: cannot reserve tokens: %w", err)
	}
	return id, nil
}

// ReleaseTokens drops a reservation once its call's tokens are in the
// usage table (or it spent none).
func (s *Store) ReleaseTokens(ctx context.Context, id string) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM token_reservations WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: cannot release reserved tokens: %w", err)
	}
	return nil
}
