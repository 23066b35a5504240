package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/store/storetest"
)

// With DATABASE_URL the app keeps its documents in PostgreSQL and its own
// search index in DATA_DIR/search-index; two apps on one database (two
// replicas) share the documents and each finds them.
func TestOpenOnPostgres(t *testing.T) {
	t.Parallel()
	dbURL := storetest.Postgres.NewDB(t)
	seedsDir := t.TempDir()
	writeFile(t, seedsDir, "oman.md", "Envoy visits Oman\nThe envoy arrived in Muscat for talks.")
	open := func() (*App, string) {
		dataDir := t.TempDir()
		cfg, err := config.Load(config.MapLookup(map[string]string{
			"SEEDS_DIR": seedsDir, "DATA_DIR": dataDir, "DATABASE_URL": dbURL,
		}))
		if err != nil {
			t.Fatal(err)
		}
		a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(a.Close)
		return a, dataDir
	}
	ctx := context.Background()
	for i := range 2 {
		a, dataDir := open()
		if d := a.Store.Dialect(); d != "postgres" {
			t.Fatalf("replica %d: store on %s, want postgres", i, d)
		}
		if _, err := os.Stat(filepath.Join(dataDir, IndexDirName)); err != nil {
			t.Errorf("replica %d: no search index in DATA_DIR: %v", i, err)
		}
		if n, err := a.Store.Count(ctx); err != nil || n != 1 {
			t.Errorf("replica %d: %d documents, %v; want 1", i, n, err)
		}
		hits, err := a.Store.Search(ctx, "muscat talks", 3)
		if err != nil || len(hits) == 0 || hits[0].ID != "oman" {
			t.Errorf("replica %d: Search = %+v, %v; want oman first", i, hits, err)
		}
	}
}
