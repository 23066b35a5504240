package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
)

// releasedVersion is the schema version of the last release: databases
// in use are at it, and Open must bring them up to the current one with
// their data.
const releasedVersion = 7

// rawDB opens the database at where without the store, for building one as
// an older release left it.
func (b backend) rawDB(t *testing.T, where string) (*sql.DB, dialect, []string) {
	t.Helper()
	if b.name == "postgres" {
		db, err := sql.Open("pgx", where)
		if err != nil {
			t.Fatal(err)
		}
		return db, postgres, pgMigrations
	}
	db, err := openPool(filepath.Join(where, FileName), "immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db, sqlite, migrations
}

// A database at the released schema, holding data, is brought up to date
// by Open and keeps its data: documents (found by Search too), briefs,
// usage and schedules.
func TestOpenUpgradesTheReleasedSchema(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		where := be.newDB(t)
		raw, d, list := be.rawDB(t, where)
		if err := migrate(ctx, d, raw, list[:releasedVersion]); err != nil {
			t.Fatal(err)
		}
		old := &sqlDB{DB: raw, dialect: d}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO documents (id, title, source, url, language, tags, published, added, hash, body)
				VALUES (?, ?, '', '', 'en', '[]', NULL, ?, 'h1', ?)`,
				[]any{"old-doc", "Harbour reopens in Valletta", int64(1700000000000000000), "The harbour of Valletta reopened."}},
			{`INSERT INTO briefs (key, doc_id, data, updated) VALUES (?, ?, ?, ?)`, []any{"old-doc/short", "old-doc", []byte("brief"), int64(1)}},
			{`INSERT INTO usage (day, guild, calls, prompt_tokens, completion_tokens) VALUES (?, ?, ?, ?, ?)`, []any{"2025-03-01", "g", 1, 40, 2}},
			{`INSERT INTO digest_schedules (channel_id, guild_id, times, zone, created) VALUES (?, ?, ?, ?, ?)`, []any{"c1", "g", "08:00", "UTC", int64(1)}},
		} {
			if _, err := old.ExecContext(ctx, q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		if err := raw.Close(); err != nil {
			t.Fatal(err)
		}

		s := be.openAt(t, where)
		var max int
		if err := s.read.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&max); err != nil || max != len(list) {
			t.Errorf("schema version %d, %v; want %d", max, err, len(list))
		}
		if doc, err := s.Document(ctx, "old-doc"); err != nil || doc.Title != "Harbour reopens in Valletta" {
			t.Errorf("Document = %+v, %v", doc, err)
		}
		if o, err := s.Origin(ctx, "old-doc"); err != nil || o != "seed" {
			t.Errorf("Origin = %q, %v; want seed", o, err)
		}
		assertIDs(t, mustSearch(t, s, "valletta harbour", 5), "old-doc")
		if data, found, err := s.GetBrief(ctx, "old-doc/short"); err != nil || !found || string(data) != "brief" {
			t.Errorf("GetBrief = %q, %v, %v", data, found, err)
		}
		if n, err := s.TokensUsed(ctx, "2025-03-01", "g"); err != nil || n != 42 {
			t.Errorf("TokensUsed = %d, %v; want 42", n, err)
		}
		if sch, err := s.Schedules(ctx, "g"); err != nil || len(sch) != 1 || sch[0].Times != "08:00" {
			t.Errorf("Schedules = %+v, %v", sch, err)
		}
	})
}

// Replicas starting together on an empty PostgreSQL database all open it:
// one migrates, the others wait for it and find every version done.
func TestConcurrentFirstStartOnPostgres(t *testing.T) {
	t.Parallel()
	where := postgresBackend.newDB(t)
	ctx := context.Background()
	const replicas = 4
	stores := make([]*Store, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = OpenPostgres(ctx, where, "")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	var rows, distinct int
	if err := stores[0].read.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != len(pgMigrations) || distinct != len(pgMigrations) {
		t.Errorf("%d version rows (%d distinct), want %d", rows, distinct, len(pgMigrations))
	}
	// They share one database name, so their indexes copy the same rows.
	for i, s := range stores {
		if s.index.epoch != stores[0].index.epoch {
			t.Errorf("replica %d sees database %s, replica 0 %s", i, s.index.epoch, stores[0].index.epoch)
		}
	}
}
