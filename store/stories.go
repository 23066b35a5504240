package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Stories: which story each document belongs to, as the grouper (package
// stories) decided, and the IDs of merged stories with the story they went
// into. The grouper itself lives in memory; these rows are what outlives
// the process, so that a story keeps its ID across restarts and an ID once
// shown to a user (in a Discord button) keeps resolving.

// StoryWriter records story assignments and merges. *Store is one (each
// call its own transaction), and so are the writers StoryBatch and
// StoryTurn hand out.
// Its first two methods are stories.Store.
type StoryWriter interface {
	SetStory(ctx context.Context, docID, storyID string) error
	MergeStories(ctx context.Context, from, into string) error
	// SetCopyOf records that a document (already in a story) is a copy of
	// original; "" makes it an original.
	SetCopyOf(ctx context.Context, docID, original string) error
}

var _ StoryWriter = (*Store)(nil)

// SetStory records that the document belongs to the story (or to the story
// that story was merged into). A document keeps its place in the order of
// first assignment when it is moved.
func (s *Store) SetStory(ctx context.Context, docID, storyID string) error {
	return s.StoryBatch(ctx, func(w StoryWriter) error { return w.SetStory(ctx, docID, storyID) })
}

// MergeStories moves every document of the story from into the story into
// and makes from resolve to into from then on. Both are resolved first, so
// merging a story already merged is a no-op.
func (s *Store) MergeStories(ctx context.Context, from, into string) error {
	return s.StoryBatch(ctx, func(w StoryWriter) error { return w.MergeStories(ctx, from, into) })
}

// SetCopyOf records that the document is a near-identical copy of
// original ("" for none).
func (s *Store) SetCopyOf(ctx context.Context, docID, original string) error {
	return s.StoryBatch(ctx, func(w StoryWriter) error { return w.SetCopyOf(ctx, docID, original) })
}

// StoryBatch runs fn with a writer whose changes are committed together
// when fn returns nil, and not at all otherwise: rebuilding the stories at
// start writes thousands of rows in one transaction instead of thousands.
//
// It takes the stories lock (see StoryTurn), so that a seq is never given
// out twice, but reads nothing: a process that groups documents uses
// StoryTurn, to see first what the others grouped.
func (s *Store) StoryBatch(ctx context.Context, fn func(w StoryWriter) error) error {
	err := s.inTx(ctx, func(tx *sqlTx) error {
		if err := s.lockStories(ctx, tx); err != nil {
			return err
		}
		return fn(storyTx{tx})
	})
	if err != nil {
		return fmt.Errorf("store: cannot record stories: %w", err)
	}
	return nil
}

type storyTx struct{ tx *sqlTx }

func (t storyTx) SetStory(ctx context.Context, docID, storyID string) error {
	if docID == "" || storyID == "" {
		return errors.New("a story assignment needs a document and a story")
	}
	root, err := resolveStory(ctx, t.tx, storyID)
	if err != nil {
		return err
	}
	// seq is the order of first assignment, which is the order to replay
	// the documents in to rebuild the same stories; a move keeps it. The
	// WHERE skips writing a row that does not change.
	_, err = t.tx.ExecContext(ctx, `INSERT INTO story_docs (doc_id, story_id, seq)
		VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM story_docs))
		ON CONFLICT (doc_id) DO UPDATE SET story_id = excluded.story_id
		WHERE story_docs.story_id <> excluded.story_id`, docID, root)
	if err != nil {
		return fmt.Errorf("story of %q: %w", docID, err)
	}
	return nil
}

func (t storyTx) SetCopyOf(ctx context.Context, docID, original string) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE story_docs SET copy_of = ? WHERE doc_id = ? AND copy_of <> ?`, original, docID, original)
	if err != nil {
		return fmt.Errorf("copy of %q: %w", docID, err)
	}
	return nil
}

func (t storyTx) MergeStories(ctx context.Context, from, into string) error {
	if from == "" || into == "" {
		return errors.New("a story merge needs two stories")
	}
	from, err := resolveStory(ctx, t.tx, from)
	if err != nil {
		return err
	}
	into, err = resolveStory(ctx, t.tx, into)
	if err != nil {
		return err
	}
	if from == into {
		return nil
	}
	// Aliases point straight at a story that has none, so resolving is one
	// lookup: those that pointed at from now point at into.
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE story_docs SET story_id = ? WHERE story_id = ?`, []any{into, from}},
		{`UPDATE story_aliases SET into_id = ? WHERE into_id = ?`, []any{into, from}},
		{`INSERT INTO story_aliases (story_id, into_id) VALUES (?, ?)
			ON CONFLICT (story_id) DO UPDATE SET into_id = excluded.into_id`, []any{from, into}},
	} {
		if _, err := t.tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("merge story %q into %q: %w", from, into, err)
		}
	}
	return nil
}

