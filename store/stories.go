package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Stories: which story each document belongs to, as the grouper (package
// stories) decided, and the IDs of merged stories with the story they went
// into. The grouper itself lives in memory; these rows are what outlives
// the process, so that a story keeps its ID across restarts and an ID once
// shown to a user (in a Discord button) keeps resolving.

// StoryWriter records story assignments and merges. *Store is one (each
// call its own transaction), and so is the writer StoryBatch hands out.
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
func (s *Store) StoryBatch(ctx context.Context, fn func(w StoryWriter) error) error {
	err := s.inTx(ctx, func(tx *sqlTx) error { return fn(storyTx{tx}) })
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
}

// StoryAssignment is one document's story, and the document it copies
// ("" for an original).
type StoryAssignment struct{ DocID, StoryID, CopyOf string }

// StoryState reads every assignment of a stored document, and every alias.
func (s *Store) StoryState(ctx context.Context) (StoryState, error) {
	st := StoryState{Aliases: map[string]string{}}
	rows, err := s.read.QueryContext(ctx, `SELECT sd.doc_id, sd.story_id, sd.copy_of FROM story_docs sd
		JOIN documents d ON d.id = sd.doc_id ORDER BY sd.seq`)
	if err != nil {
		return StoryState{}, fmt.Errorf("store: cannot read stories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a StoryAssignment
		if err := rows.Scan(&a.DocID, &a.StoryID, &a.CopyOf); err != nil {
			return StoryState{}, fmt.Errorf("store: cannot read stories: %w", err)
		}
		st.Docs = append(st.Docs, a)
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
	res, err := s.write.ExecContext(ctx, `DELETE FROM story_docs WHERE doc_id NOT IN (SELECT id FROM documents)`)
	if err != nil {
		return 0, fmt.Errorf("store: cannot forget stories of removed documents: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Ungrouped returns the stored documents that have no story yet, oldest
// (published, else added) first.
func (s *Store) Ungrouped(ctx context.Context) ([]StoryInput, error) {
	return s.storyInputs(ctx, `WHERE NOT EXISTS (SELECT 1 FROM story_docs sd WHERE sd.doc_id = d.id)`)
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

func (s *Store) storyInputs(ctx context.Context, where string) ([]StoryInput, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.source, d.title, d.body, d.published, d.added
		FROM documents d `+where+` ORDER BY coalesce(d.published, d.added), d.n`)
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
