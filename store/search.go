package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// Tuning of the bounded ranking; see Search. The costs behind these numbers
// are in BENCHMARKS.md: FTS5's bm25() reads the whole document list of every
// word it scores (to count the documents holding it) and costs about 1.5 µs
// per ranked row, so a word found in half of 100,000 documents costs about
// 80 ms to rank over the body index, and 1.7 ms over the title index.
const (
	// narrowDocs is the most documents a word may appear in for Search to
	// rank it over titles and bodies of the whole corpus.
	narrowDocs = 500
	// titleWindow is how many of the newest title matches Search ranks when
	// a query has broad words.
	titleWindow = 100
	// suggestWindow is how many of the newest title matches Autocomplete
	// orders for display.
	suggestWindow = 100
)

// The queries of Search, Autocomplete and Recent. Their text is fixed (the
// MATCH expressions built from the input are parameters), so they are
// prepared once at Open; see statements.
const (
	// exactIDSQL finds a document by ID ignoring ASCII case; when IDs differ
	// only by case, the exact spelling wins.
	exactIDSQL = `SELECT id, title, published, added FROM documents
		WHERE id = ?1 COLLATE NOCASE ORDER BY id = ?1 DESC LIMIT 1`
	// wordDocsSQL counts the documents matching an expression, up to a limit.
	wordDocsSQL = `SELECT count(*) FROM (SELECT 1 FROM documents_fts
		WHERE documents_fts MATCH ? LIMIT ?)`
	rankNarrowSQL = `
		SELECT d.id, d.title, d.published, d.added, f.score
		FROM (SELECT rowid, -bm25(documents_fts, 10.0, 1.0) AS score FROM documents_fts
		      WHERE documents_fts MATCH ? ORDER BY score DESC LIMIT ?) AS f
		JOIN documents AS d ON d.n = f.rowid
		ORDER BY f.score DESC`
	// titleFromSQL finds the rowid from which the newest title matches start.
	titleFromSQL = `SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?
		ORDER BY rowid DESC LIMIT 1 OFFSET ?`
	rankTitlesSQL = `
		SELECT d.id, d.title, d.published, d.added, f.score
		FROM (SELECT rowid, -bm25(titles_fts) AS score FROM titles_fts
		      WHERE titles_fts MATCH ? AND rowid >= ? ORDER BY score DESC LIMIT ?) AS f
		JOIN documents AS d ON d.n = f.rowid
		ORDER BY f.score DESC`
	newestBroadSQL = `
		SELECT d.id, d.title, d.published, d.added, 0
		FROM (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?
		      ORDER BY rowid DESC LIMIT ?) AS f
		JOIN documents AS d ON d.n = f.rowid
		ORDER BY f.rowid DESC`
	suggestIDsSQL = `SELECT id, title, published, added,
		CASE WHEN id = ?1 COLLATE NOCASE THEN ?4 ELSE ?5 END
		FROM documents
		WHERE id >= ?1 COLLATE NOCASE AND id < ?2 COLLATE NOCASE
		ORDER BY id = ?1 COLLATE NOCASE DESC, id COLLATE NOCASE LIMIT ?3`
	suggestTitlesSQL = `
		SELECT d.id, d.title, d.published, d.added, 0
		FROM (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?
		      ORDER BY rowid DESC LIMIT ?) AS f
		JOIN documents AS d ON d.n = f.rowid
		ORDER BY f.rowid DESC`
	recentSQL = `SELECT id, title, published, added, 0
		FROM documents ORDER BY coalesce(published, added) DESC, n DESC LIMIT ?`
)

// Search finds documents for a free-text query: first a document whose ID
// equals the query (ignoring ASCII case), then documents holding any of the
// query's words, best first. Words are matched without regard to case or
// diacritics, and plurals and other inflections match their stem
// ("sanctions" finds "sanction"). The query is never interpreted as FTS
// syntax. A blank query returns Recent.
//
// Ranking is BM25 with title matches weighing ten times body matches, bounded
// so that no query reads more than a few thousand index entries:
//   - narrow words (in at most 500 documents) are ranked over the titles and
//     bodies of the whole corpus;
//   - broad words are ranked over titles only, among the 100 newest documents
//     with a query word in their title; these hits follow the narrow ones;
//   - if that still leaves room, the newest documents holding a broad word
//     anywhere follow.
//
// Scores are comparable within one result list only.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	limit = clampLimit(limit, MaxLimit)
	words := queryWords(query)
	if len(words) == 0 && strings.TrimSpace(query) == "" {
		return s.Recent(ctx, limit)
	}
	hits, err := s.search(ctx, strings.TrimSpace(query), dropStopWords(words), limit)
	if err != nil {
		return nil, fmt.Errorf("store: cannot search: %w", err)
	}
	return hits, nil
}

