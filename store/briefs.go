package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const (
	getBriefSQL = `SELECT data FROM briefs WHERE key = ?`
	putBriefSQL = `INSERT INTO briefs (key, doc_id, data, updated)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET doc_id = excluded.doc_id, data = excluded.data,
			updated = excluded.updated`
)

// GetBrief returns the cached brief stored under key. A miss is not an
// error: found is false, so callers (the summarizer's Cache) need not know
// this package's error values.
func (s *Store) GetBrief(ctx context.Context, key string) (data []byte, found bool, err error) {
	err = s.stmts.getBrief.QueryRowContext(ctx, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: cannot read brief %q: %w", key, err)
	}
	return data, true, nil
}

// PutBrief stores data under key, replacing any brief already there. docID
// names the document the brief summarizes: the brief is dropped when that
// document changes or leaves the corpus.
func (s *Store) PutBrief(ctx context.Context, key, docID string, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	_, err := s.stmts.putBrief.ExecContext(ctx, key, docID, data, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("store: cannot save brief %q: %w", key, err)
	}
	return nil
}
