// Package pgschema gives one run of a tool a PostgreSQL schema of its own
// on a server others use too (the test database, a developer's server):
// everything the run makes lives in the schema, so the run neither sees
// nor touches anything else there, and dropping the schema removes all of
// it. searchbench, searcheval and interactionsbench run their stores so.
package pgschema

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
)

// Schema is a schema made for one run.
type Schema struct {
	// Name is prefix_ and 12 random hex digits.
	Name string
	// URL is the server's URL with search_path set to the schema: every
	// connection made with it creates and finds its tables there.
	URL string

	server string
}

// Create makes an empty schema named prefix_<random> on the server that
// serverURL (a postgres:// URL) names.
func Create(ctx context.Context, serverURL, prefix string) (*Schema, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, fmt.Errorf("pgschema: database URL: %w", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	s := &Schema{Name: prefix + "_" + hex.EncodeToString(b), server: serverURL}
	if err := s.exec(ctx, `CREATE SCHEMA `+s.quoted()); err != nil {
		return nil, fmt.Errorf("pgschema: cannot create a schema on %s: %w", u.Redacted(), err)
	}
	q := u.Query()
	q.Set("search_path", s.Name)
	u.RawQuery = q.Encode()
	s.URL = u.String()
	return s, nil
}

// dropTimeout bounds Drop: a server that does not answer in a minute
// will not, and the run should end all the same.
const dropTimeout = time.Minute

// Drop removes the schema and everything in it. It runs even when ctx is
// cancelled (an interrupt that ended the run must still clean up), for a
// minute at the most. Close the stores using the schema first: their
// open transactions would make it wait.
func (s *Schema) Drop(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dropTimeout)
	defer cancel()
	if err := s.exec(ctx, `DROP SCHEMA `+s.quoted()+` CASCADE`); err != nil {
		return fmt.Errorf("pgschema: cannot drop schema %s: %w", s.Name, err)
	}
	return nil
}

// Exists reports whether a schema of that name is on the server that
// serverURL names: how a test checks that a run left nothing behind.
func Exists(ctx context.Context, serverURL, name string) (bool, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var ok bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, name).Scan(&ok)
	return ok, err
}

func (s *Schema) quoted() string { return pgx.Identifier{s.Name}.Sanitize() }

// exec runs one statement on a connection of its own, so that a Schema
// holds no connection between Create and Drop.
func (s *Schema) exec(ctx context.Context, stmt string) error {
	conn, err := pgx.Connect(ctx, s.server)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, stmt)
	return err
}
