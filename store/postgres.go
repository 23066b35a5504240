package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// IsPostgresURL reports whether u names a PostgreSQL server: a postgres://
// or postgresql:// URL.
func IsPostgresURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	s := strings.ToLower(p.Scheme)
	return s == "postgres" || s == "postgresql"
}

// OpenPostgres connects to the PostgreSQL database at dbURL (a postgres://
// URL as libpq takes it; a search_path parameter selects the schema), brings
// its schema up to date and opens this process's search index in indexDir
// (a SQLite database, see index.go), or in a temporary folder removed by
// Close when indexDir is "". Several processes may open the same database
// at once: they migrate one after the other.
func OpenPostgres(ctx context.Context, dbURL, indexDir string) (*Store, error) {
	if !IsPostgresURL(dbURL) {
		return nil, fmt.Errorf("store: %q is not a postgres:// URL", redact(dbURL))
	}
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("store: bad PostgreSQL URL %s: %w", redact(dbURL), err)
	}
	pool := stdlib.OpenDB(*cfg)
	// Both reads and writes: enough for a burst of commands and the
	// background work, few enough that ten replicas stay well under the
	// server's default max_connections of 100.
	pool.SetMaxOpenConns(8)
	pool.SetMaxIdleConns(8)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: cannot reach PostgreSQL at %s: %w", redact(dbURL), err)
	}
	if err := migrate(ctx, postgres, pool, pgMigrations); err != nil {
		pool.Close()
		return nil, err
	}
	d := &sqlDB{DB: pool, dialect: postgres}
	s := &Store{dialect: postgres, read: d, write: d}
	if err := s.stmts.prepare(ctx, d, d, false); err != nil {
		pool.Close()
		return nil, err
	}
	epoch, err := s.documentsEpoch(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if s.index, err = openIndex(ctx, indexDir, epoch); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// documentsEpoch returns the random name the database got when first
// opened. A search index built from another database (one re-created
// under the same URL) has another, and starts over.
func (s *Store) documentsEpoch(ctx context.Context) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	if _, err := s.write.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO NOTHING`, metaDocumentsEpoch, hex.EncodeToString(b)); err != nil {
		return "", fmt.Errorf("store: cannot name the database: %w", err)
	}
	var epoch string
	if err := s.read.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaDocumentsEpoch).Scan(&epoch); err != nil {
		return "", fmt.Errorf("store: cannot read the database's name: %w", err)
	}
	return epoch, nil
}

const metaDocumentsEpoch = "documents_epoch"

// lockDocuments makes the writers of documents on PostgreSQL take turns
// (readers are not blocked), so that their change numbers (seq) become
// visible in increasing order; see pgMigrations. SQLite writers take turns
// anyway.
func (s *Store) lockDocuments(ctx context.Context, tx *sqlTx) error {
	if s.dialect != postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE documents IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("lock documents: %w", err)
	}
	return nil
}

// redact hides the password of a URL for error messages.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// Dialect names the database behind the store: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.String() }
