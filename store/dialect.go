package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// dialect is the SQL database behind a Store. The store's SQL is written
// once, for both, with SQLite's `?` placeholders; the wrappers below
// rewrite them for PostgreSQL, so that no call site can forget to.
// Statements that cannot be portable pick their text with dialect.pick.
type dialect int

const (
	sqlite dialect = iota
	postgres
)

func (d dialect) String() string {
	if d == postgres {
		return "postgres"
	}
	return "sqlite"
}

// pick returns the SQL text for this dialect.
func (d dialect) pick(sqliteSQL, postgresSQL string) string {
	if d == postgres {
		return postgresSQL
	}
	return sqliteSQL
}

// q returns query as this dialect wants it: unchanged for SQLite, with its
// placeholders numbered $1, $2, ... for PostgreSQL.
func (d dialect) q(query string) string {
	if d == postgres {
		return rebind(query)
	}
	return query
}

// rebind turns SQLite placeholders into PostgreSQL ones: `?NNN` becomes
// `$NNN` and a bare `?` takes the number after the largest one so far (the
// rule SQLite itself applies, so `?1 ... ?` means $1 ... $2). Question marks
// inside string literals, quoted identifiers and comments are left alone.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	highest := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			// Copy the quoted text through its closing quote; a doubled
			// quote inside is an escaped one and is copied by the loop
			// going round twice.
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+1])
			i += end
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			n := highest + 1
			if j > i+1 {
				n, _ = strconv.Atoi(query[i+1 : j])
			}
			highest = max(highest, n)
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// sqlDB is a connection pool that speaks the store's dialect: its methods are
// those of *sql.DB, taking queries written with `?` placeholders.
type sqlDB struct {
	*sql.DB
	dialect dialect
}

func (d *sqlDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.DB.ExecContext(ctx, d.dialect.q(query), args...)
}

func (d *sqlDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.DB.QueryContext(ctx, d.dialect.q(query), args...)
}

func (d *sqlDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.DB.QueryRowContext(ctx, d.dialect.q(query), args...)
}

func (d *sqlDB) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return d.DB.PrepareContext(ctx, d.dialect.q(query))
}

// BeginTx starts a transaction that speaks the same dialect.
func (d *sqlDB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sqlTx, error) {
	t, err := d.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &sqlTx{Tx: t, dialect: d.dialect}, nil
}

// sqlTx is a transaction that speaks the store's dialect, as sqlDB is a pool.
type sqlTx struct {
	*sql.Tx
	dialect dialect
}

func (t *sqlTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.dialect.q(query), args...)
}

func (t *sqlTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.dialect.q(query), args...)
}

func (t *sqlTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.dialect.q(query), args...)
}

func (t *sqlTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.dialect.q(query))
}