// resolveStory follows a merged story's alias; the aliases are kept one
// step long by MergeStories.
func resolveStory(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, id string) (string, error) {
	var into string
	err := q.QueryRowContext(ctx, `SELECT into_id FROM story_aliases WHERE story_id = ?`, id).Scan(&into)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return id, nil
	case err != nil:
		return "", fmt.Errorf("resolve story %q: %w", id, err)
	}
	return into, nil
}

// StoryState is every recorded assignment and alias, for rebuilding the
// grouper at start.
type StoryState struct {
	// Docs are the stored documents' stories, in the order they were first
	// assigned.
	Docs []StoryAssignment
	// Aliases maps each merged story ID to the story it now resolves to.
	Aliases map[string]string
	// Top is the highest seq recorded when Docs were read (a removed
	// document's row counts too): a StoryTurn's InputsSince(Top) gives the
	// assignments recorded after them.
	Top int64
}

// StoryAssignment is one document's story, and the document it copies
// ("" for an original).
type StoryAssignment struct{ DocID, StoryID, CopyOf string }

// StoryState reads every assignment of a stored document, and every alias.
func (s *Store) StoryState(ctx context.Context) (StoryState, error) {
	st := StoryState{Aliases: map[string]string{}}
	// One statement, so that Top and Docs come from one snapshot: a row
	// recorded later has a higher seq (they are given out under the
	// stories lock, see StoryTurn).
	rows, err := s.read.QueryContext(ctx, `SELECT sd.doc_id, sd.story_id, sd.copy_of, sd.seq, d.id IS NULL
		FROM story_docs sd LEFT JOIN documents d ON d.id = sd.doc_id ORDER BY sd.seq`)
	if err != nil {
		return StoryState{}, fmt.Errorf("store: cannot read stories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a StoryAssignment
		var seq int64
		var removed bool
		if err := rows.Scan(&a.DocID, &a.StoryID, &a.CopyOf, &seq, &removed); err != nil {
			return StoryState{}, fmt.Errorf("store: cannot read stories: %w", err)
		}
		st.Top = max(st.Top, seq)
		if !removed {
			st.Docs = append(st.Docs, a)
		}
	}
	if err := rows.Err(); err != nil {
		return StoryState{}, fmt.Errorf("store: cannot read stories: %w", err)
	}
	arows, err := s.read.QueryContext(ctx, `SELECT story_id, into_id FROM story_aliases`)
	if err != nil {
		return StoryState{}, fmt.Errorf("store: cannot read story aliases: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var from, into string
		if err := arows.Scan(&from, &into); err != nil {
			return StoryState{}, fmt.Errorf("store: cannot read story aliases: %w", err)
		}
		st.Aliases[from] = into
	}
	if err := arows.Err(); err != nil {
		return StoryState{}, fmt.Errorf("store: cannot read story aliases: %w", err)
	}
	return st, nil
}

// ForgetRemovedStoryDocs drops the assignments of documents no longer
// stored (removed seed files, pruned web pages). Story IDs and aliases
// stay: an ID once given out keeps resolving.
func (s *Store) ForgetRemovedStoryDocs(ctx context.Context) (int, error) {
	n, err := forgetRemovedStoryDocs(ctx, s.write)
	if err != nil {
		return 0, fmt.Errorf("store: cannot forget stories of removed documents: %w", err)
	}
	return n, nil
}

// forgetRemovedStoryDocs keeps the row with the highest seq even when its
// document is gone: the next seq is the highest plus one, and a seq given
// out again would be missed by a replica that has already caught up to it.
func forgetRemovedStoryDocs(ctx context.Context, x execer) (int, error) {
	res, err := x.ExecContext(ctx, `DELETE FROM story_docs WHERE doc_id NOT IN (SELECT id FROM documents)
		AND seq < (SELECT max(seq) FROM story_docs)`)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Ungrouped returns the stored documents that have no story yet, oldest
// (published, else added) first.
func (s *Store) Ungrouped(ctx context.Context) ([]StoryInput, error) {
	return s.storyInputs(ctx, `WHERE NOT EXISTS (SELECT 1 FROM story_docs sd WHERE sd.doc_id = d.id)`)
}

// UngroupedAfter reports whether a document numbered above after (the
// documents' n, which grows as documents are added) has no story yet, and
// returns the highest number stored, to pass as after next time. Reading
// stories asks this on every command: checking only the documents added
// since the last check keeps that to two index probes, where checking
// every document scans the whole table: 48 ms at 20,000 documents on
// SQLite against 7 µs (BenchmarkStoriesReadyCheck, BENCHMARKS.md).
func (s *Store) UngroupedAfter(ctx context.Context, after int64) (ungrouped bool, top int64, err error) {
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(n), 0) FROM documents`).Scan(&top); err != nil {
		return false, 0, fmt.Errorf("store: cannot read the newest document: %w", err)
	}
	if top <= after {
		return false, top, nil
	}
	err = s.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM documents d WHERE d.n > ?
		AND NOT EXISTS (SELECT 1 FROM story_docs sd WHERE sd.doc_id = d.id))`, after).Scan(&ungrouped)
	if err != nil {
		return false, 0, fmt.Errorf("store: cannot look for documents without a story: %w", err)
	}
	return ungrouped, top, nil
}

// StoryInputs returns every stored document with what grouping reads,
// oldest (published, else added) first.
func (s *Store) StoryInputs(ctx context.Context) ([]StoryInput, error) {
	return s.storyInputs(ctx, "")
}

// StoryInput is what grouping reads of a document.
type StoryInput struct {
	ID, Source, Title, Body string
	Published, Added        time.Time
}

// Time is when the document was published, else when it was added.
func (d StoryInput) Time() time.Time {
	if d.Published.IsZero() {
		return d.Added
	}
	return d.Published
}

func (s *Store) storyInputs(ctx context.Context, where string, args ...any) ([]StoryInput, error) {
	return storyInputs(ctx, s.read, where, args...)
}

func storyInputs(ctx context.Context, q querier, where string, args ...any) ([]StoryInput, error) {
	if !strings.Contains(where, "ORDER BY") {
		where += ` ORDER BY coalesce(d.published, d.added), d.n`
	}
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.source, d.title, d.body, d.published, d.added
		FROM documents d `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: cannot read documents to group: %w", err)
	}
	defer rows.Close()
	var out []StoryInput
	for rows.Next() {
		var d StoryInput
		var published, added sql.NullInt64
		if err := rows.Scan(&d.ID, &d.Source, &d.Title, &d.Body, &published, &added); err != nil {
			return nil, fmt.Errorf("store: cannot read documents to group: %w", err)
		}
		d.Published, d.Added = fromNanos(published), fromNanos(added)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot read documents to group: %w", err)
	}
	return out, nil
}

// StoryDoc is a stored document of a story, without its text.
type StoryDoc struct {
	StoryID                string
	ID, Title, Source, URL string
	Published, Added       time.Time
	// CopyOf is the document this one is a near-identical copy of; "" for
	// an original.
	CopyOf string
}

// Time is when the document was published, else when it was added.
func (d StoryDoc) Time() time.Time {
	if d.Published.IsZero() {
		return d.Added
	}
	return d.Published
}

const storyDocColumns = `sd.story_id, d.id, d.title, d.source, d.url, d.published, d.added, sd.copy_of`

// StoriesSince returns the documents of every story that has a document
// published (else added) at or after since: all of each such story's
// documents, older ones too, oldest first.
func (s *Store) StoriesSince(ctx context.Context, since time.Time) ([]StoryDoc, error) {
	return s.storyDocs(ctx, `WHERE sd.story_id IN (SELECT sd2.story_id FROM story_docs sd2
		JOIN documents d2 ON d2.id = sd2.doc_id WHERE coalesce(d2.published, d2.added) >= ?)`, since.UnixNano())
}

// StoryDocuments returns the stored documents of a story, by any ID it has
// had, oldest first; none for an unknown story.
func (s *Store) StoryDocuments(ctx context.Context, storyID string) ([]StoryDoc, error) {
	root, err := resolveStory(ctx, s.read, storyID)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return s.storyDocs(ctx, `WHERE sd.story_id = ?`, root)
}

// StoryOf returns the story of a document, or an error wrapping
// ErrNotFound when it has none (yet).
func (s *Store) StoryOf(ctx context.Context, docID string) (string, error) {
	var id string
	err := s.read.QueryRowContext(ctx, `SELECT story_id FROM story_docs WHERE doc_id = ?`, docID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: story of %q: %w", docID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: cannot read the story of %q: %w", docID, err)
	}
	return id, nil
}

// StoriesOf returns the stories of the documents that have one, by
// document ID.
func (s *Store) StoriesOf(ctx context.Context, docIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(docIDs))
	if len(docIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(docIDs))
	for i, id := range docIDs {
		args[i] = id
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(docIDs)), ", ")
	rows, err := s.read.QueryContext(ctx, `SELECT doc_id, story_id FROM story_docs WHERE doc_id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: cannot read stories of documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc, story string
		if err := rows.Scan(&doc, &story); err != nil {
			return nil, fmt.Errorf("store: cannot read stories of documents: %w", err)
		}
		out[doc] = story
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot read stories of documents: %w", err)
	}
	return out, nil
}

