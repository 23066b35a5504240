package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ScheduleRow is a channel's digest schedule.
type ScheduleRow struct {
	ChannelID string
	GuildID   string
	Times     string // "08:00,18:00"
	Zone      string // IANA name
	Paused    string // why posting stopped; "" when active
	Created   time.Time
}

// PutSchedule creates or replaces the schedule of a channel; a replaced
// schedule is active again.
func (s *Store) PutSchedule(ctx context.Context, r ScheduleRow) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO digest_schedules (channel_id, guild_id, times, zone, paused, created)
		VALUES (?, ?, ?, ?, '', ?)
		ON CONFLICT (channel_id) DO UPDATE SET guild_id = excluded.guild_id, times = excluded.times,
			zone = excluded.zone, paused = '', created = excluded.created`,
		r.ChannelID, r.GuildID, r.Times, r.Zone, r.Created.UnixNano())
	if err != nil {
		return fmt.Errorf("store: cannot save the schedule of channel %s: %w", r.ChannelID, err)
	}
	return nil
}

// DeleteSchedule removes a channel's schedule; false when it had none.
func (s *Store) DeleteSchedule(ctx context.Context, channelID string) (bool, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM digest_schedules WHERE channel_id = ?`, channelID)
	if err != nil {
		return false, fmt.Errorf("store: cannot delete the schedule of channel %s: %w", channelID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// PauseSchedule stops a schedule, keeping why for /digest-schedule show.
func (s *Store) PauseSchedule(ctx context.Context, channelID, reason string) error {
	_, err := s.write.ExecContext(ctx, `UPDATE digest_schedules SET paused = ? WHERE channel_id = ?`, reason, channelID)
	if err != nil {
		return fmt.Errorf("store: cannot pause the schedule of channel %s: %w", channelID, err)
	}
	return nil
}

// Schedules lists the schedules of a guild, or of every guild when guildID
// is empty, by channel.
func (s *Store) Schedules(ctx context.Context, guildID string) ([]ScheduleRow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT channel_id, guild_id, times, zone, paused, created
		FROM digest_schedules WHERE ? = '' OR guild_id = ? ORDER BY channel_id`, guildID, guildID)
	if err != nil {
		return nil, fmt.Errorf("store: cannot list schedules: %w", err)
	}
	defer rows.Close()
	var out []ScheduleRow
	for rows.Next() {
		var r ScheduleRow
		var created int64
		if err := rows.Scan(&r.ChannelID, &r.GuildID, &r.Times, &r.Zone, &r.Paused, &created); err != nil {
			return nil, fmt.Errorf("store: cannot list schedules: %w", err)
		}
		r.Created = time.Unix(0, created).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot list schedules: %w", err)
	}
	return out, nil
}

// Edition statuses.
const (
	EditionClaimed = "claimed" // messages decided, not all posted yet
	EditionPosted  = "posted"
	EditionMissed  = "missed" // the bot was down past the catch-up window
	EditionFailed  = "failed" // the channel is gone or closed to the bot
)

// EditionRow is one scheduled digest and the messages it consists of.
type EditionRow struct {
	Key       string
	ChannelID string
	DueAt     time.Time
	Status    string
	Reason    string
	Parts     []EditionPart
	// Updated is when the edition was claimed (for a claimed one); the
	// caller's clock when ClaimEdition got it, else the time of the claim.
	Updated time.Time
	// Owner is the replica posting a claimed edition, until LeaseUntil;
	// after that another replica may take it over (TakeOverEdition).
	// Editions claimed before leases existed have no owner and an expired
	// lease.
	Owner      string
	LeaseUntil time.Time
}

// EditionPart is one message of an edition. MessageID is empty until
// Discord has acknowledged it.
type EditionPart struct {
	Index     int
	Nonce     string
	Content   string
	MessageID string
}

// SentDoc is a document a channel got, with the content hash it had then.
type SentDoc struct{ DocID, Hash string }

// EditionStatus returns the status of an edition, "" when it has no row.
func (s *Store) EditionStatus(ctx context.Context, key string) (string, error) {
	var status string
	err := s.read.QueryRowContext(ctx, `SELECT status FROM digest_editions WHERE key = ?`, key).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: cannot read edition %s: %w", key, err)
	}
	return status, nil
}

// ClaimEdition records that an edition will be posted with these messages
// and marks its documents as sent to the channel, in one transaction. It
// returns false, changing nothing, when the edition already has a row: only
// one claim can ever win. The claim belongs to e.Owner until e.LeaseUntil.
// An edition with no messages (an empty digest that is skipped) is posted
// as soon as it is claimed.
func (s *Store) ClaimEdition(ctx context.Context, e EditionRow, sent []SentDoc) (bool, error) {
	claimed := false
	at := e.Updated
	if at.IsZero() {
		at = time.Now()
	}
	status := EditionClaimed
	if len(e.Parts) == 0 {
		status = EditionPosted
	}
	err := s.inTx(ctx, func(tx *sqlTx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO digest_editions (key, channel_id, due_at, status, updated, owner, lease_until)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			e.Key, e.ChannelID, e.DueAt.UnixNano(), status, at.UnixNano(), e.Owner, leaseNanos(e.LeaseUntil))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		claimed = true
		for _, p := range e.Parts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO digest_parts (edition_key, idx, nonce, content) VALUES (?, ?, ?, ?)`,
				e.Key, p.Index, p.Nonce, p.Content); err != nil {
				return err
			}
		}
		for _, d := range sent {
			if _, err := tx.ExecContext(ctx, `INSERT INTO digest_sent (channel_id, doc_id, hash, edition_key) VALUES (?, ?, ?, ?)
				ON CONFLICT (channel_id, doc_id) DO UPDATE SET hash = excluded.hash, edition_key = excluded.edition_key`,
				e.ChannelID, d.DocID, d.Hash, e.Key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: cannot claim edition %s: %w", e.Key, err)
	}
	return claimed, nil
}

// MarkPartPosted records the Discord message of one part; when every part
// has one, the edition is posted.
func (s *Store) MarkPartPosted(ctx context.Context, key string, index int, messageID string) error {
	err := s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE digest_parts SET message_id = ? WHERE edition_key = ? AND idx = ?`,
			messageID, key, index); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE digest_editions SET status = 'posted', updated = ?
			WHERE key = ? AND status = 'claimed'
			AND NOT EXISTS (SELECT 1 FROM digest_parts WHERE edition_key = ? AND message_id = '')`,
			time.Now().UnixNano(), key, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: cannot record the post of edition %s: %w", key, err)
	}
	return nil
}

