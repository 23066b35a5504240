package store

import (
	"context"
	"testing"

	"github.com/geobrief/geobrief/store/internal/pgtest"
)

// backend is a database the store runs on. Every test of the store's
// behaviour runs once per backend (forBackends), so that SQLite and
// PostgreSQL are held to the same suite.
type backend struct {
	name string
	// newDB returns where a new, empty database is: a folder for SQLite, a
	// URL whose search_path is a schema of the test's own for PostgreSQL.
	newDB func(t testing.TB) string
	// open opens (or reopens, as a restarted process would) the database
	// at where.
	open func(ctx context.Context, where string) (*Store, error)
}

var (
	sqliteBackend = backend{
		name:  "sqlite",
		newDB: func(t testing.TB) string { return t.TempDir() },
		open:  Open,
	}
	postgresBackend = backend{
		name:  "postgres",
		newDB: pgtest.URL,
		open: func(ctx context.Context, where string) (*Store, error) {
			// A new temporary index each time: reopening catches up from
			// nothing.
			return OpenPostgres(ctx, where, "")
		},
	}
)

// forBackends runs test on SQLite and on PostgreSQL, as parallel subtests
// named after the backend. The PostgreSQL one is skipped, saying why, when
// GEOBRIEF_TEST_DATABASE_URL is not set.
func forBackends(t *testing.T, test func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, b)
		})
	}
}

// openTest opens a new database of this backend, closed when the test
// ends, and returns it with where it is.
func (b backend) openTest(t testing.TB) (*Store, string) {
	t.Helper()
	where := b.newDB(t)
	return b.openAt(t, where), where
}

// openAt opens the database at where, closed when the test ends.
func (b backend) openAt(t testing.TB, where string) *Store {
	t.Helper()
	s, err := b.open(context.Background(), where)
	if err != nil {
		t.Fatalf("open %s database: %v", b.name, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}