func (s *Store) storyDocs(ctx context.Context, where string, args ...any) ([]StoryDoc, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+storyDocColumns+` FROM story_docs sd
		JOIN documents d ON d.id = sd.doc_id `+where+` ORDER BY coalesce(d.published, d.added), d.n`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: cannot read stories: %w", err)
	}
	defer rows.Close()
	var out []StoryDoc
	for rows.Next() {
		var d StoryDoc
		var published, added sql.NullInt64
		if err := rows.Scan(&d.StoryID, &d.ID, &d.Title, &d.Source, &d.URL, &published, &added, &d.CopyOf); err != nil {
			return nil, fmt.Errorf("store: cannot read stories: %w", err)
		}
		d.Published, d.Added = fromNanos(published), fromNanos(added)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot read stories: %w", err)
	}
	return out, nil
}

// StoryTurn runs fn in one write transaction that first takes the stories
// lock, committing what fn wrote when it returns nil and nothing
// otherwise. Every process that groups documents (the replicas, the bot
// and a command line on one database) does so in a turn: it reads the
// assignments the others recorded since it last looked (InputsSince),
// replays them into its grouper, then adds its own documents, which take
// the next seqs. So all the groupers see one sequence of documents, and
// being deterministic, make the same decisions.
//
// The lock lives as long as the transaction, not as a named lease: it is
// released at commit, at rollback and when a connection dies, so a process
// killed mid-turn blocks nobody, and a waiter queues in the database
// instead of polling; and the reads, the decisions and their writes are
// one atomic step. On PostgreSQL it is the table lock EXCLUSIVE on
// story_docs (readers go on; story writers take turns). On SQLite the
// write transaction is BEGIN IMMEDIATE, which makes writers of the file
// take turns, across processes too. A turn should be short: on SQLite
// other writers wait for it.
func (s *Store) StoryTurn(ctx context.Context, fn func(t StoryTurnTx) error) error {
	err := s.inTx(ctx, func(tx *sqlTx) error {
		if err := s.lockStories(ctx, tx); err != nil {
			return err
		}
		return fn(StoryTurnTx{storyTx{tx}})
	})
	if err != nil {
		return fmt.Errorf("store: stories: %w", err)
	}
	return nil
}

