// Package pgtest gives a test a PostgreSQL schema of its own on the server
// named by GEOBRIEF_TEST_DATABASE_URL, dropped when the test ends, so that
// tests run in parallel on one database and leave nothing behind. It is
// shared by the store's own tests and by storetest (which the store's
// internal tests cannot import).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EnvVar names the PostgreSQL server the tests may use, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvVar = "GEOBRIEF_TEST_DATABASE_URL"

// SkipReason is the message of a PostgreSQL test skipped for want of a server.
const SkipReason = EnvVar + " not set: PostgreSQL tests skipped"

// Available reports whether EnvVar is set.
func Available() bool { return os.Getenv(EnvVar) != "" }

// URL creates an empty schema for t and returns the server's URL with its
// search_path set to that schema: every connection opened with it works in
// the schema. The test is skipped when EnvVar is unset, and fails when it
// is set but the server cannot be used.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		t.Skip(SkipReason)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvVar, err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b)
	// A quoted identifier, though the name only holds [a-z0-9_].
	exec(t, base, `CREATE SCHEMA "`+schema+`"`)
	t.Cleanup(func() { exec(t, base, `DROP SCHEMA "`+schema+`" CASCADE`) })
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// exec runs one statement on a connection of its own.
func exec(t testing.TB, dbURL, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("pgtest: %s on %s: %v", stmt, EnvVar, err)
	}
}
