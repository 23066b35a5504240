// Command searchbench measures the store on a synthetic corpus: index build
// time, Search and Autocomplete latency, a Brief cache hit, a digest edition
// claim, how soon a new document is searchable, memory, and restart time.
//
//	go run ./cmd/searchbench [-docs 100000] [-queries 2000] [-dir DIR] [-seed 1] [-postgres URL]
//
// The corpus is generated from a fixed seed, so two runs index the same
// documents and ask the same queries. SQLite is always measured; with
// -postgres the same corpus and inputs are measured on PostgreSQL too, in
// the same run, in a schema of the run's own that is dropped at the end,
// and the two are compared.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.docs, "docs", 100000, "number of synthetic documents")
	flag.IntVar(&cfg.queries, "queries", 2000, "number of Search queries, of Autocomplete inputs, of Brief reads and of edition claims")
	flag.StringVar(&cfg.dir, "dir", "", "folder for the SQLite database (in DIR/sqlite) and, with -postgres, the replicas' search indexes (default: a new temporary folder, removed at the end)")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed of the corpus and query generator")
	flag.StringVar(&cfg.postgres, "postgres", "", "also measure PostgreSQL at this postgres:// URL (a schema bench_<random> is created and dropped)")
	flag.Parse()
	if err := cfg.check(); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(2)
	}
	// On the first interrupt run returns early, removes its temporary
	// folder (hundreds of MB at 100,000 documents) and drops its
	// PostgreSQL schema; a second one kills.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	_, err := run(ctx, os.Stdout, cfg)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	docs, queries int
	dir           string
	seed          uint64
	postgres      string // "" measures SQLite only
}

func (c config) check() error {
	if c.docs < 1 || c.queries < 1 {
		return fmt.Errorf("-docs and -queries must be at least 1")
	}
	if c.postgres != "" && !isPostgresURL(c.postgres) {
		return fmt.Errorf("-postgres %q is not a postgres:// URL", c.postgres)
	}
	return nil
}

// run measures SQLite, then PostgreSQL when cfg.postgres is set, on the
// same corpus and inputs, writing the figures to w, and returns them.
func run(ctx context.Context, w io.Writer, cfg config) (_ []result, err error) {
	dir := cfg.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "searchbench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	in := newInputs(w, cfg)

	sqlite, err := newSQLiteBackend(dir)
	if err != nil {
		return nil, err
	}
	backends := []backend{sqlite}
	var schema string
	if cfg.postgres != "" {
		pg, err := newPostgresBackend(ctx, cfg.postgres, dir)
		if err != nil {
			return nil, err
		}
		// Dropped whatever happens, after the stores are closed (bench
		// closes them before it returns).
		defer func() {
			if dropErr := pg.drop(); dropErr != nil && err == nil {
				err = dropErr
			}
		}()
		schema = pg.schema
		fmt.Fprintf(w, "postgres:      schema %s\n", schema)
		backends = append(backends, pg.backend)
	}

	var results []result
	for _, b := range backends {
		fmt.Fprintf(w, "\n== %s\n", b.name)
		r, err := bench(ctx, w, b, in)
		if b.name == "postgres" {
			r.schema = schema
		}
		if err != nil {
			return results, fmt.Errorf("%s: %w", b.name, err)
		}
		results = append(results, r)
	}
	if len(results) == 2 {
		compare(w, results[0], results[1])
	}
	return results, nil
}
