package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// withHash sets d.Hash from its contents, as the corpus loader does from the file.
func withHash(d corpus.Document) corpus.Document {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%v\x00%s\x00%s", d.ID, d.Title, d.Body, d.Tags, d.Published, d.Source)
	d.Hash = hex.EncodeToString(h.Sum(nil))
	return d
}

// fixture reads the small hand-written corpus of testdata/documents.json.
func fixture(t testing.TB) []corpus.Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "documents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []corpus.Document
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		docs[i] = withHash(docs[i])
	}
	return docs
}

func TestOpenMigratesOnceAcrossReopens(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		where := be.newDB(t)
		want := len(migrations)
		if be.name == "postgres" {
			want = len(pgMigrations)
		}
		for i := 0; i < 3; i++ {
			s, err := be.open(ctx, where)
			if err != nil {
				t.Fatalf("Open #%d: %v", i+1, err)
			}
			var versions, distinct, max int
			if err := s.read.QueryRowContext(ctx,
				`SELECT count(*), count(DISTINCT version), max(version) FROM schema_migrations`).
				Scan(&versions, &distinct, &max); err != nil {
				t.Fatal(err)
			}
			if versions != want || distinct != want || max != want {
				t.Errorf("open #%d: %d version rows (%d distinct, max %d), want %d",
					i+1, versions, distinct, max, want)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Both lists tell the same history: a migration appended to one only
// would give one version number two meanings.
func TestMigrationListsHaveTheSameLength(t *testing.T) {
	if len(migrations) != len(pgMigrations) {
		t.Errorf("%d SQLite migrations, %d PostgreSQL ones: append to both lists", len(migrations), len(pgMigrations))
	}
}

func TestOpenCreatesTheDatabaseFile(t *testing.T) {
	// SQLite only: PostgreSQL has no file.
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Errorf("database file: %v", err)
	}
}

// SQLite only: the pragmas of its connections.
func TestOpenSetsPragmas(t *testing.T) {
	s, _ := sqliteBackend.openTest(t)
	ctx := context.Background()
	check := func(pool string, q string, want string) {
		t.Helper()
		db := s.read
		if pool == "write" {
			db = s.write
		}
		var got string
		if err := db.QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got != want {
			t.Errorf("%s pool: %s = %q, want %q", pool, q, got, want)
		}
	}
	for _, pool := range []string{"read", "write"} {
		check(pool, "PRAGMA journal_mode", "wal")
		check(pool, "PRAGMA foreign_keys", "1")
		check(pool, "PRAGMA synchronous", "1") // NORMAL
		check(pool, "PRAGMA busy_timeout", "5000")
	}
}

// SQLite only, as the two tests below: folders are SQLite's.
func TestOpenCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFailsOnUnusableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), file)
	if err == nil {
		t.Fatal("Open on a file: want an error")
	}
	if !strings.HasPrefix(err.Error(), "store: ") {
		t.Errorf("error %q should start with \"store:\"", err)
	}
}

// Calls on a closed store fail with an error (its prepared statements are
// closed with it); none panics.
func TestCallsAfterCloseFail(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		testCallsAfterCloseFail(t, be)
	})
}

func testCallsAfterCloseFail(t *testing.T, be backend) {
	ctx := context.Background()
	s, err := be.open(ctx, be.newDB(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Document": func() error { _, err := s.Document(ctx, "x"); return err },
		"Count":    func() error { _, err := s.Count(ctx); return err },
		"Recent":   func() error { _, err := s.Recent(ctx, 5); return err },
		"Search":   func() error { _, err := s.Search(ctx, "grain", 5); return err },
		"Autocomplete": func() error {
			_, err := s.Autocomplete(ctx, "gra", 5)
			return err
		},
		"GetBrief":      func() error { _, _, err := s.GetBrief(ctx, "k"); return err },
		"PutBrief":      func() error { return s.PutBrief(ctx, "k", "x", []byte("b")) },
		"AddUsage":      func() error { return s.AddUsage(ctx, "2025-03-01", "g", 1, 1, 1) },
		"TokensUsed":    func() error { _, err := s.TokensUsed(ctx, "2025-03-01", "g"); return err },
		"TokensUsedAll": func() error { _, err := s.TokensUsedAll(ctx, "2025-03-01"); return err },
	}
	for name, call := range calls {
		if err := call(); err == nil || !strings.HasPrefix(err.Error(), "store: ") {
			t.Errorf("%s after Close: error %v, want one starting with \"store: \"", name, err)
		}
	}
}

// OpenPostgres says what is wrong with a URL or a server, without the
// password; it needs no server.
func TestOpenPostgresErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for url, want := range map[string]string{
		"mysql://u:hunter2@db/x": "not a postgres:// URL",
		// Port 1: nothing listens there.
		"postgres://u:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=5": "cannot reach PostgreSQL at postgres://u:xxxxx@127.0.0.1:1/x",
	} {
		s, err := OpenPostgres(ctx, url, t.TempDir())
		if err == nil {
			s.Close()
			t.Errorf("OpenPostgres(%s): no error", url)
			continue
		}
		if !strings.HasPrefix(err.Error(), "store: ") || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("OpenPostgres(%s): %v; want a store error with %q and no password", url, err, want)
		}
	}
}

// Ping answers while the database is open, and fails once it is closed.
func TestPing(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, err := be.open(ctx, be.newDB(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping after Close: no error")
		}
	})
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