// lockStories takes the stories lock for the rest of the transaction: on
// PostgreSQL the table lock EXCLUSIVE on story_docs, which conflicts with
// itself and with writers but not with readers; on SQLite the write
// transaction (BEGIN IMMEDIATE) holds the file's one writer lock already.
func (s *Store) lockStories(ctx context.Context, tx *sqlTx) error {
	if s.dialect != postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE story_docs IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("lock stories: %w", err)
	}
	return nil
}

// StoryTurnTx is a StoryTurn's transaction: a StoryWriter that also reads
// what grouping needs, as it stands in the transaction.
type StoryTurnTx struct{ storyTx }

// StoryRecord is an assignment recorded by a turn, with the document as
// grouping reads it.
type StoryRecord struct {
	StoryInput
	Seq     int64
	StoryID string
	// Removed: the document is no longer stored (its text is gone, so it
	// cannot be replayed).
	Removed bool
}

// InputsSince returns the assignments with a seq above seq, in seq order:
// the order their documents entered the grouping. It reads through the
// index on seq, so asking when nothing changed costs one index probe.
func (t StoryTurnTx) InputsSince(ctx context.Context, seq int64) ([]StoryRecord, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT sd.seq, sd.doc_id, sd.story_id, d.id IS NULL,
		coalesce(d.source, ''), coalesce(d.title, ''), coalesce(d.body, ''), d.published, d.added
		FROM story_docs sd LEFT JOIN documents d ON d.id = sd.doc_id
		WHERE sd.seq > ? ORDER BY sd.seq`, seq)
	if err != nil {
		return nil, fmt.Errorf("read stories since %d: %w", seq, err)
	}
	defer rows.Close()
	var out []StoryRecord
	for rows.Next() {
		var r StoryRecord
		var published, added sql.NullInt64
		if err := rows.Scan(&r.Seq, &r.ID, &r.StoryID, &r.Removed, &r.Source, &r.Title, &r.Body, &published, &added); err != nil {
			return nil, fmt.Errorf("read stories since %d: %w", seq, err)
		}
		r.Published, r.Added = fromNanos(published), fromNanos(added)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read stories since %d: %w", seq, err)
	}
	return out, nil
}

// Top returns the highest seq given out (0 when none).
func (t StoryTurnTx) Top(ctx context.Context) (int64, error) {
	var top int64
	if err := t.tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM story_docs`).Scan(&top); err != nil {
		return 0, fmt.Errorf("read the last story seq: %w", err)
	}
	return top, nil
}

