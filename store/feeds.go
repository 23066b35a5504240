package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Feed is a news feed the operator added, with its health.
type Feed struct {
	// Key is the feed's canonical URL: two spellings of one feed are one
	// feed. URL is the URL as written, which is what is fetched.
	Key   string
	URL   string
	Title string
	Added time.Time

	ETag         string
	LastModified string
	LastPolled   time.Time // zero until the first poll
	LastStatus   string    // "200", "304", or the last error in one line
	Failures     int       // consecutive failed polls
	NextPoll     time.Time
	// Scheduled is false until the poller has saved a state for the feed
	// (its first poll time).
	Scheduled bool

	// Documents counts the web documents first stored from this feed (Feeds
	// only).
	Documents int
}

// AddFeed adds a feed; false when a feed with the same Key is there
// already (it is left as it was).
func (s *Store) AddFeed(ctx context.Context, f Feed) (bool, error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO feeds (key, url, title, added) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, f.Key, f.URL, f.Title, f.Added.UnixNano())
	if err != nil {
		return false, fmt.Errorf("store: cannot add feed %s: %w", f.URL, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveFeed removes the feed with this key; false when there was none. Its
// documents stay in the corpus until DOCS_MAX_AGE prunes them.
func (s *Store) RemoveFeed(ctx context.Context, key string) (bool, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM feeds WHERE key = ?`, key)
	if err != nil {
		return false, fmt.Errorf("store: cannot remove feed %s: %w", key, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

const feedColumns = `key, url, title, added, etag, last_modified, last_polled, last_status, failures, next_poll, scheduled`

func scanFeed(r rowScanner, extra ...any) (Feed, error) {
	var (
		f                  Feed
		added              int64
		lastPolled, nextAt sql.NullInt64
	)
	dest := append([]any{&f.Key, &f.URL, &f.Title, &added, &f.ETag, &f.LastModified, &lastPolled,
		&f.LastStatus, &f.Failures, &nextAt, &f.Scheduled}, extra...)
	if err := r.Scan(dest...); err != nil {
		return Feed{}, err
	}
	f.Added = time.Unix(0, added).UTC()
	f.LastPolled = fromNanos(lastPolled)
	f.NextPoll = fromNanos(nextAt)
	return f, nil
}

// Feeds lists the feeds in the order they were added, each with the number
// of documents it brought.
func (s *Store) Feeds(ctx context.Context) ([]Feed, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+feedColumns+`,
		(SELECT count(*) FROM web_documents w WHERE w.feed = feeds.url)
		FROM feeds ORDER BY added, rowid`)
	if err != nil {
		return nil, fmt.Errorf("store: cannot list feeds: %w", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		var docs int
		f, err := scanFeed(rows, &docs)
		if err != nil {
			return nil, fmt.Errorf("store: cannot list feeds: %w", err)
		}
		f.Documents = docs
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot list feeds: %w", err)
	}
	return out, nil
}

// FeedByURL returns the feed fetched from url (as written); ok is false when
// there is none.
func (s *Store) FeedByURL(ctx context.Context, url string) (f Feed, ok bool, err error) {
	f, err = scanFeed(s.read.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE url = ?`, url))
	if errors.Is(err, sql.ErrNoRows) {
		return Feed{}, false, nil
	}
	if err != nil {
		return Feed{}, false, fmt.Errorf("store: cannot read feed %s: %w", url, err)
	}
	return f, true, nil
}

// SaveFeedState records a poll of the feed fetched from f.URL: its
// validators, health and next poll. A feed removed meanwhile stays removed.
func (s *Store) SaveFeedState(ctx context.Context, f Feed) error {
	_, err := s.write.ExecContext(ctx, `UPDATE feeds SET etag = ?, last_modified = ?, last_polled = ?,
		last_status = ?, failures = ?, next_poll = ?, scheduled = 1 WHERE url = ?`,
		f.ETag, f.LastModified, nullableTime(f.LastPolled), f.LastStatus, f.Failures,
		nullableTime(f.NextPoll), f.URL)
	if err != nil {
		return fmt.Errorf("store: cannot save the state of feed %s: %w", f.URL, err)
	}
	return nil
}

// Meta returns a named value; ok is false when it was never set.
func (s *Store) Meta(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: cannot read %s: %w", key, err)
	}
	return value, true, nil
}

// SetMeta sets a named value.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: cannot save %s: %w", key, err)
	}
	return nil
}
