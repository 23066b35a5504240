package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
)

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
