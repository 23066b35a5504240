package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
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

// Tuning of the bounded candidate search; see Search. The costs behind these
// numbers are in BENCHMARKS.md: FTS5's bm25() reads the whole document list
// of every word it scores (to count the documents holding it) and costs about
// 1.5 µs per ranked row, so a word found in half of 100,000 documents costs
// about 80 ms to rank over the body index, and 1.7 ms over the title index.
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
	// minCandidates is the fewest documents the narrow-word step proposes for
	// the final BM25F ranking (three times the limit when that is more);
	// each step for broad words proposes minBroadCandidates (twice the limit
	// when that is more), since they are many and each costs reading and
	// tokenizing its body.
	minCandidates      = 30
	minBroadCandidates = 15
)

// The queries of Search, Autocomplete and Recent. Their text is fixed (the
// MATCH expressions built from the input are parameters), so they are
// prepared once at Open; see statements.
const (
	// exactIDSQL finds a document by ID ignoring ASCII case; when IDs differ
	// only by case, the exact spelling wins.
	exactIDSQL = `SELECT id, title, published, added FROM documents
		WHERE id = ?1 COLLATE NOCASE ORDER BY id = ?1 DESC LIMIT 1`
	// indexStatsSQL reads FTS5's averages record (the number of rows, then
	// the total number of tokens of each column, as varints) and the highest
	// rowid.
	indexStatsSQL = `SELECT (SELECT block FROM documents_fts_data WHERE id = 1),
		(SELECT min(n) FROM documents), (SELECT max(n) FROM documents)`
	// wordDocsSQL counts the oldest documents matching an expression, up to
	// a limit, and gives the highest rowid among them: past the limit, the
	// rowids they span tell what share of the corpus holds the word.
	wordDocsSQL = `SELECT count(*), max(rowid) FROM (SELECT rowid FROM documents_fts
		WHERE documents_fts MATCH ? LIMIT ?)`
	rankNarrowSQL = `SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?
		ORDER BY bm25(documents_fts, 10.0, 1.0) LIMIT ?`
	// rankTitlesSQL ranks the newest title matches (those from the rowid of
	// the ?2+1-th newest, or all when fewer), in one round trip.
	rankTitlesSQL = `SELECT rowid FROM titles_fts
		WHERE titles_fts MATCH ?1 AND rowid >= coalesce((SELECT rowid FROM titles_fts
			WHERE titles_fts MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2), 0)
		ORDER BY bm25(titles_fts) LIMIT ?3`
	// newestMatchSQL lists the newest documents matching an expression; FTS5
	// walks its lists backwards and stops at the limit.
	newestMatchSQL = `SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?
		ORDER BY rowid DESC LIMIT ?`
	// candidatesSQL reads what BM25F needs of the candidates, given as a
	// JSON array of rowids.
	candidatesSQL = `SELECT n, id, title, published, added, body FROM documents
		WHERE n IN (SELECT value FROM json_each(?))`
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
// ("sanctions" finds "sanction"). Stop words and the words of a question
// ("what did ... say") do not count. The query is never interpreted as FTS
// syntax. A blank query returns Recent.
//
// Ranking is in two steps. FTS5 proposes candidates, bounded so that no
// query reads more than a few thousand index entries:
//   - narrow words (in at most 500 documents) are ranked over the titles and
//     bodies of the whole corpus;
//   - when those propose fewer than 30 documents, broad words are ranked
//     over titles only, among the 100 newest documents with a query word in
//     their title;
//   - for broad words alone, the newest documents holding all of them, then
//     the newest holding any.
//
// Then every candidate is scored with BM25F over all the query words (see
// bm25f.go): title and body as fields, a boost for capitalised names and for
// query words that follow each other in the text.
//
// Scores are comparable within one result list only.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	if s.index != nil {
		ix, err := s.searcher(ctx)
		if err != nil {
			return nil, err
		}
		return ix.Search(ctx, query, limit)
	}
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
	st, minRowid, maxRowid, statsKey, err := s.indexStats(ctx)
	if err != nil {
		return nil, err
	}
	gen := s.dfs.begin(statsKey)

	// Document frequencies: exact up to narrowDocs, estimated beyond.
	names := nameWords(query)
	var (
		terms         []queryTerm
		narrow, broad []string
		seen          = map[string]bool{}
	)
	for _, w := range words {
		key := foldWord(w)
		if seen[key] {
			continue
		}
		seen[key] = true
		wd, err := s.wordDocs(ctx, gen, statsKey, w)
		if err != nil {
			return nil, err
		}
		n := wd.n
		if n == 0 {
			continue
		}
		df := n
		if n > narrowDocs {
			broad = append(broad, w)
			// The first n documents holding the word reach rowid upTo: if
			// it is spread evenly, its share of the corpus is n over the
			// share of rowids up to upTo.
			if span := wd.upTo - minRowid + 1; wd.upTo > 0 && span > 0 {
				df = min(st.docs, n*(maxRowid-minRowid+1)/span)
			}
		} else {
			narrow = append(narrow, w)
		}
		weight := idf(st.docs, df)
		if names[key] {
			weight *= nameBoost
		}
		terms = append(terms, queryTerm{key: key, idf: weight})
	}
	if len(terms) == 0 {
		return hits, nil
	}

	// Candidates, from the steps that are cheap for the words at hand.
	k := max(minCandidates, 3*limit)
	var cands []int64
	if len(narrow) > 0 {
		if cands, err = appendRowids(ctx, cands, s.stmts.rankNarrow, matchAny(narrow), k); err != nil {
			return nil, err
		}
	}
	// Broad words count in the ranking of every candidate; they only
	// propose candidates of their own when the narrow words leave room,
	// since a document without any narrow word rarely beats those with one
	// (their IDF is the higher) and these steps cost the most.
	if len(broad) > 0 && len(cands) < k {
		k := max(minBroadCandidates, 2*limit)
		// The title index is not stemmed: ask for singulars and plurals.
		var forms []string
		for _, w := range broad {
			forms = append(forms, numberForms(w)...)
		}
		expr := matchAny(forms)
		if cands, err = appendRowids(ctx, cands, s.stmts.rankTitles, expr, titleWindow-1, k); err != nil {
			return nil, err
		}
		// Documents holding every word, when no narrow word has already
		// proposed the documents that hold it.
		all := broad
		if len(narrow) == 0 && len(all) > 1 {
			// The body index is stemmed: each word as it is.
			q := make([]string, len(all))
			for i, w := range all {
				q[i] = ftsString(w)
			}
			if cands, err = appendRowids(ctx, cands, s.stmts.newestMatch, strings.Join(q, " AND "), k); err != nil {
				return nil, err
			}
		}
		// With only broad words, fill up with the newest documents holding
		// any; with narrow ones too, those would be arbitrary.
		if len(narrow) == 0 && len(cands) < k {
			if cands, err = appendRowids(ctx, cands, s.stmts.newestMatch, matchAny(broad), k-len(cands)); err != nil {
				return nil, err
			}
		}
	}

	ranked, err := s.rankCandidates(ctx, cands, terms, st)
	if err != nil {
		return nil, err
	}
	seenID := map[string]bool{}
	for _, h := range hits {
		seenID[h.ID] = true
	}
	for _, h := range ranked {
		if len(hits) >= limit {
			break
		}
		if !seenID[h.ID] {
			hits = append(hits, h)
		}
	}
	return hits, nil
}

