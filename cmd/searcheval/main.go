// Command searcheval measures how well the store's Search finds the right
// article, beside a plain BM25 computed in the same run over the same index.
//
//	go run ./cmd/searcheval [-corpus ../shared/corpus] [-misses KIND] [-postgres URL [-pg-native]]
//
// The development corpus is bbc-news-summary, cnndm-dev and allsides-dev
// (see the README of each), indexed together as one corpus. Three kinds of
// queries each name the one document that is right:
//   - headline: the document's headline (BBC, AllSides; CNN/DM has none);
//   - summary: each sentence of the reference summary (BBC, CNN/DM);
//   - question: a question as a reader would ask it, from questions.tsv
//     (written for this evaluation, keyed by document ID; for an AllSides
//     article, any article of the same story counts as right).
//
// For each kind it prints top-1 (the right document first) and MRR@10 (the
// mean of 1/rank, 0 beyond rank 10), overall and per sub-corpus. The
// baseline ranks the same index with FTS5's bm25() (k1 1.2, b 0.75) with
// equal weights on title and body, over every word of the query.
//
// With -postgres, the store is on that PostgreSQL server (in a schema of its
// own, dropped at the end), so Search runs as a replica runs it: on its
// SQLite copy of the shared documents. -pg-native adds two rankings by
// PostgreSQL's own full-text search over the same documents, which decided
// against it (BENCHMARKS.md, "PostgreSQL as the store"): ts_rank_cd over a
// weighted tsvector (title A, body B, English stemming), with the query as
// websearch_to_tsquery (every word required) and as the OR of its words.
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/geobrief/geobrief/cmd/internal/pgschema"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
)

//go:embed questions.tsv
var questionsTSV string

func main() {
	root := flag.String("corpus", "../shared/corpus", "folder holding bbc-news-summary, cnndm-dev and allsides-dev")
	misses := flag.String("misses", "", "print the queries of this kind (headline, summary, question) that Search does not rank first")
	pgURL := flag.String("postgres", "", "run the store on this PostgreSQL database (postgres:// URL), in a schema of its own dropped at the end")
	pgNative := flag.Bool("pg-native", false, "with -postgres, also rank by PostgreSQL's full-text search (ts_rank_cd)")
	flag.Parse()
	if *pgNative && *pgURL == "" {
		fmt.Fprintln(os.Stderr, "searcheval: -pg-native needs -postgres URL")
		os.Exit(2)
	}
	if err := run(context.Background(), *root, *misses, *pgURL, *pgNative); err != nil {
		fmt.Fprintln(os.Stderr, "searcheval:", err)
		os.Exit(1)
	}
}

// query is one query of the development set with its right answer.
type query struct {
	kind, sub, text, want string
	// also are further right answers: for a question about an AllSides
	// story, the other articles of the story.
	also map[string]bool
}

var kinds = []string{"headline", "summary", "question"}