// UnfinishedEditions lists claimed editions not fully posted, oldest first,
// with their parts and who holds them: what a restart, or another replica
// once the lease has run out, must finish.
func (s *Store) UnfinishedEditions(ctx context.Context) ([]EditionRow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT key, channel_id, due_at, updated, owner, lease_until FROM digest_editions
		WHERE status = 'claimed' ORDER BY due_at`)
	if err != nil {
		return nil, fmt.Errorf("store: cannot list unfinished editions: %w", err)
	}
	var out []EditionRow
	for rows.Next() {
		e, err := scanClaimed(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: cannot list unfinished editions: %w", err)
		}
		out = append(out, e)
	}
	// Closed before the parts are read: each read takes a connection.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot list unfinished editions: %w", err)
	}
	for i := range out {
		if out[i].Parts, err = s.editionParts(ctx, out[i].Key); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanClaimed reads a claimed edition's row: key, channel_id, due_at,
// updated, owner, lease_until.
func scanClaimed(rows interface{ Scan(...any) error }) (EditionRow, error) {
	var e EditionRow
	var due, updated, lease int64
	if err := rows.Scan(&e.Key, &e.ChannelID, &due, &updated, &e.Owner, &lease); err != nil {
		return EditionRow{}, err
	}
	e.DueAt, e.Status, e.Updated = time.Unix(0, due).UTC(), EditionClaimed, time.Unix(0, updated).UTC()
	e.LeaseUntil = time.Unix(0, lease).UTC()
	return e, nil
}

// leaseNanos is a lease's end as stored: 0 (long past) for none.
func leaseNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// TakeOverEdition makes owner the holder of a claimed edition until until,
// when its lease ended by now or owner holds it already; ok is false when
// another replica's lease is still running or the edition is no longer
// claimed. The conditional update is the arbiter: of several replicas
// trying at once, exactly one wins. The row comes back with its parts read
// after the update, so parts the previous owner recorded meanwhile are not
// posted again.
func (s *Store) TakeOverEdition(ctx context.Context, key, owner string, now, until time.Time) (EditionRow, bool, error) {
	res, err := s.write.ExecContext(ctx, `UPDATE digest_editions SET owner = ?, lease_until = ?
		WHERE key = ? AND status = 'claimed' AND (owner = ? OR lease_until <= ?)`,
		owner, until.UnixNano(), key, owner, now.UnixNano())
	if err != nil {
		return EditionRow{}, false, fmt.Errorf("store: cannot take over edition %s: %w", key, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return EditionRow{}, false, err
	}
	// Read from the write connection: on SQLite it has the update for sure;
	// a reader could be a snapshot behind.
	e, err := scanClaimed(s.write.QueryRowContext(ctx, `SELECT key, channel_id, due_at, updated, owner, lease_until
		FROM digest_editions WHERE key = ?`, key))
	if err != nil {
		return EditionRow{}, false, fmt.Errorf("store: cannot read edition %s: %w", key, err)
	}
	if e.Parts, err = s.editionParts(ctx, key); err != nil {
		return EditionRow{}, false, err
	}
	return e, true, nil
}

// RenewEdition extends owner's lease on a claimed edition to until; false
// when owner no longer holds it (another replica took it over) or it is no
// longer claimed. A replica renews before each message it posts and stops
// posting when this says false.
func (s *Store) RenewEdition(ctx context.Context, key, owner string, until time.Time) (bool, error) {
	res, err := s.write.ExecContext(ctx, `UPDATE digest_editions SET lease_until = ?
		WHERE key = ? AND owner = ? AND status = 'claimed'`, until.UnixNano(), key, owner)
	if err != nil {
		return false, fmt.Errorf("store: cannot renew the lease on edition %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: cannot renew the lease on edition %s: %w", key, err)
	}
	return n == 1, nil
}

func (s *Store) editionParts(ctx context.Context, key string) ([]EditionPart, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT idx, nonce, content, message_id FROM digest_parts
		WHERE edition_key = ? ORDER BY idx`, key)
	if err != nil {
		return nil, fmt.Errorf("store: cannot read the parts of edition %s: %w", key, err)
	}
	defer rows.Close()
	var parts []EditionPart
	for rows.Next() {
		var p EditionPart
		if err := rows.Scan(&p.Index, &p.Nonce, &p.Content, &p.MessageID); err != nil {
			return nil, fmt.Errorf("store: cannot read the parts of edition %s: %w", key, err)
		}
		parts = append(parts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot read the parts of edition %s: %w", key, err)
	}
	return parts, nil
}

