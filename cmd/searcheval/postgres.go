package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// makeSchema creates an empty schema on the server at base and returns
// base with its search_path set to it, and a function dropping it.
func makeSchema(ctx context.Context, base string) (string, func() error, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("-postgres: %w", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	schema := "searcheval_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("-postgres: cannot create a schema: %w", err)
	}
	drop := func() error {
		defer db.Close()
		if _, err := db.ExecContext(context.WithoutCancel(ctx), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			return fmt.Errorf("cannot drop schema %s: %w", schema, err)
		}
		return nil
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// addTSVector gives the documents PostgreSQL's full-text representation:
// title words weighted A, body words B, stemmed as English, with a GIN
// index, as a PostgreSQL-native search would keep them. Only this command
// builds it: the store does not search on PostgreSQL.
func addTSVector(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, `ALTER TABLE documents ADD COLUMN tsv tsvector
		GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') ||
			setweight(to_tsvector('english', body), 'B')) STORED;
		CREATE INDEX documents_tsv ON documents USING gin (tsv)`)
	if err != nil {
		return fmt.Errorf("cannot add the tsvector column: %w", err)
	}
	return nil
}

// The two ways of turning a query into a tsquery: every word required
// (websearch_to_tsquery, what a search box usually does), or any word
// (the OR of its words, as Search and the BM25 baseline match).
const (
	pgAllWords = `websearch_to_tsquery('english', $1)`
	pgAnyWord  = `to_tsquery('english', $1)`
)

// pgRank ranks by ts_rank_cd (cover density: how close together the
// query's words are, weighted by the A/B labels) the documents matching the
// query, normalised by document length (flag 1: divided by 1 + log length)
// so that long bodies do not win by size alone.
func pgRank(ctx context.Context, db *sql.DB, tsquery, q string) ([]string, error) {
	arg := q
	if tsquery == pgAnyWord {
		words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r)
		})
		if len(words) == 0 {
			return nil, nil
		}
		arg = strings.Join(words, " | ")
	}
	return rankedIDs(ctx, db, `SELECT id FROM documents, `+tsquery+` AS q
		WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q, 1) DESC, n DESC LIMIT 10`, arg)
}
