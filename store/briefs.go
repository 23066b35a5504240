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

// GetBrief returns the cached brief stored under key, or an error wrapping
// ErrNotFound.
func (s *Store) GetBrief(ctx context.Context, key string) ([]byte, error) {
	var data []byte
	err := s.stmts.getBrief.QueryRowContext(ctx, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: brief %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: cannot read brief %q: %w", key, err)
	}
	return data, nil
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
