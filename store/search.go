package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
)

const (
	// DefaultLimit is the number of hits returned when a limit <= 0 is asked for.
	DefaultLimit = 10
	// MaxLimit caps the number of hits of one Search or Recent call.
	MaxLimit = 100
	// MaxAutocomplete is the most choices Autocomplete returns: Discord shows
	// at most 25.
	MaxAutocomplete = 25

	// ExactIDScore is the Score of a hit whose ID equals the query. Full-text
	// scores are far below it.
	ExactIDScore = 1e9
	// IDPrefixScore is the Score of an Autocomplete hit whose ID starts with
	// the input.
	IDPrefixScore = 1e8
)

// maxQueryWords bounds the size of the MATCH expression built from user input.
const maxQueryWords = 16

func clampLimit(limit, max int) int {
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > max {
		limit = max
	}
	return limit
}

// Search finds documents for a free-text query: first a document whose ID
// equals the query (ignoring ASCII case), then full-text matches of any of the
// query's words ranked by BM25, with title matches weighing ten times body
// matches. Words are matched without regard to case or diacritics, and plurals
// and other inflections match their stem ("sanctions" finds "sanction"). The
// query is never interpreted as FTS syntax. A blank query returns Recent.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	limit = clampLimit(limit, MaxLimit)
	words := queryWords(query)
	if len(words) == 0 && strings.TrimSpace(query) == "" {
		return s.Recent(ctx, limit)
	}

	var hits []Hit
	exact, err := s.exactID(ctx, strings.TrimSpace(query))
	if err != nil {
		return nil, fmt.Errorf("store: cannot search: %w", err)
	}
	if exact != nil {
		hits = append(hits, *exact)
	}
	if len(words) == 0 {
		return hits, nil
	}

	// Ask for one more in case the exact ID match is among the text matches.
	rows, err := s.read.QueryContext(ctx, `
		SELECT d.id, d.title, d.published, d.added, -f.rank
		FROM (SELECT rowid, rank FROM documents_fts
		      WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?) AS f
		JOIN documents AS d ON d.n = f.rowid
		ORDER BY f.rank`,
		matchAny(dropStopWords(words)), limit+len(hits))
	if err != nil {
		return nil, fmt.Errorf("store: cannot search: %w", err)
	}
	hits, err = appendHits(hits, rows, limit)
	if err != nil {
		return nil, fmt.Errorf("store: cannot search: %w", err)
	}
	return hits, nil
}

// exactID returns the document whose ID equals id ignoring ASCII case, or nil.
func (s *Store) exactID(ctx context.Context, id string) (*Hit, error) {
	if id == "" {
		return nil, nil
	}
	var (
		h                Hit
		published, added sql.NullInt64
	)
	// When IDs differ only by case, the exact spelling wins.
	err := s.read.QueryRowContext(ctx, `SELECT id, title, published, added FROM documents
		WHERE id = ?1 COLLATE NOCASE ORDER BY id = ?1 DESC LIMIT 1`, id).
		Scan(&h.ID, &h.Title, &published, &added)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h.Published, h.Added, h.Score = fromNanos(published), fromNanos(added), ExactIDScore
	return &h, nil
}

// Autocomplete suggests documents while the user types: documents whose ID
// starts with the input, then documents whose title holds every word of the
// input, the last word as a prefix (unless the input ends with a space).
// It returns at most min(limit, 25) hits; blank input returns Recent.
func (s *Store) Autocomplete(ctx context.Context, input string, limit int) ([]Hit, error) {
	limit = clampLimit(limit, MaxAutocomplete)
	trimmed := strings.TrimSpace(input)
	if trimmed == "" {
		return s.Recent(ctx, limit)
	}

	var hits []Hit
	// IDs hold no spaces; don't look for one when the input does.
	if !strings.ContainsFunc(trimmed, unicode.IsSpace) {
		rows, err := s.read.QueryContext(ctx, `SELECT id, title, published, added,
			CASE WHEN id = ?1 COLLATE NOCASE THEN ?4 ELSE ?5 END
			FROM documents
			WHERE id >= ?1 COLLATE NOCASE AND id < ?2 COLLATE NOCASE
			ORDER BY id = ?1 COLLATE NOCASE DESC, id COLLATE NOCASE LIMIT ?3`,
			trimmed, trimmed+"\U0010FFFF", limit, ExactIDScore, IDPrefixScore)
		if err != nil {
			return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
		}
		if hits, err = appendHits(hits, rows, limit); err != nil {
			return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
		}
	}
	if len(hits) >= limit {
		return hits, nil
	}

	words := queryWords(input)
	if len(words) == 0 {
		return hits, nil
	}
	prefix := !endsWithSeparator(input)
	rows, err := s.read.QueryContext(ctx, `
		SELECT d.id, d.title, d.published, d.added, -f.rank
		FROM (SELECT rowid, rank FROM titles_fts
		      WHERE titles_fts MATCH ? ORDER BY rank LIMIT ?) AS f
		JOIN documents AS d ON d.n = f.rowid
		ORDER BY f.rank`,
		matchAll(words, prefix), limit+len(hits))
	if err != nil {
		return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
	}
	if hits, err = appendHits(hits, rows, limit); err != nil {
		return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
	}
	return hits, nil
}