func run(ctx context.Context, root, misses, pgURL string, pgNative bool) (err error) {
	docs, err := loadCorpus(root)
	if err != nil {
		return err
	}
	queries, err := buildQueries(docs, questionsTSV)
	if err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "searcheval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var (
		s        *store.Store
		pgSchema string // the PostgreSQL URL of the schema made for this run
	)
	if pgURL != "" {
		var schema *pgschema.Schema
		if schema, err = pgschema.Create(ctx, pgURL, "searcheval"); err != nil {
			return fmt.Errorf("-postgres: %w", err)
		}
		pgSchema = schema.URL
		defer func() { err = errors.Join(err, schema.Drop(ctx)) }()
		// dir holds the SQLite index of this "replica".
		s, err = store.OpenPostgres(ctx, pgSchema, dir)
	} else {
		s, err = store.Open(ctx, dir)
	}
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	cdocs := make([]corpus.Document, len(docs))
	for i, d := range docs {
		cdocs[i] = d.doc
	}
	if _, err := s.SyncDocuments(ctx, cdocs); err != nil {
		return err
	}
	// On PostgreSQL the index copies the documents at the first search; the
	// baseline below reads that copy.
	if _, err := s.Search(ctx, "index", 1); err != nil {
		return err
	}

	// The baseline reads the same database through a connection of its own.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.FileName)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	bm25 := func(q string) ([]string, error) { return plainBM25(ctx, db, q) }
	search := func(q string) ([]string, error) {
		hits, err := s.Search(ctx, q, 10)
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = h.ID
		}
		return ids, err
	}

	rankers := []ranker{{"search", search}, {"bm25", bm25}}
	if pgNative {
		pg, err := sql.Open("pgx", pgSchema)
		if err != nil {
			return err
		}
		defer pg.Close()
		if err := addTSVector(ctx, pg); err != nil {
			return err
		}
		rankers = append(rankers,
			ranker{"pg-and", func(q string) ([]string, error) { return pgRank(ctx, pg, pgAllWords, q) }},
			ranker{"pg-or", func(q string) ([]string, error) { return pgRank(ctx, pg, pgAnyWord, q) }})
	}

	type score struct {
		n, top1 int
		rr      float64
	}
	type key struct{ ranker, kind, sub string }
	scores := map[key]*score{}
	add := func(k key, rank int) {
		if scores[k] == nil {
			scores[k] = &score{}
		}
		sc := scores[k]
		sc.n++
		if rank == 1 {
			sc.top1++
		}
		if rank > 0 {
			sc.rr += 1 / float64(rank)
		}
	}
	for _, q := range queries {
		for _, r := range rankers {
			got, err := r.rank(q.text)
			if err != nil {
				return fmt.Errorf("%s %q: %w", r.name, q.text, err)
			}
			rank := 0
			for i, id := range got {
				if id == q.want || q.also[id] {
					rank = i + 1
					break
				}
			}
			add(key{r.name, q.kind, "all"}, rank)
			add(key{r.name, q.kind, q.sub}, rank)
			if r.name == "search" && q.kind == misses && rank != 1 {
				first := "-"
				if len(got) > 0 {
					first = got[0]
				}
				fmt.Printf("miss %-8s rank %2d  %q  want %s, first %s\n", q.sub, rank, q.text, q.want, first)
			}
		}
	}

	fmt.Printf("corpus: %d documents (%s)\n\n", len(docs), root)
	fmt.Printf("%-9s %-9s %5s", "kind", "corpus", "n")
	for _, r := range rankers {
		fmt.Printf("   %-15s", r.name+" top1 MRR")
	}
	fmt.Println()
	for _, kind := range kinds {
		for _, sub := range []string{"all", "bbc", "cnndm", "allsides"} {
			first := scores[key{rankers[0].name, kind, sub}]
			if first == nil {
				continue
			}
			n := float64(first.n)
			fmt.Printf("%-9s %-9s %5d", kind, sub, first.n)
			for _, r := range rankers {
				sc := scores[key{r.name, kind, sub}]
				fmt.Printf("   %.3f %.3f    ", float64(sc.top1)/n, sc.rr/n)
			}
			fmt.Println()
		}
	}
	return nil
}

// ranker ranks the documents for a query: the IDs of the first ten.
type ranker struct {
	name string
	rank func(string) ([]string, error)
}

// buildQueries derives the headline and summary queries from the documents
// and reads the questions, checking each names a document of the corpus.
func buildQueries(docs []evalDoc, questions string) ([]query, error) {
	var qs []query
	for _, d := range docs {
		if d.headline != "" {
			qs = append(qs, query{kind: "headline", sub: d.sub, text: d.headline, want: d.doc.ID})
		}
	}
	for _, d := range docs {
		for _, sentence := range d.summary {
			qs = append(qs, query{kind: "summary", sub: d.sub, text: sentence, want: d.doc.ID})
		}
	}
	sub := make(map[string]string, len(docs))
	story := make(map[string]string, len(docs))
	siblings := make(map[string]map[string]bool)
	for _, d := range docs {
		sub[d.doc.ID] = d.sub
		if d.story != "" {
			story[d.doc.ID] = d.story
			if siblings[d.story] == nil {
				siblings[d.story] = map[string]bool{}
			}
			siblings[d.story][d.doc.ID] = true
		}
	}
	for i, line := range strings.Split(questions, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, text, ok := strings.Cut(line, "\t")
		text = strings.TrimSpace(text)
		if !ok || text == "" {
			return nil, fmt.Errorf("questions.tsv line %d: want ID, a tab, then the question", i+1)
		}
		if _, ok := sub[id]; !ok {
			return nil, fmt.Errorf("questions.tsv line %d: no document %q in the corpus", i+1, id)
		}
		qs = append(qs, query{"question", sub[id], text, id, siblings[story[id]]})
	}
	return qs, nil
}

// plainBM25 ranks the whole index by FTS5's bm25() with title and body
// weighing the same, over every word of the query.
func plainBM25(ctx context.Context, db *sql.DB, q string) ([]string, error) {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
	if len(words) == 0 {
		return nil, nil
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return rankedIDs(ctx, db, `SELECT d.id FROM documents_fts AS f
		JOIN documents AS d ON d.n = f.rowid
		WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts, 1.0, 1.0) LIMIT 10`,
		strings.Join(words, " OR "))
}

// rankedIDs runs a ranking query whose one column is a document ID, and
// returns the IDs in the query's order: what every ranker compared here
// (SQLite's bm25, PostgreSQL's ts_rank_cd) hands to the scoring.
func rankedIDs(ctx context.Context, db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