func (s *Store) search(ctx context.Context, query string, words []string, limit int) ([]Hit, error) {
	var hits []Hit
	exact, err := s.exactID(ctx, query)
	if err != nil {
		return nil, err
	}
	if exact != nil {
		hits = append(hits, *exact)
	}
	if len(words) == 0 || len(hits) >= limit {
		return hits, nil
	}

	var narrow, broad []string
	for _, w := range words {
		var n int
		if err := s.stmts.wordDocs.QueryRowContext(ctx, ftsString(w), narrowDocs+1).Scan(&n); err != nil {
			return nil, err
		}
		if n > narrowDocs {
			broad = append(broad, w)
		} else if n > 0 {
			narrow = append(narrow, w)
		}
	}

	// Ask for one more in case the exact ID match is among the text matches.
	if len(narrow) > 0 {
		rows, err := s.stmts.rankNarrow.QueryContext(ctx, matchAny(narrow), limit+1)
		if err != nil {
			return nil, err
		}
		if hits, err = appendHits(hits, rows, limit); err != nil {
			return nil, err
		}
	}
	if len(broad) == 0 || len(hits) >= limit {
		return hits, nil
	}

	// Broad words: rank the newest title matches of every word. The title
	// index is not stemmed: ask for singulars and plurals.
	var forms []string
	for _, w := range words {
		forms = append(forms, numberForms(w)...)
	}
	expr := matchAny(forms)
	var from int64
	err = s.stmts.titleFrom.QueryRowContext(ctx, expr, titleWindow-1).Scan(&from)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := s.stmts.rankTitles.QueryContext(ctx, expr, from, limit+len(hits))
	if err != nil {
		return nil, err
	}
	n := len(hits)
	if hits, err = appendHits(hits, rows, limit); err != nil {
		return nil, err
	}
	scoreBelow(hits, n)
	if len(hits) >= limit {
		return hits, nil
	}

	// Broad words found in no title: the newest documents with them.
	rows, err = s.stmts.newestBroad.QueryContext(ctx, matchAny(broad), limit+len(hits))
	if err != nil {
		return nil, err
	}
	n = len(hits)
	if hits, err = appendHits(hits, rows, limit); err != nil {
		return nil, err
	}
	for i := n; i < len(hits); i++ {
		hits[i].Score = 1 / float64(2+i-n)
	}
	scoreBelow(hits, n)
	return hits, nil
}

// scoreBelow rescales the scores of hits[from:], which come from a later
// stage of a search, below the lowest score of hits[:from], keeping their
// order, so that scores decrease along the list.
func scoreBelow(hits []Hit, from int) {
	if from == 0 || from >= len(hits) {
		return
	}
	floor := hits[from-1].Score
	for i := from; i < len(hits); i++ {
		sc := max(hits[i].Score, 0)
		hits[i].Score = floor * sc / (sc + 1)
	}
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
	err := s.stmts.exactID.QueryRowContext(ctx, id).Scan(&h.ID, &h.Title, &published, &added)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h.Published, h.Added, h.Score = fromNanos(published), fromNanos(added), ExactIDScore
	return &h, nil
}