// wordDocs counts the documents holding w, up to narrowDocs+1, and gives
// the highest rowid among them, from the cache when it has them.
func (s *Store) wordDocs(ctx context.Context, gen uint64, key, w string) (wordDocs, error) {
	if wd, ok := s.dfs.get(w); ok {
		return wd, nil
	}
	var (
		wd   wordDocs
		upTo sql.NullInt64
	)
	if err := s.stmts.wordDocs.QueryRowContext(ctx, ftsString(w), narrowDocs+1).Scan(&wd.n, &upTo); err != nil {
		return wordDocs{}, err
	}
	wd.upTo = upTo.Int64
	s.dfs.put(gen, key, w, wd)
	return wd, nil
}

// appendRowids runs stmt with args and appends the rowids it returns that
// cands does not hold yet.
func appendRowids(ctx context.Context, cands []int64, stmt *sql.Stmt, args ...any) ([]int64, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if !slices.Contains(cands, n) {
			cands = append(cands, n)
		}
	}
	return cands, rows.Err()
}

// rankCandidates reads the candidates and orders them by BM25F, best first.
func (s *Store) rankCandidates(ctx context.Context, cands []int64, terms []queryTerm, st corpusStats) ([]Hit, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(cands)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(terms))
	for i, t := range terms {
		index[t.key] = i
	}
	rows, err := s.stmts.candidates.QueryContext(ctx, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type ranked struct {
		n int64
		h Hit
	}
	var rs []ranked
	for rows.Next() {
		var (
			r                ranked
			published, added sql.NullInt64
			body             string
		)
		if err := rows.Scan(&r.n, &r.h.ID, &r.h.Title, &published, &added, &body); err != nil {
			return nil, err
		}
		r.h.Published, r.h.Added = fromNanos(published), fromNanos(added)
		r.h.Score = bm25f(terms, countTerms(r.h.Title, index, len(terms), 0),
			countTerms(body, index, len(terms), leadWords), st)
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Ties go to the most recently added document (the highest rowid).
	slices.SortFunc(rs, func(a, b ranked) int {
		if c := cmp.Compare(b.h.Score, a.h.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.n, a.n)
	})
	hits := make([]Hit, len(rs))
	for i, r := range rs {
		hits[i] = r.h
	}
	return hits, nil
}

// indexStats reads the number of documents and the average title and body
// lengths from FTS5's averages record, and the lowest and highest rowids.
// The key returned holds all three, so that it changes with the documents
// (see dfCache).
func (s *Store) indexStats(ctx context.Context) (st corpusStats, minRowid, maxRowid int64, key string, err error) {
	var (
		block      []byte
		minN, maxN sql.NullInt64
	)
	if err := s.stmts.indexStats.QueryRowContext(ctx).Scan(&block, &minN, &maxN); err != nil {
		return corpusStats{}, 0, 0, "", err
	}
	minRowid, maxRowid = minN.Int64, maxN.Int64
	key = fmt.Sprintf("%x %d %d", block, minRowid, maxRowid)
	var vals [3]int64
	for i := range vals {
		v, n := binary.Uvarint(block)
		if n <= 0 {
			// An empty index has no averages record yet.
			return corpusStats{docs: 0, avgTitle: 1, avgBody: 1}, minRowid, maxRowid, key, nil
		}
		vals[i], block = int64(v), block[n:]
	}
	st = corpusStats{docs: vals[0], avgTitle: 1, avgBody: 1}
	if st.docs > 0 {
		st.avgTitle = float64(vals[1]) / float64(st.docs)
		st.avgBody = float64(vals[2]) / float64(st.docs)
	}
	return st, minRowid, maxRowid, key, nil
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
	if s.index != nil {
		ix, err := s.searcher(ctx)
		if err != nil {
			return nil, err
		}
		return ix.Autocomplete(ctx, input, limit)
	}
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
	if s.index != nil {
		ix, err := s.searcher(ctx)
		if err != nil {
			return nil, err
		}
		return ix.Recent(ctx, limit)
	}
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

// stopWords are English words too common to help ranking, and the words
// that make a sentence a question ("what did ... say about ...?", "how many
// ..."): dropping them from an OR query keeps it from matching (and scoring)
// nearly every document, and keeps a question's grammar from outweighing
// its subject.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be been being by for from
		has have had in is it its of on or s that the this these those to was were
		will with about after over into than then there their they them he she his
		her him we our you your i me my do does did done doing can could would
		should shall may might must what who whom whose which when where why how
		much many say says said tell told happen happened happening get got not
		no any some so if but`) {
		m[w] = true
	}
	return m
}()

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
