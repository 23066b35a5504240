package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/stories"
	"github.com/geobrief/geobrief/summarize"
)

// Stories: the grouper (package stories) lives in memory and records each
// assignment and merge in the store. The app builds it once per process, on
// first need (the bot at start, a command line only when it asks about
// stories), from the stored documents and their recorded stories; from then
// on each document joins its story as it is stored (joinStories).

// ErrNoSuchStory: no story has the ID asked for (or none of its documents
// is stored any more).
var ErrNoSuchStory = errors.New("no such story")

// StoryView is a story as people see it.
type StoryView struct {
	ID       string
	Headline string
	// Documents are all of the story's stored documents, oldest first,
	// copies included.
	Documents []StoryDocument
	// Sources are the distinct sources of the documents that are not
	// copies, in the order they first covered the story: a wire story
	// republished by five sites counts once.
	Sources             []string
	FirstSeen, LastSeen time.Time
}

// StoryDocument is one document of a story.
type StoryDocument struct {
	ID, Title, Source, URL string
	// Time is when it was published, else when it was added.
	Time time.Time
	// CopyOf is the document this one is a near-identical copy of; "" for
	// an original.
	CopyOf string
}

// OtherSources counts the story's sources besides source: what "also
// covered by N sources" says under a document from source.
func (v StoryView) OtherSources(source string) int {
	n := 0
	for _, s := range v.Sources {
		if !sameSource(s, source) {
			n++
		}
	}
	return n
}

// DocumentIDs are the IDs of the story's documents, oldest first.
func (v StoryView) DocumentIDs() []string {
	ids := make([]string, len(v.Documents))
	for i, d := range v.Documents {
		ids[i] = d.ID
	}
	return ids
}

// Stories returns the stories with a document published (else added) at
// or after since, the widest coverage (distinct sources) first, then the
// most documents, then the most recent. Each view holds all of its
// story's documents, older ones too; every document of the window is in
// exactly one of them.
func (a *App) Stories(ctx context.Context, since time.Time) ([]StoryView, error) {
	if err := a.storiesReady(ctx); err != nil {
		return nil, err
	}
	docs, err := a.Store.StoriesSince(ctx, since)
	if err != nil {
		return nil, err
	}
	views := storyViews(docs)
	slices.SortFunc(views, func(x, y StoryView) int {
		return cmp.Or(
			cmp.Compare(len(y.Sources), len(x.Sources)),
			cmp.Compare(len(y.Documents), len(x.Documents)),
			y.LastSeen.Compare(x.LastSeen),
			cmp.Compare(x.ID, y.ID))
	})
	return views, nil
}

// Story returns a story by any ID it has had (a merged story's ID gives
// the story it went into). The error wraps ErrNoSuchStory when there is
// none.
func (a *App) Story(ctx context.Context, storyID string) (StoryView, error) {
	if err := a.storiesReady(ctx); err != nil {
		return StoryView{}, err
	}
	docs, err := a.Store.StoryDocuments(ctx, storyID)
	if err != nil {
		return StoryView{}, err
	}
	views := storyViews(docs)
	if len(views) == 0 {
		return StoryView{}, fmt.Errorf("story %q: %w", storyID, ErrNoSuchStory)
	}
	return views[0], nil
}

// StoryOf returns the story of a stored document (a story of one when no
// other document covers its event).
func (a *App) StoryOf(ctx context.Context, docID string) (StoryView, error) {
	if err := a.storiesReady(ctx); err != nil {
		return StoryView{}, err
	}
	id, err := a.Store.StoryOf(ctx, docID)
	if errors.Is(err, store.ErrNotFound) {
		return StoryView{}, &NotFoundError{ID: docID}
	}
	if err != nil {
		return StoryView{}, err
	}
	return a.Story(ctx, id)
}