// Autocomplete suggests documents while the user types: the document whose
// ID is the input, documents whose ID starts with the input (up to half the
// list), then documents whose title holds every word of the input, the last
// word as a prefix (unless the input ends with a space), then further ID
// matches. Among the 100 newest such titles, those starting with the input
// come first, then those where the first word appears earlier, then shorter
// titles, then newer ones. It returns at most min(limit, 25) hits; blank input
// returns Recent.
func (s *Store) Autocomplete(ctx context.Context, input string, limit int) ([]Hit, error) {
	limit = clampLimit(limit, MaxAutocomplete)
	trimmed := strings.TrimSpace(input)
	if trimmed == "" {
		return s.Recent(ctx, limit)
	}

	// IDs are file names, which may hold spaces: look for one whatever the
	// input. The range is a scan of the NOCASE index on id.
	rows, err := s.stmts.suggestIDs.QueryContext(ctx,
		trimmed, trimmed+"\U0010FFFF", limit, ExactIDScore, IDPrefixScore)
	if err != nil {
		return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
	}
	idHits, err := appendHits(nil, rows, limit)
	if err != nil {
		return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
	}

	var titleHits []Hit
	if words := queryWords(input); len(words) > 0 {
		rows, err := s.stmts.suggestTitles.QueryContext(ctx,
			matchAll(words, !endsWithSeparator(input)), suggestWindow)
		if err != nil {
			return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
		}
		if titleHits, err = appendHits(nil, rows, suggestWindow); err != nil {
			return nil, fmt.Errorf("store: cannot autocomplete: %w", err)
		}
		rankSuggestions(titleHits, strings.ToLower(trimmed), words)
	}

	// The exact ID first, ID prefixes up to half the list, titles, then any
	// remaining ID prefixes.
	hits := make([]Hit, 0, limit)
	seen := make(map[string]bool)
	add := func(h Hit) {
		if len(hits) < limit && !seen[h.ID] {
			seen[h.ID] = true
			hits = append(hits, h)
		}
	}
	for i, h := range idHits {
		if i < (limit+1)/2 || h.Score == ExactIDScore {
			add(h)
		}
	}
	for _, h := range titleHits {
		add(h)
	}
	for _, h := range idHits {
		add(h)
	}
	return hits, nil
}

// rankSuggestions scores and sorts title matches, newest first on input: a
// title starting with the input scores highest, then titles whose first
// matching word comes early, then short titles; the sort is stable, so ties
// stay newest first.
func rankSuggestions(hits []Hit, input string, words []string) {
	first := words[0]
	for i := range hits {
		title := queryWords(hits[i].Title)
		score := 1 / float64(1+len(title)) // shorter titles first
		if strings.HasPrefix(strings.ToLower(hits[i].Title), input) {
			score += 4
		}
		for pos, w := range title {
			if strings.HasPrefix(w, first) || strings.HasPrefix(first, w) {
				score += 2 / float64(1+pos)
				break
			}
		}
		hits[i].Score = score
	}
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
}

// Recent returns the most recent documents: by Published when known, else by
// Added; newest first.
func (s *Store) Recent(ctx context.Context, limit int) ([]Hit, error) {
	limit = clampLimit(limit, MaxLimit)
	rows, err := s.stmts.recent.QueryContext(ctx, limit)
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

// matchAll builds an FTS5 expression for the unstemmed title index matching
// titles holding every word, each in its singular or plural form, the last
// one as a prefix when prefix is set.
func matchAll(words []string, prefix bool) string {
	q := make([]string, len(words))
	for i, w := range words {
		if prefix && i == len(words)-1 {
			q[i] = ftsString(w) + "*"
			continue
		}
		forms := numberForms(w)
		for j, f := range forms {
			forms[j] = ftsString(f)
		}
		q[i] = strings.Join(forms, " OR ")
		if len(forms) > 1 {
			q[i] = "(" + q[i] + ")"
		}
	}
	return strings.Join(q, " AND ")
}

// numberForms returns w with its likely English singular or plural forms:
// sanction/sanctions, country/countries, tax/taxes. Forms that are not words
// cost nothing: they match no title.
func numberForms(w string) []string {
	forms := []string{w}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		forms = append(forms, w[:len(w)-3]+"y")
	case strings.HasSuffix(w, "es") && len(w) > 3:
		forms = append(forms, w[:len(w)-2], w[:len(w)-1])
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 2:
		forms = append(forms, w[:len(w)-1])
	case strings.HasSuffix(w, "y") && len(w) > 2:
		forms = append(forms, w+"s", w[:len(w)-1]+"ies")
	default:
		forms = append(forms, w+"s", w+"es")
	}
	return forms
}
