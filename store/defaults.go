package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DefaultSchedule is the schedule the environment set: its channel and the
// created time of the schedule it saved.
type DefaultSchedule struct {
	ChannelID string
	Created   time.Time
}

// SetDefaultSchedule records the schedule the environment set, replacing
// the record of any earlier one.
func (s *Store) SetDefaultSchedule(ctx context.Context, d DefaultSchedule) error {
	err := s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM default_schedule`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO default_schedule (channel_id, created) VALUES (?, ?)`, d.ChannelID, d.Created.UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: cannot record the default schedule of channel %s: %w", d.ChannelID, err)
	}
	return nil
}

// GetDefaultSchedule returns the schedule the environment set last; false
// when there is none.
func (s *Store) GetDefaultSchedule(ctx context.Context) (DefaultSchedule, bool, error) {
	var d DefaultSchedule
	var created int64
	err := s.read.QueryRowContext(ctx, `SELECT channel_id, created FROM default_schedule LIMIT 1`).Scan(&d.ChannelID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSchedule{}, false, nil
	}
	if err != nil {
		return DefaultSchedule{}, false, fmt.Errorf("store: cannot read the default schedule: %w", err)
	}
	d.Created = time.Unix(0, created).UTC()
	return d, true, nil
}

// RemoveDefaultSchedule deletes the schedule the environment set, unless it
// was replaced since (its created time differs), and forgets it. It
// reports whether a schedule was deleted.
func (s *Store) RemoveDefaultSchedule(ctx context.Context) (bool, error) {
	deleted := false
	err := s.inTx(ctx, func(tx *sqlTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM digest_schedules WHERE (channel_id, created) IN
			(SELECT channel_id, created FROM default_schedule)`)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		deleted = n > 0
		_, err = tx.ExecContext(ctx, `DELETE FROM default_schedule`)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: cannot remove the default schedule: %w", err)
	}
	return deleted, nil
}
