package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

// pgIndex is the search index of a process whose store is on PostgreSQL:
// a SQLite store holding a copy of the documents, searched exactly as the
// SQLite store searches its own (FTS5 candidates, BM25F ranking). The
// ranking was measured both ways before choosing this over PostgreSQL's
// own full-text search (BENCHMARKS.md, "PostgreSQL as the store"): the copy
// ranks as well as SQLite because it is SQLite.
//
// It follows the shared documents table through its change numbers (see
// pgMigrations): before each search, one query reads the highest number;
// when it is above the last one applied, the rows changed and deleted since
// are copied over in one local transaction. A replica thus sees a document
// in its searches as soon as the write that stored it has committed.
type pgIndex struct {
	local *Store
	// temp is the folder made for local when no folder was given, removed
	// at close.
	temp string

	mu    sync.Mutex   // one catch-up at a time
	seen  atomic.Int64 // the highest change number applied
	epoch string       // the PostgreSQL database's name (documentsEpoch)
	// copied counts the rows copied or deleted since open: what a restart
	// with the index folder saves is visible in it.
	copied atomic.Int64
}

// Local meta keys of the index: the database it copies, and the highest
// change number applied.
const (
	metaIndexEpoch = "pg_index_epoch"
	metaIndexSeen  = "pg_index_seen"
)

// openIndex opens the SQLite index in dir (a new temporary folder when
// dir is ""). An index built from another database than epoch is emptied.
func openIndex(ctx context.Context, dir, epoch string) (*pgIndex, error) {
	ix := &pgIndex{epoch: epoch}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "geobrief-index-")
		if err != nil {
			return nil, fmt.Errorf("store: cannot make a folder for the search index: %w", err)
		}
		dir, ix.temp = tmp, tmp
	}
	local, err := Open(ctx, dir)
	if err != nil {
		ix.removeTemp()
		return nil, fmt.Errorf("store: search index: %w", err)
	}
	ix.local = local
	if err := ix.load(ctx); err != nil {
		ix.close()
		return nil, fmt.Errorf("store: search index: %w", err)
	}
	return ix, nil
}