// RecordMissed notes an edition that came due while the bot was down for
// longer than the catch-up window. It never overwrites an existing row.
func (s *Store) RecordMissed(ctx context.Context, key, channelID string, due time.Time) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO digest_editions (key, channel_id, due_at, status, reason, updated)
		VALUES (?, ?, ?, 'missed', 'the bot was down at the scheduled time', ?) ON CONFLICT (key) DO NOTHING`,
		key, channelID, due.UnixNano(), time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("store: cannot record missed edition %s: %w", key, err)
	}
	return nil
}

// FailEdition gives up on a claimed edition. Its documents count as unsent
// again, so the channel's next digest carries them.
func (s *Store) FailEdition(ctx context.Context, key, reason string) error {
	err := s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE digest_editions SET status = 'failed', reason = ?, updated = ? WHERE key = ?`,
			reason, time.Now().UnixNano(), key); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM digest_sent WHERE edition_key = ?`, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: cannot fail edition %s: %w", key, err)
	}
	return nil
}

// SentDocs maps the documents a channel got to the hash they had then.
func (s *Store) SentDocs(ctx context.Context, channelID string) (map[string]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT doc_id, hash FROM digest_sent WHERE channel_id = ?`, channelID)
	if err != nil {
		return nil, fmt.Errorf("store: cannot read what channel %s was sent: %w", channelID, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, hash string
		if err := rows.Scan(&id, &hash); err != nil {
			return nil, fmt.Errorf("store: cannot read what channel %s was sent: %w", channelID, err)
		}
		out[id] = hash
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot read what channel %s was sent: %w", channelID, err)
	}
	return out, nil
}

// LastEditionAt is when the channel's latest claimed or posted edition was
// due; the next digest covers what came after it.
func (s *Store) LastEditionAt(ctx context.Context, channelID string) (time.Time, bool, error) {
	var due sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT max(due_at) FROM digest_editions
		WHERE channel_id = ? AND status IN ('claimed', 'posted')`, channelID).Scan(&due)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: cannot read the last digest of channel %s: %w", channelID, err)
	}
	if !due.Valid {
		return time.Time{}, false, nil
	}
	return time.Unix(0, due.Int64).UTC(), true, nil
}

// Editions lists a channel's most recent editions, newest first, for
// /digest-schedule show.
func (s *Store) Editions(ctx context.Context, channelID string, limit int) ([]EditionRow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT key, channel_id, due_at, status, reason FROM digest_editions
		WHERE channel_id = ? ORDER BY due_at DESC LIMIT ?`, channelID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: cannot list editions: %w", err)
	}
	defer rows.Close()
	var out []EditionRow
	for rows.Next() {
		var e EditionRow
		var due int64
		if err := rows.Scan(&e.Key, &e.ChannelID, &due, &e.Status, &e.Reason); err != nil {
			return nil, fmt.Errorf("store: cannot list editions: %w", err)
		}
		e.DueAt = time.Unix(0, due).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot list editions: %w", err)
	}
	return out, nil
}