// Recent returns the most recent documents: by Published when known, else by
// Added; newest first.
func (s *Store) Recent(ctx context.Context, limit int) ([]Hit, error) {
	limit = clampLimit(limit, MaxLimit)
	rows, err := s.read.QueryContext(ctx, `SELECT id, title, published, added, 0
		FROM documents ORDER BY coalesce(published, added) DESC, n DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: cannot list recent documents: %w", err)
	}
	hits, err := appendHits(nil, rows, limit)
	if err != nil {
		return nil, fmt.Errorf("store: cannot list recent documents: %w", err)
	}
	return hits, nil
}

// appendHits reads rows of (id, title, published, added, score) into hits,
// skipping IDs already there, until hits holds limit entries. It closes rows.
func appendHits(hits []Hit, rows *sql.Rows, limit int) ([]Hit, error) {
	defer rows.Close()
	seen := make(map[string]bool, len(hits))
	for _, h := range hits {
		seen[h.ID] = true
	}
	for len(hits) < limit && rows.Next() {
		var (
			h                Hit
			published, added sql.NullInt64
		)
		if err := rows.Scan(&h.ID, &h.Title, &published, &added, &h.Score); err != nil {
			return nil, err
		}
		if seen[h.ID] {
			continue
		}
		seen[h.ID] = true
		h.Published, h.Added = fromNanos(published), fromNanos(added)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return hits, nil
}

// queryWords splits user input into lowercase words the way the unicode61
// tokenizer does: letters, digits and combining marks make words, everything
// else separates them. At most maxQueryWords words are kept.
func queryWords(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	return words
}

func endsWithSeparator(s string) bool {
	w := queryWords(s)
	if len(w) == 0 {
		return true
	}
	return !strings.HasSuffix(strings.ToLower(s), w[len(w)-1])
}

// stopWords are English words too common to help ranking; dropping them from
// an OR query keeps it from matching (and scoring) nearly every document.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true,
	"be": true, "by": true, "for": true, "from": true, "has": true, "have": true,
	"in": true, "is": true, "it": true, "its": true, "of": true, "on": true,
	"or": true, "s": true, "that": true, "the": true, "to": true, "was": true,
	"were": true, "will": true, "with": true, "what": true, "who": true,
	"how": true, "why": true, "about": true, "after": true, "over": true,
}

// dropStopWords removes stop words unless nothing else would remain.
func dropStopWords(words []string) []string {
	kept := make([]string, 0, len(words))
	for _, w := range words {
		if !stopWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return words
	}
	return kept
}

// ftsString quotes a word as an FTS5 string. Words from queryWords hold only
// letters, digits and marks, so they cannot contain a quote; doubling quotes
// keeps this safe for any input regardless.
func ftsString(w string) string {
	return `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
}

// matchAny builds an FTS5 expression matching documents holding any word.
func matchAny(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = ftsString(w)
	}
	return strings.Join(q, " OR ")
}

// matchAll builds an FTS5 expression matching documents holding every word,
// the last one as a prefix when prefix is set.
func matchAll(words []string, prefix bool) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = ftsString(w)
	}
	if prefix {
		q[len(q)-1] += "*"
	}
	return strings.Join(q, " ")
}
