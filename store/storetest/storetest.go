// Package storetest opens real stores for tests, already holding the
// documents a test needs and closed when the test ends: SQLite in a
// temporary folder (Open, OpenDir), or each backend in turn (Backends: the
// same test on SQLite and on PostgreSQL).
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/internal/pgtest"
)

// Open returns a store in a fresh temporary folder holding docs.
func Open(t testing.TB, docs ...corpus.Document) *store.Store {
	t.Helper()
	return OpenDir(t, t.TempDir(), docs...)
}

// OpenDir opens (or reopens, as a restarted process would) the store in
// dir and syncs docs into it when any are given.
func OpenDir(t testing.TB, dir string, docs ...corpus.Document) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if len(docs) > 0 {
		if _, err := st.SyncDocuments(ctx, docs); err != nil {
			t.Fatalf("storetest: sync %d documents: %v", len(docs), err)
		}
	}
	return st
}

// Doc makes a document whose hash follows its content, so a changed body
// is seen as an update.
func Doc(id, title, body string) corpus.Document {
	sum := sha256.Sum256([]byte(title + "\x00" + body))
	return corpus.Document{ID: id, Title: title, Body: body, Hash: hex.EncodeToString(sum[:])}
}

// Backend is a database a store runs on: SQLite in a folder, or a
// PostgreSQL schema of the test's own (GEOBRIEF_TEST_DATABASE_URL).
type Backend struct {
	// Name is "sqlite" or "postgres".
	Name string
	// NewDB returns where a new, empty database is: a folder, or a URL
	// whose search_path names a schema dropped when the test ends.
	NewDB func(t testing.TB) string
}

// SQLite and Postgres are the two backends.
var (
	SQLite   = Backend{Name: "sqlite", NewDB: func(t testing.TB) string { return t.TempDir() }}
	Postgres = Backend{Name: "postgres", NewDB: pgtest.URL}
)

// Backends runs test once per backend, as parallel subtests named
// "sqlite" and "postgres". The PostgreSQL one is skipped, saying why, when
// GEOBRIEF_TEST_DATABASE_URL is not set.
func Backends(t *testing.T, test func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range []Backend{SQLite, Postgres} {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			test(t, b)
		})
	}
}

// Open returns a store on a new database of this backend holding docs,
// closed when the test ends.
func (b Backend) Open(t testing.TB, docs ...corpus.Document) *store.Store {
	t.Helper()
	return b.OpenAt(t, b.NewDB(t), docs...)
}

// OpenAt opens (or reopens, as a restarted process or another replica
// would) the store at where, from NewDB, and syncs docs into it when any
// are given. On PostgreSQL each store gets a search index of its own in a
// temporary folder, as each replica has.
func (b Backend) OpenAt(t testing.TB, where string, docs ...corpus.Document) *store.Store {
	t.Helper()
	ctx := context.Background()
	var (
		st  *store.Store
		err error
	)
	if b.Name == Postgres.Name {
		st, err = store.OpenPostgres(ctx, where, t.TempDir())
	} else {
		st, err = store.Open(ctx, where)
	}
	if err != nil {
		t.Fatalf("storetest: open %s store: %v", b.Name, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if len(docs) > 0 {
		if _, err := st.SyncDocuments(ctx, docs); err != nil {
			t.Fatalf("storetest: sync %d documents: %v", len(docs), err)
		}
	}
	return st
}
