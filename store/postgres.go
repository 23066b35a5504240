package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

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
	// background work, few enough that ten replicas (80) stay under the
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
	// Copied now rather than by the first search, which would otherwise
	// wait for every document of a new index.
	if _, err := s.index.catchUp(ctx, d); err != nil {
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

// deletionsKept is how long the log of deleted documents (which replicas'
// indexes follow) keeps an entry at least. A replica whose index has not
// caught up for longer (down that long, or started with an old copy of its
// index folder) finds entries gone and rebuilds its index instead.
const deletionsKept = 7 * 24 * time.Hour

// Meta keys of the deletion log: the mark ("<unix nanos> <change number>":
// the highest change number when the mark was set), and the horizon (the
// highest change number whose deletions may have been removed from the log).
const (
	metaDeletedMark    = "documents_deleted_mark"
	metaDeletedHorizon = "documents_deleted_horizon"
)

// trimDeletions keeps the log of deleted documents from growing forever,
// in a transaction holding lockDocuments. Each call at least deletionsKept
// after the mark was set removes the entries up to the mark's change
// number, records that number as the horizon and sets a new mark; so an
// entry is kept between one and two deletionsKept, measured by now.
func (s *Store) trimDeletions(ctx context.Context, tx *sqlTx, now time.Time) error {
	if s.dialect != postgres {
		return nil
	}
	var mark string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaDeletedMark).Scan(&mark)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err == nil {
		var at, upTo int64
		if _, err := fmt.Sscanf(mark, "%d %d", &at, &upTo); err != nil {
			return fmt.Errorf("bad %s %q: %w", metaDeletedMark, mark, err)
		}
		if now.Sub(time.Unix(0, at)) < deletionsKept {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM documents_deleted WHERE seq <= ?`, upTo); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaDeletedHorizon, strconv.FormatInt(upTo, 10)); err != nil {
			return err
		}
	}
	var top int64
	if err := tx.QueryRowContext(ctx, changesTopSQL, metaDeletedHorizon).Scan(&top); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaDeletedMark, fmt.Sprintf("%d %d", now.UnixNano(), top))
	return err
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
