package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/geobrief/geobrief/cmd/internal/pgschema"
	"github.com/geobrief/geobrief/store"
)

// backend is a database the store is measured on.
type backend struct {
	name string
	// open opens the store under test. Called again for the restart, it
	// finds what the first store left.
	open func(ctx context.Context) (*store.Store, error)
	// openOther opens a second store on the same database, as another
	// replica would. It is nil when the database belongs to one process
	// (SQLite): the store under test then writes the new documents itself.
	openOther func(ctx context.Context) (*store.Store, error)
	// size describes what the database takes after the build.
	size func(ctx context.Context) string
}

func newSQLiteBackend(dir string) (backend, error) {
	dbDir := filepath.Join(dir, "sqlite")
	if _, err := os.Stat(filepath.Join(dbDir, store.FileName)); err == nil {
		return backend{}, fmt.Errorf("%s already exists: give an empty -dir", filepath.Join(dbDir, store.FileName))
	}
	return backend{
		name: "sqlite",
		open: func(ctx context.Context) (*store.Store, error) { return store.Open(ctx, dbDir) },
		size: func(context.Context) string {
			return fmt.Sprintf("%.1f MB on disk (%s), %.1f MB of WAL", fileMB(dbDir, store.FileName),
				store.FileName, fileMB(dbDir, store.FileName+"-wal"))
		},
	}, nil
}

// pgBackend is PostgreSQL in a schema of the run's own.
type pgBackend struct {
	backend
	schema string
	// drop removes the schema and everything in it.
	drop func() error
}

func isPostgresURL(u string) bool { return store.IsPostgresURL(u) }

// newPostgresBackend creates an empty schema bench_<random> on the server at
// baseURL. The stores reach it through the URL's search_path, so the run
// neither sees nor touches anything else on the server; drop removes it.
// Each store keeps its search index in a folder of its own under dir, as
// each replica does on its own disk.
func newPostgresBackend(ctx context.Context, baseURL, dir string) (*pgBackend, error) {
	schema, err := pgschema.Create(ctx, baseURL, "bench")
	if err != nil {
		return nil, fmt.Errorf("-postgres: %w", err)
	}
	schemaURL := schema.URL

	indexDir := filepath.Join(dir, "postgres-index")
	otherDir := filepath.Join(dir, "postgres-other-index")
	return &pgBackend{
		backend: backend{
			name: "postgres",
			open: func(ctx context.Context) (*store.Store, error) {
				return store.OpenPostgres(ctx, schemaURL, indexDir)
			},
			openOther: func(ctx context.Context) (*store.Store, error) {
				return store.OpenPostgres(ctx, schemaURL, otherDir)
			},
			size: func(ctx context.Context) string {
				bytes, err := schemaBytes(ctx, baseURL, schema.Name)
				if err != nil {
					return fmt.Sprintf("schema size unknown (%v); search index %.1f MB", err, fileMB(indexDir, store.FileName))
				}
				// The WAL shows whether the index's copy of the documents
				// was folded into its file, as a SQLite sync is.
				return fmt.Sprintf("%.1f MB in PostgreSQL (tables, indexes, TOAST), search index of this replica %.1f MB (%s), %.1f MB of WAL",
					float64(bytes)/1e6, fileMB(indexDir, store.FileName), store.FileName, fileMB(indexDir, store.FileName+"-wal"))
			},
		},
		schema: schema.Name,
		// Drop outlives the run's context: an interrupt has cancelled
		// it, and the schema must go all the same.
		drop: func() error { return schema.Drop(ctx) },
	}, nil
}

// schemaBytes is what the tables of schema take, with their indexes and
// TOAST data.
func schemaBytes(ctx context.Context, dbURL, schema string) (int64, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var n int64
	err = conn.QueryRow(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind = 'r'`, schema).Scan(&n)
	return n, err
}