// load reads how far the index got, or empties it when it copies another
// database.
func (ix *pgIndex) load(ctx context.Context) error {
	epoch, _, err := ix.local.Meta(ctx, metaIndexEpoch)
	if err != nil {
		return err
	}
	if epoch == ix.epoch {
		v, _, err := ix.local.Meta(ctx, metaIndexSeen)
		if err != nil {
			return err
		}
		seen, _ := strconv.ParseInt(v, 10, 64)
		ix.seen.Store(seen)
		return nil
	}
	defer ix.local.dfs.invalidate()
	return ix.local.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM documents`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, metaIndexSeen); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaIndexEpoch, ix.epoch)
		return err
	})
}

func (ix *pgIndex) close() error {
	err := ix.local.Close()
	ix.removeTemp()
	return err
}

func (ix *pgIndex) removeTemp() {
	if ix.temp != "" {
		_ = os.RemoveAll(ix.temp)
	}
}

// changesTopSQL is the highest change number committed: of the rows, of
// the deletions, and of the deletions trimmed from the log (which may have
// been the latest changes; see trimDeletions). ?1 is metaDeletedHorizon.
const changesTopSQL = `SELECT greatest(
	coalesce((SELECT max(seq) FROM documents), 0),
	coalesce((SELECT max(seq) FROM documents_deleted), 0),
	coalesce((SELECT value::bigint FROM meta WHERE key = ?1), 0))`

// catchUp copies the changes committed on pg since the last call into the
// index and returns the index's store.
func (ix *pgIndex) catchUp(ctx context.Context, pg *sqlDB) (*Store, error) {
	var top int64
	if err := pg.QueryRowContext(ctx, changesTopSQL, metaDeletedHorizon).Scan(&top); err != nil {
		return nil, fmt.Errorf("store: cannot check the documents for changes: %w", err)
	}
	if top <= ix.seen.Load() {
		return ix.local, nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	seen := ix.seen.Load()
	if top <= seen {
		return ix.local, nil // another search caught up meanwhile
	}
	before := ix.copied.Load()
	if err := ix.copyChanges(ctx, pg, seen, top); err != nil {
		return nil, fmt.Errorf("store: cannot update the search index: %w", err)
	}
	ix.seen.Store(top)
	// As after a large seed sync (SyncDocuments): a first copy of the
	// whole corpus leaves a WAL file its size until checkpointed.
	if ix.copied.Load()-before >= 1000 {
		if _, err := ix.local.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return nil, fmt.Errorf("store: cannot checkpoint the search index: %w", err)
		}
	}
	return ix.local, nil
}

// copyChanges applies the changes numbered in (from, to]: the deletions
// first, then the rows as they are now, oldest change first (so that the
// local rowids follow the order of the shared ones). A document deleted
// and stored again has its deletion, then its new row applied. When the
// log no longer holds every deletion after from (trimDeletions), the index
// is emptied and every row copied instead.
func (ix *pgIndex) copyChanges(ctx context.Context, pg *sqlDB, from, to int64) error {
	defer ix.local.dfs.invalidate()
	// The deletions, then the horizon: a trim committed after the first
	// read shows in the second, so none can be missed unnoticed.
	var deleted []string
	rows, err := pg.QueryContext(ctx, `SELECT id FROM documents_deleted
		WHERE seq > ? AND seq <= ? ORDER BY seq`, from, to)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		deleted = append(deleted, id)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var horizon string
	err = pg.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaDeletedHorizon).Scan(&horizon)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	rebuild := false
	if h, _ := strconv.ParseInt(horizon, 10, 64); from < h {
		rebuild, from, deleted = true, 0, nil
	}

	return ix.local.inTx(ctx, func(tx *sqlTx) error {
		if rebuild {
			if _, err := tx.ExecContext(ctx, `DELETE FROM documents`); err != nil {
				return err
			}
		}
		if len(deleted) > 0 {
			del, err := tx.PrepareContext(ctx, `DELETE FROM documents WHERE id = ?`)
			if err != nil {
				return err
			}
			defer del.Close()
			for _, id := range deleted {
				if _, err := del.ExecContext(ctx, id); err != nil {
					return err
				}
				ix.copied.Add(1)
			}
		}

		rows, err := pg.QueryContext(ctx, `SELECT `+documentColumns+`, origin FROM documents
			WHERE seq > ? AND seq <= ? ORDER BY seq`, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		put, err := tx.PrepareContext(ctx, `INSERT INTO documents (`+documentColumns+`, origin)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET title = excluded.title, source = excluded.source,
				url = excluded.url, language = excluded.language, tags = excluded.tags,
				published = excluded.published, added = excluded.added, hash = excluded.hash,
				body = excluded.body, origin = excluded.origin`)
		if err != nil {
			return err
		}
		defer put.Close()
		for rows.Next() {
			var (
				id, title, source, u, lang, tags, hash, body, origin string
				published                                            sql.NullInt64
				added                                                int64
			)
			if err := rows.Scan(&id, &title, &source, &u, &lang, &tags, &published, &added, &hash, &body, &origin); err != nil {
				return err
			}
			if _, err := put.ExecContext(ctx, id, title, source, u, lang, tags, published, added, hash, body, origin); err != nil {
				return fmt.Errorf("copy %q: %w", id, err)
			}
			ix.copied.Add(1)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaIndexSeen, strconv.FormatInt(to, 10))
		return err
	})
}

// searcher returns the store whose tables Search, Autocomplete and Recent
// read: the store itself on SQLite, its caught-up index on PostgreSQL.
func (s *Store) searcher(ctx context.Context) (*Store, error) {
	if s.index == nil {
		return s, nil
	}
	return s.index.catchUp(ctx, s.read)
}
