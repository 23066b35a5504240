package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// statements are the queries the bot runs on every command, prepared once at
// Open. Run with a query string, database/sql has SQLite compile the query
// again on every call, which was a quarter of the bot's CPU under a burst of
// interactions (BENCHMARKS.md). A statement prepared on the read pool is
// compiled on each of its connections the first time it runs there and kept
// for as long as the connection.
//
// Statements are not shared by transactions; a transaction that needs one
// takes it with tx.StmtContext.
type statements struct {
	// On the read pool.
	document      *sql.Stmt
	count         *sql.Stmt
	recent        *sql.Stmt
	exactID       *sql.Stmt
	indexStats    *sql.Stmt
	wordDocs      *sql.Stmt
	rankNarrow    *sql.Stmt
	rankTitles    *sql.Stmt
	newestMatch   *sql.Stmt
	candidates    *sql.Stmt
	suggestIDs    *sql.Stmt
	suggestTitles *sql.Stmt
	getBrief      *sql.Stmt
	tokensUsed    *sql.Stmt
	tokensUsedAll *sql.Stmt

	// On the write connection.
	putBrief *sql.Stmt
	addUsage *sql.Stmt

	all []*sql.Stmt // every statement prepared, for close
}

// prepare prepares the statements, read ones on read and write ones on
// write; those of Search, Autocomplete and Recent only when search is set
// (they read SQLite's full-text index, which a PostgreSQL store has in its
// pgIndex instead). On error it closes those it prepared.
func (st *statements) prepare(ctx context.Context, read, write *sqlDB, search bool) error {
	type stmt struct {
		name  string
		stmt  **sql.Stmt
		db    *sqlDB
		query string
	}
	searchStmts := []stmt{
		{"recent", &st.recent, read, recentSQL},
		{"exact ID", &st.exactID, read, exactIDSQL},
		{"index stats", &st.indexStats, read, indexStatsSQL},
		{"word documents", &st.wordDocs, read, wordDocsSQL},
		{"rank narrow", &st.rankNarrow, read, rankNarrowSQL},
		{"rank titles", &st.rankTitles, read, rankTitlesSQL},
		{"newest match", &st.newestMatch, read, newestMatchSQL},
		{"candidates", &st.candidates, read, candidatesSQL},
		{"suggest IDs", &st.suggestIDs, read, suggestIDsSQL},
		{"suggest titles", &st.suggestTitles, read, suggestTitlesSQL},
	}
	all := []stmt{
		{"document", &st.document, read, documentSQL},
		{"count", &st.count, read, countSQL},
		{"get brief", &st.getBrief, read, getBriefSQL},
		{"tokens used", &st.tokensUsed, read, tokensUsedSQL},
		{"tokens used by all", &st.tokensUsedAll, read, tokensUsedAllSQL},
		{"put brief", &st.putBrief, write, putBriefSQL},
		{"add usage", &st.addUsage, write, addUsageSQL},
	}
	if search {
		all = append(all, searchStmts...)
	}
	for _, p := range all {
		stmt, err := p.db.PrepareContext(ctx, p.query)
		if err != nil {
			_ = st.close()
			return fmt.Errorf("store: cannot prepare %s: %w", p.name, err)
		}
		*p.stmt = stmt
		st.all = append(st.all, stmt)
	}
	return nil
}

// close closes the statements prepared. Calls made afterwards fail with
// sql: statement is closed.
func (st *statements) close() error {
	var errs []error
	for _, stmt := range st.all {
		errs = append(errs, stmt.Close())
	}
	return errors.Join(errs...)
}
