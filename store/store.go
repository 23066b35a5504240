// Package store is the bot's embedded SQLite database: the documents of the
// corpus (seed documents and documents from the web) with their full-text
// index, the news feeds with their health, the cache of generated briefs,
// the token usage accounting and the digests.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// FileName is the name of the database file inside the directory given to Open.
const FileName = "geobrief.db"

// Store is the bot's database. It is safe for concurrent use.
//
// Reads go through a pool of connections (WAL lets them run while a write is
// in progress); writes go through a single connection, so writers queue in Go
// instead of spinning on SQLITE_BUSY.
type Store struct {
	read  *sql.DB
	write *sql.DB
	stmts statements
	// dfs caches document frequencies for Search between writes.
	dfs dfCache
}

// Open creates dir if needed, opens dir/geobrief.db and brings its schema up
// to date.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: cannot create directory: %w", err)
	}
	path := filepath.Join(dir, FileName)

	write, err := openPool(path, "immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	// The first connection switches the file to WAL and migrates it before any
	// reader opens it.
	if err := migrate(ctx, write); err != nil {
		write.Close()
		return nil, err
	}

	read, err := openPool(path, "deferred")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	read.SetConnMaxIdleTime(0)
	read.SetConnMaxLifetime(0)
	if err := read.PingContext(ctx); err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("store: cannot open %s: %w", path, err)
	}
	s := &Store{read: read, write: write}
	if err := s.stmts.prepare(ctx, read, write); err != nil {
		read.Close()
		write.Close()
		return nil, err
	}
	return s, nil
}

// openPool opens a connection pool on path with the pragmas every connection
// needs. txlock is the BEGIN mode of transactions started on the pool.
func openPool(path, txlock string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "1")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", txlock)
	// Without a limit the WAL file keeps the size of the largest transaction
	// (a first sync of 100,000 documents: about 500 MB) after checkpoints.
	q.Add("_pragma", "journal_size_limit(67108864)")
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: cannot open %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database. Calls in progress may fail afterwards.
func (s *Store) Close() error {
	err := errors.Join(s.stmts.close(), s.read.Close(), s.write.Close())
	if err != nil {
		return fmt.Errorf("store: cannot close: %w", err)
	}
	return nil
}

// inTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
