package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/geobrief/geobrief/cmd/internal/pgschema"
)

// testDatabaseEnv names the PostgreSQL server the tests may use, as in the
// store's tests.
const testDatabaseEnv = "GEOBRIEF_TEST_DATABASE_URL"

// TestRunSQLite runs the whole benchmark on a tiny corpus: every step
// checks what it measured (hits, Briefs found, editions won, new documents
// found), so a store that stopped doing its job fails here.
func TestRunSQLite(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	res, err := run(t.Context(), &out, config{docs: 200, queries: 20, seed: 1, dir: t.TempDir()})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(res) != 1 || res[0].backend != "sqlite" {
		t.Fatalf("results %+v, want one for sqlite", res)
	}
	checkResult(t, res[0])
	if strings.Contains(out.String(), "comparison") {
		t.Errorf("a comparison without PostgreSQL:\n%s", out.String())
	}
}

// TestRunPostgres runs both backends and checks that the run's schema is
// gone afterwards.
func TestRunPostgres(t *testing.T) {
	t.Parallel()
	base := os.Getenv(testDatabaseEnv)
	if base == "" {
		t.Skip(testDatabaseEnv + " not set: the PostgreSQL run is skipped")
	}
	var out strings.Builder
	res, err := run(t.Context(), &out, config{docs: 200, queries: 20, seed: 1, dir: t.TempDir(), postgres: base})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(res) != 2 || res[1].backend != "postgres" {
		t.Fatalf("results %+v, want sqlite then postgres", res)
	}
	for _, r := range res {
		checkResult(t, r)
	}
	if !strings.Contains(out.String(), "== comparison") {
		t.Errorf("no comparison:\n%s", out.String())
	}
	if res[1].schema == "" {
		t.Fatal("no schema named")
	}
	if schemaExists(t, base, res[1].schema) {
		t.Errorf("schema %s left behind", res[1].schema)
	}
}

// TestRunPostgresCancelled: an interrupted run still drops its schema.
func TestRunPostgresCancelled(t *testing.T) {
	t.Parallel()
	base := os.Getenv(testDatabaseEnv)
	if base == "" {
		t.Skip(testDatabaseEnv + " not set: the PostgreSQL run is skipped")
	}
	ctx, cancel := context.WithCancel(t.Context())
	// Cancelled as soon as the PostgreSQL part starts, as Ctrl-C would.
	w := &cancelOn{marker: "== postgres", cancel: cancel}
	_, err := run(ctx, w, config{docs: 200, queries: 20, seed: 1, dir: t.TempDir(), postgres: base})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled run returned %v, want context.Canceled:\n%s", err, w.out.String())
	}
	schema := w.schema()
	if schema == "" {
		t.Fatalf("no schema in the output:\n%s", w.out.String())
	}
	if schemaExists(t, base, schema) {
		t.Errorf("schema %s left behind by a cancelled run", schema)
	}
}

// cancelOn collects the output and calls cancel once marker is written.
type cancelOn struct {
	out    strings.Builder
	marker string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.out.Write(p)
	if strings.Contains(string(p), c.marker) {
		c.cancel()
	}
	return len(p), nil
}

func (c *cancelOn) schema() string {
	for line := range strings.Lines(c.out.String()) {
		if v, ok := strings.CutPrefix(line, "postgres:      schema "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func checkResult(t *testing.T, r result) {
	t.Helper()
	for name, ds := range map[string]int{
		"search": len(r.search), "autocomplete": len(r.autocomplete), "brief hit": len(r.briefHit), "claim": len(r.claim),
	} {
		if ds != 20 {
			t.Errorf("%s: %d %s timings, want 20", r.backend, ds, name)
		}
	}
	if len(r.follow) != followRounds || len(r.write) != followRounds {
		t.Errorf("%s: %d follow rounds, want %d", r.backend, len(r.follow), followRounds)
	}
	if r.build <= 0 || r.restart <= 0 {
		t.Errorf("%s: build %v, restart %v", r.backend, r.build, r.restart)
	}
}

func schemaExists(t *testing.T, dbURL, schema string) bool {
	t.Helper()
	ok, err := pgschema.Exists(context.Background(), dbURL, schema)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}
