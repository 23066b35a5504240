package pgschema

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

const testDatabaseEnv = "GEOBRIEF_TEST_DATABASE_URL"

func server(t *testing.T) string {
	t.Helper()
	u := os.Getenv(testDatabaseEnv)
	if u == "" {
		t.Skip(testDatabaseEnv + " not set: pgschema needs a PostgreSQL server")
	}
	return u
}

// A table made through the schema's URL lands in the schema, and Drop
// takes it away with the schema, even on a cancelled context.
func TestSchemaHoldsTheRunAndDropRemovesIt(t *testing.T) {
	ctx := context.Background()
	s, err := Create(ctx, server(t), "pgschematest")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Name, "pgschematest_") || len(s.Name) != len("pgschematest_")+12 {
		t.Fatalf("schema name %q", s.Name)
	}
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE t (x int)`); err != nil {
		t.Fatal(err)
	}
	var where string
	if err := conn.QueryRow(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = 't' AND table_schema = $1`, s.Name).Scan(&where); err != nil {
		t.Fatalf("the table is not in schema %s: %v", s.Name, err)
	}
	conn.Close(ctx)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Drop(cancelled); err != nil {
		t.Fatal(err)
	}
	if there, err := Exists(ctx, server(t), s.Name); err != nil || there {
		t.Fatalf("schema %s still there after Drop (%v)", s.Name, err)
	}
}

func TestCreateRefusesABadURL(t *testing.T) {
	if _, err := Create(context.Background(), "postgres://%zz", "x"); err == nil {
		t.Fatal("a malformed URL was accepted")
	}
}
