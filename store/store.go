// Package store is the bot's database: the documents of the corpus (seed
// documents and documents from the web) with their full-text index, the
// news feeds with their health, the cache of generated briefs, the token
// usage accounting and the digests.
//
// It runs on an embedded SQLite file (Open, the zero-setup default) or on a
// PostgreSQL server shared by several replicas (OpenPostgres). Both run the
// same code and the same SQL, written with `?` placeholders (see dialect.go);
// the few statements that differ pick their text by dialect.
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
//
// On PostgreSQL, read and write are one pool (the server handles concurrent
// writers), and search runs on index, a SQLite copy of the documents kept
// by this process (see index.go).
type Store struct {
	dialect dialect
	read    *sqlDB
	write   *sqlDB
	stmts   statements
	// index serves Search, Autocomplete and Recent on PostgreSQL; nil on
	// SQLite, where the store searches its own tables.
	index *pgIndex
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
	if err := migrate(ctx, sqlite, write, migrations); err != nil {
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
	s := &Store{dialect: sqlite, read: &sqlDB{DB: read, dialect: sqlite}, write: &sqlDB{DB: write, dialect: sqlite}}
	if err := s.stmts.prepare(ctx, s.read, s.write, true); err != nil {
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
	errs := []error{s.stmts.close(), s.read.Close()}
	if s.write != s.read {
		errs = append(errs, s.write.Close())
	}
	if s.index != nil {
		errs = append(errs, s.index.close())
	}
	err := errors.Join(errs...)
	if err != nil {
		return fmt.Errorf("store: cannot close: %w", err)
	}
	return nil
}

// inTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlTx) error) error {
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