// ungroupedChunk bounds the IDs in one query, well under both databases'
// limits on parameters.
const ungroupedChunk = 500

// ungroupedScan is the most IDs Ungrouped looks up one by one.
const ungroupedScan = 8 * ungroupedChunk

// Ungrouped returns the documents among ids that are stored and have no
// story yet, oldest (published, else added) first, at most limit of them
// when limit > 0; with nil ids (or very many), every such document.
func (t StoryTurnTx) Ungrouped(ctx context.Context, ids []string, limit int) ([]StoryInput, error) {
	const none = `NOT EXISTS (SELECT 1 FROM story_docs sd WHERE sd.doc_id = d.id)`
	if ids == nil || len(ids) > ungroupedScan {
		// Past a few thousand IDs (a seed folder synced), one pass over
		// the documents costs less than the lookups; grouping the other
		// documents without a story on the way does no harm.
		if limit > 0 {
			return storyInputs(ctx, t.tx, `WHERE `+none+` ORDER BY coalesce(d.published, d.added), d.n LIMIT ?`, limit)
		}
		return storyInputs(ctx, t.tx, `WHERE `+none)
	}
	var out []StoryInput
	for chunk := range slices.Chunk(ids, ungroupedChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")
		docs, err := storyInputs(ctx, t.tx, `WHERE d.id IN (`+marks+`) AND `+none, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
	}
	// Chunks are each in order; so is the whole, by the same rule (the
	// order only decides the order of this turn's seqs).
	slices.SortStableFunc(out, func(x, y StoryInput) int { return x.Time().Compare(y.Time()) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Resolve returns the story a story ID now resolves to (itself unless it
// was merged).
func (t StoryTurnTx) Resolve(ctx context.Context, storyID string) (string, error) {
	return resolveStory(ctx, t.tx, storyID)
}

// ForgetRemoved is ForgetRemovedStoryDocs in the turn.
func (t StoryTurnTx) ForgetRemoved(ctx context.Context) (int, error) {
	return forgetRemovedStoryDocs(ctx, t.tx)
}