// StoryDocuments returns the full documents of a story, by any ID it has
// had, oldest first: what a story brief is made from. Copies are included
// (a brief lists them under their original, counted once); the story's
// StoryView says which they are.
func (a *App) StoryDocuments(ctx context.Context, storyID string) ([]corpus.Document, error) {
	v, err := a.Story(ctx, storyID)
	if err != nil {
		return nil, err
	}
	var docs []corpus.Document
	for _, d := range v.Documents {
		doc, err := a.Store.Document(ctx, d.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue // removed since
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("story %q: %w", storyID, ErrNoSuchStory)
	}
	return docs, nil
}

// StoryBrief makes the brief of a story, by any ID it has had: one summary
// from all its sources (copies folded into their original), each fact
// checked against the source it cites. It returns the story as well, as
// the brief was made from it.
func (a *App) StoryBrief(ctx context.Context, storyID string, opts summarize.Options) (StoryView, summarize.StoryBrief, error) {
	v, err := a.Story(ctx, storyID)
	if err != nil {
		return StoryView{}, summarize.StoryBrief{}, err
	}
	docs, err := a.StoryDocuments(ctx, v.ID)
	if err != nil {
		return StoryView{}, summarize.StoryBrief{}, err
	}
	sources := make([]summarize.StorySource, len(docs))
	for i, d := range docs {
		sources[i] = summarize.StorySource{Doc: d, Outlet: d.Source}
	}
	b, err := a.Summarizer.StoryBrief(ctx, sources, opts)
	if err != nil {
		return StoryView{}, summarize.StoryBrief{}, fmt.Errorf("app: brief of story %q: %w", v.ID, err)
	}
	return v, b, nil
}

// StoryHit is a search result standing for its story: the best-ranked
// document of the story.
type StoryHit struct {
	store.Hit
	Story StoryView
	// OtherSources counts the story's sources besides the hit's own.
	OtherSources int
}

// SearchStories ranks documents for a query like Search, keeping only the
// best hit of each story: one result per story, up to limit.
func (a *App) SearchStories(ctx context.Context, query string, limit int) ([]StoryHit, error) {
	if err := a.storiesReady(ctx); err != nil {
		return nil, err
	}
	// More hits than asked for, since several may be one story.
	hits, err := a.Store.Search(ctx, query, min(max(limit*4, limit), 100))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	storyOf, err := a.Store.StoriesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []StoryHit
	seen := map[string]bool{}
	for _, h := range hits {
		if len(out) == limit {
			break
		}
		sid, ok := storyOf[h.ID]
		if !ok {
			// Stored since the catch-up: a story of its own for now.
			out = append(out, StoryHit{Hit: h})
			continue
		}
		if seen[sid] {
			continue
		}
		seen[sid] = true
		v, err := a.Story(ctx, sid)
		if errors.Is(err, ErrNoSuchStory) {
			out = append(out, StoryHit{Hit: h})
			continue
		}
		if err != nil {
			return nil, err
		}
		source := ""
		for _, d := range v.Documents {
			if d.ID == h.ID {
				source = d.Source
			}
		}
		out = append(out, StoryHit{Hit: h, Story: v, OtherSources: v.OtherSources(source)})
	}
	return out, nil
}

// storyViews groups a store's story documents (oldest first) into views,
// in order of each story's first document.
func storyViews(docs []store.StoryDoc) []StoryView {
	var views []StoryView
	at := map[string]int{}
	for _, d := range docs {
		i, ok := at[d.StoryID]
		if !ok {
			i = len(views)
			at[d.StoryID] = i
			views = append(views, StoryView{ID: d.StoryID, FirstSeen: d.Time(), LastSeen: d.Time()})
		}
		v := &views[i]
		v.Documents = append(v.Documents, StoryDocument{ID: d.ID, Title: d.Title, Source: d.Source, URL: d.URL, Time: d.Time(), CopyOf: d.CopyOf})
		if d.Time().Before(v.FirstSeen) {
			v.FirstSeen = d.Time()
		}
		if d.Time().After(v.LastSeen) {
			v.LastSeen = d.Time()
		}
	}
	for i := range views {
		v := &views[i]
		for _, d := range v.Documents {
			if d.CopyOf != "" {
				continue
			}
			if v.Headline == "" {
				v.Headline = d.Title
			}
			if src := strings.TrimSpace(d.Source); src != "" && !slices.ContainsFunc(v.Sources, func(s string) bool { return sameSource(s, src) }) {
				v.Sources = append(v.Sources, src)
			}
		}
		if v.Headline == "" {
			// Only copies are left (their original was removed).
			v.Headline = v.Documents[0].Title
		}
		if v.Headline == "" {
			v.Headline = v.Documents[0].ID
		}
	}
	return views
}

func sameSource(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// storyIndex is the app's grouper, built on first need.
type storyIndex struct {
	// mu is held while the grouper is built or catches up, so that a
	// document stored meanwhile waits for it and is not missed.
	mu      sync.Mutex
	grouper *stories.Grouper
}

// joinStories puts documents just stored into their stories. It is the
// one place documents enter the grouper as they are stored (seed sync,
// feed items, fetched links). When this process has not built the grouper,
// there is nothing to do: building it groups every stored document. A
// failure is logged, not returned: the document is stored, and the next
// story read (or restart) groups it.
func (a *App) joinStories(ctx context.Context, docs ...corpus.Document) {
	a.stories.mu.Lock()
	g := a.stories.grouper
	a.stories.mu.Unlock()
	if g == nil {
		return
	}
	for _, d := range docs {
		in := store.StoryInput{ID: d.ID, Source: d.Source, Title: d.Title, Body: d.Body, Published: d.Published, Added: d.Added}
		if err := a.addToStory(ctx, g, in); err != nil {
			a.log.Warn("stories: document not grouped yet", slog.String("doc_id", d.ID), slog.Any("error", err))
		}
	}
}

// addToStory adds a document to the grouper (which records its story) and
// records whether it is a copy. A document the grouper has is left as is.
func (a *App) addToStory(ctx context.Context, g *stories.Grouper, d store.StoryInput) error {
	if _, known := g.StoryOf(d.ID); known {
		// Added again only to retry recording its story, if that failed.
		_, err := g.Add(ctx, storyDoc(d))
		return err
	}
	if _, err := g.Add(ctx, storyDoc(d)); err != nil {
		return err
	}
	if orig, ok := g.CopyOf(d.ID); ok {
		return a.Store.SetCopyOf(ctx, d.ID, orig)
	}
	return nil
}

// storiesReady makes sure every stored document has its story before
// stories are read. A process that has not built the grouper builds it
// only when some document has none: when the bot is running, it groups
// every document it stores, and `geobrief stories` then reads without
// building anything.
func (a *App) storiesReady(ctx context.Context) error {
	a.stories.mu.Lock()
	defer a.stories.mu.Unlock()
	docs, err := a.Store.Ungrouped(ctx)
	if err != nil {
		return err
	}
	g := a.stories.grouper
	switch {
	case len(docs) == 0:
		return nil
	case g == nil:
		g, err = a.buildStories(ctx)
		if err != nil {
			return err
		}
		a.stories.grouper = g
		return nil
	}
	for _, d := range docs {
		if err := a.addToStory(ctx, g, d); err != nil {
			return fmt.Errorf("app: %w", err)
		}
	}
	return nil
}

// storyGrouper returns the grouper, building it the first time (Run builds
// it at start so that documents join their stories as they are stored).
func (a *App) storyGrouper(ctx context.Context) (*stories.Grouper, error) {
	a.stories.mu.Lock()
	defer a.stories.mu.Unlock()
	if g := a.stories.grouper; g != nil {
		return g, nil
	}
	g, err := a.buildStories(ctx)
	if err != nil {
		return nil, err
	}
	a.stories.grouper = g
	return g, nil
}

// buildStories rebuilds the grouper from the stored documents and writes
// what changed in one transaction.
//
// The documents are replayed in the order they were first assigned (then
// those never grouped, oldest first): the grouper is deterministic, so the
// same order gives the same stories under the same IDs, and nothing is
// written. When it differs (documents removed, a new version of the
// grouping), the ledger keeps the stored IDs.
func (a *App) buildStories(ctx context.Context) (*stories.Grouper, error) {
	start := time.Now()
	state, err := a.Store.StoryState(ctx)
	if err != nil {
		return nil, err
	}
	docs, err := a.Store.StoryInputs(ctx)
	if err != nil {
		return nil, err
	}
	pos := make(map[string]int, len(state.Docs))
	for i, s := range state.Docs {
		pos[s.DocID] = i
	}
	slices.SortStableFunc(docs, func(x, y store.StoryInput) int {
		px, okx := pos[x.ID]
		py, oky := pos[y.ID]
		switch {
		case okx && oky:
			return cmp.Compare(px, py)
		case okx:
			return -1
		case oky:
			return 1
		}
		return 0 // both new: already oldest first
	})

	l := newStoryLedger(a.Store, state)
	l.batch = true
	g, err := stories.New(l, stories.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	for _, d := range docs {
		if _, err := g.Add(ctx, storyDoc(d)); err != nil {
			return nil, fmt.Errorf("app: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	copies := make(map[string]string, len(state.Docs))
	for _, s := range state.Docs {
		copies[s.DocID] = s.CopyOf
	}
	for _, d := range docs {
		if orig, _ := g.CopyOf(d.ID); orig != copies[d.ID] {
			l.pending = append(l.pending, storyOp{doc: d.ID, original: orig, copy: true})
		}
	}
	err = a.Store.StoryBatch(ctx, func(w store.StoryWriter) error {
		for _, op := range l.pending {
			if err := op.apply(ctx, w); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.batch, l.pending = false, nil
	if _, err := a.Store.ForgetRemovedStoryDocs(ctx); err != nil {
		return nil, err
	}
	a.log.Debug("stories built", slog.Int("documents", len(docs)), slog.Int("stories", len(g.Groups())),
		slog.Duration("took", time.Since(start)))
	return g, nil
}

func storyDoc(d store.StoryInput) stories.Doc {
	return stories.Doc{ID: d.ID, Source: d.Source, Title: d.Title, Text: d.Body, Time: d.Time()}
}

// storyLedger is the grouper's store: it writes the grouper's assignments
// and merges to the database, keeping the story IDs the database already
// gave out.
//
// The grouper names a new story after its first document ("s-" + ID). On
// a replay that reproduces the recorded stories those names are the
// recorded ones. When it does not (the story's first document was pruned,
// so the replayed story is named after its second), the new name is made
// an alias of the story its document had, the first time the grouper uses
// it; each recorded story is taken over by one new name at most. A merge
// recorded once stays: the grouper may keep two stories apart that the
// database merged, and then both write into the merged one.
//
// The grouper calls it under its own lock, one call at a time.
type storyLedger struct {
	st *store.Store
	// What the database held when the grouper was built.
	known   map[string]bool   // every story ID it knew, merged ones too
	aliases map[string]string // merged ID -> story
	stored  map[string]string // document -> story
	// decided holds the grouper's names already mapped, claimed the
	// recorded stories already taken over by one.
	decided, claimed map[string]bool
	// While batch is set, the changes wait in pending, to be written in
	// one transaction.
	batch   bool
	pending []storyOp
}

var _ stories.Store = (*storyLedger)(nil)

// Both are a store.StoryWriter (and so a stories.Store).
var _ stories.Store = (*store.Store)(nil)

// storyOp is one change for the store: a document's story, a merge, or
// (copy) which document a document copies.
type storyOp struct {
	doc, story, from, into, original string
	copy                             bool
}

func (op storyOp) apply(ctx context.Context, w store.StoryWriter) error {
	switch {
	case op.copy:
		return w.SetCopyOf(ctx, op.doc, op.original)
	case op.from != "":
		return w.MergeStories(ctx, op.from, op.into)
	}
	return w.SetStory(ctx, op.doc, op.story)
}

func newStoryLedger(st *store.Store, state store.StoryState) *storyLedger {
	l := &storyLedger{
		st: st, known: map[string]bool{}, aliases: state.Aliases, stored: map[string]string{},
		decided: map[string]bool{}, claimed: map[string]bool{},
	}
	for _, s := range state.Docs {
		l.stored[s.DocID] = s.StoryID
		l.known[s.StoryID] = true
	}
	for from, into := range state.Aliases {
		l.known[from], l.known[into] = true, true
	}
	return l
}

// SetStory implements stories.Store.
func (l *storyLedger) SetStory(ctx context.Context, docID, storyID string) error {
	if !l.decided[storyID] {
		l.decided[storyID] = true
		switch s, ok := l.stored[docID]; {
		case l.known[storyID]:
			l.claimed[l.resolve(storyID)] = true
		case ok && !l.claimed[s]:
			l.claimed[s] = true
			if err := l.write(ctx, storyOp{from: storyID, into: s}); err != nil {
				return err
			}
		default:
			l.claimed[storyID] = true
		}
	}
	return l.write(ctx, storyOp{doc: docID, story: storyID})
}

// MergeStories implements stories.Store.
func (l *storyLedger) MergeStories(ctx context.Context, from, into string) error {
	return l.write(ctx, storyOp{from: from, into: into})
}

func (l *storyLedger) resolve(id string) string {
	if into, ok := l.aliases[id]; ok {
		return into
	}
	return id
}

func (l *storyLedger) write(ctx context.Context, op storyOp) error {
	if l.batch {
		l.pending = append(l.pending, op)
		return nil
	}
	return op.apply(ctx, l.st)
}
