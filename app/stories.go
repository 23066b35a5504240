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
// on each document joins its story as it is stored (joinStories). Other
// processes on the same database (replicas, a command line beside the bot)
// group documents too: each groups in a turn that first replays what the
// others grouped meanwhile (see storyIndex), so they all extend one
// grouping.

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
//
// Several processes may group the documents of one database at once
// (replicas on PostgreSQL; the bot and a command line on one SQLite file),
// each with a grouper of its own. Each adds documents only in a
// store.StoryTurn, which one process at a time holds: it first replays the
// documents the others grouped since it last looked (seq above seen), in
// the order they were grouped, then adds its own, which take the next
// seqs. So every grouper sees the same documents in the same order and,
// being deterministic, extends the same grouping: a document stored by one
// replica joins the story of a related one stored by another.
type storyIndex struct {
	// mu is held while the grouper is built or takes a turn, so that a
	// document stored meanwhile waits for it and is not missed, and so
	// that a process waits for the stories lock on one connection.
	mu      sync.Mutex
	grouper *stories.Grouper
	ledger  *storyLedger
	// seen is the highest seq the grouper has replayed or recorded.
	seen int64
	// checked is the highest document number storiesReady found grouped:
	// it looks only above it (store.UngroupedAfter).
	checked int64
	// keep: documents are to join their stories as they are stored (Run
	// asked for the grouper). A grouper dropped after a failed turn is
	// then built again by the next document stored.
	keep bool
}

// errStoriesDiverged: replaying what another process recorded put a
// document in another story here than there, so this process's grouper no
// longer follows the recorded grouping (a document it holds was removed
// since, or the other runs another version); it is rebuilt from the store.
var errStoriesDiverged = errors.New("stories: the grouping here differs from the recorded one")

// joinStories puts documents just stored into their stories. It is the
// one place documents enter the grouper as they are stored (seed sync,
// feed items, fetched links). When this process keeps no grouper, there is
// nothing to do: building one groups every stored document. A failure is
// logged, not returned: the document is stored, and the next story read
// (or restart) groups it.
func (a *App) joinStories(ctx context.Context, docs ...corpus.Document) {
	a.stories.mu.Lock()
	defer a.stories.mu.Unlock()
	if a.stories.grouper == nil && !a.stories.keep {
		return
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	if err := a.group(ctx, ids); err != nil {
		a.log.Warn("stories: documents not grouped yet", slog.Int("documents", len(ids)), slog.Any("error", err))
	}
}

// group puts stored documents that have no story into their stories:
// those among ids, or all of them when ids is nil. Without a grouper it
// builds one, which groups them all. a.stories.mu is held.
func (a *App) group(ctx context.Context, ids []string) error {
	if a.stories.grouper == nil {
		return a.buildStories(ctx)
	}
	for {
		more, err := a.storyTurn(ctx, ids)
		if errors.Is(err, errStoriesDiverged) {
			a.log.Warn("stories: rebuilding the story index", slog.Any("reason", err))
			return a.buildStories(ctx)
		}
		if err != nil || !more {
			return err
		}
	}
}

// storyTurnDocs is the most documents one turn groups. A turn holds the
// stories lock (on SQLite, the file's writer lock) while it groups, so a
// large backlog (a first start on a big corpus) is grouped in many short
// turns, letting the other processes take theirs in between.
const storyTurnDocs = 200

// storyTurn catches the grouper up with what the others recorded, then
// adds up to storyTurnDocs of the documents (see group) and records them,
// all in one turn; more says that documents may be left. When the turn
// fails the grouper is dropped: it may hold decisions the store does not,
// and the next need builds it again. a.stories.mu is held.
func (a *App) storyTurn(ctx context.Context, ids []string) (more bool, err error) {
	ix := &a.stories
	var top int64
	err = a.Store.StoryTurn(ctx, func(t store.StoryTurnTx) error {
		ix.ledger.w = t
		defer func() { ix.ledger.w = nil }()
		if err := a.catchUp(ctx, t, true); err != nil {
			return err
		}
		docs, err := t.Ungrouped(ctx, ids, storyTurnDocs)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if err := addToStory(ctx, ix.grouper, t, d); err != nil {
				return err
			}
		}
		more = len(docs) == storyTurnDocs
		top, err = t.Top(ctx)
		return err
	})
	if err != nil {
		ix.grouper, ix.ledger = nil, nil
		return false, fmt.Errorf("app: %w", err)
	}
	ix.seen = top
	return more, nil
}

// catchUp replays into the grouper the documents other processes grouped
// since it last looked, in the order they were grouped. Their stories are
// recorded already, so the grouper's writes are dropped; with check, its
// decisions are compared with the recorded ones, and a difference is
// errStoriesDiverged. A document removed since cannot be replayed (its
// text is gone) and is skipped: the others' groupers may still hold it,
// and the check finds out when that changes a decision.
func (a *App) catchUp(ctx context.Context, t store.StoryTurnTx, check bool) error {
	ix := &a.stories
	recs, err := t.InputsSince(ctx, ix.seen)
	if err != nil || len(recs) == 0 {
		return err
	}
	ix.ledger.replay = true
	defer func() { ix.ledger.replay = false }()
	var replayed []store.StoryRecord
	for _, r := range recs {
		if r.Removed {
			continue
		}
		if _, known := ix.grouper.StoryOf(r.ID); known {
			continue
		}
		if _, err := ix.grouper.Add(ctx, storyDoc(r.StoryInput)); err != nil {
			return fmt.Errorf("app: %w", err)
		}
		replayed = append(replayed, r)
	}
	if !check {
		return nil
	}
	for _, r := range replayed {
		sid, _ := ix.grouper.StoryOf(r.ID)
		root, err := t.Resolve(ctx, sid)
		if err != nil {
			return err
		}
		if root != r.StoryID {
			return fmt.Errorf("%w: %s is in %s here, in %s as recorded", errStoriesDiverged, r.ID, root, r.StoryID)
		}
	}
	return nil
}

// addToStory adds a stored document to the grouper (which records its
// story through w) and records whether it is a copy.
func addToStory(ctx context.Context, g *stories.Grouper, w store.StoryWriter, d store.StoryInput) error {
	if sid, known := g.StoryOf(d.ID); known {
		// Its row was dropped (the document removed, then stored again
		// under the same ID): record it where the grouper has it.
		return w.SetStory(ctx, d.ID, sid)
	}
	if _, err := g.Add(ctx, storyDoc(d)); err != nil {
		return fmt.Errorf("app: %w", err)
	}
	if orig, ok := g.CopyOf(d.ID); ok {
		return w.SetCopyOf(ctx, d.ID, orig)
	}
	return nil
}

// storiesReady makes sure every stored document has its story before
// stories are read. A process that has not built the grouper builds it
// only when some document has none: when the bot is running, it groups
// every document it stores, and `geobrief stories` then reads without
// building anything. Each call looks only at the documents added since
// the last one (store.UngroupedAfter). A number SQLite gives out again,
// after the newest document was removed, is passed over here; the next
// turn of grouping (which looks at every document without a story) or a
// restart picks it up.
func (a *App) storiesReady(ctx context.Context) error {
	a.stories.mu.Lock()
	defer a.stories.mu.Unlock()
	ungrouped, top, err := a.Store.UngroupedAfter(ctx, a.stories.checked)
	if err != nil {
		return err
	}
	if ungrouped {
		if err := a.group(ctx, nil); err != nil {
			return err
		}
	}
	a.stories.checked = top
	return nil
}

// storyGrouper returns the grouper, building it the first time, and keeps
// it up to date from then on (Run builds it at start so that documents
// join their stories as they are stored).
func (a *App) storyGrouper(ctx context.Context) (*stories.Grouper, error) {
	a.stories.mu.Lock()
	defer a.stories.mu.Unlock()
	a.stories.keep = true
	if g := a.stories.grouper; g != nil {
		return g, nil
	}
	if err := a.buildStories(ctx); err != nil {
		return nil, err
	}
	return a.stories.grouper, nil
}

// buildStories builds the grouper from the stored documents, then in one
// turn writes what changed, catches up with what others grouped
// meanwhile, and groups the documents that have none. a.stories.mu is
// held.
//
// The recorded documents are replayed in the order they were first
// assigned, outside the turn (it is the long part, and on SQLite a turn
// holds up every writer): the grouper is deterministic, so the same order
// gives the same stories under the same IDs, and nothing is written. When
// it differs (documents removed, a new version of the grouping), the
// ledger keeps the stored IDs.
func (a *App) buildStories(ctx context.Context) error {
	start := time.Now()
	ix := &a.stories
	ix.grouper, ix.ledger = nil, nil
	state, err := a.Store.StoryState(ctx)
	if err != nil {
		return err
	}
	inputs, err := a.Store.StoryInputs(ctx)
	if err != nil {
		return err
	}
	pos := make(map[string]int, len(state.Docs))
	for i, s := range state.Docs {
		pos[s.DocID] = i
	}
	var docs []store.StoryInput
	for _, d := range inputs {
		if _, ok := pos[d.ID]; ok {
			docs = append(docs, d)
		}
	}
	slices.SortFunc(docs, func(x, y store.StoryInput) int { return cmp.Compare(pos[x.ID], pos[y.ID]) })

	l := newStoryLedger(state)
	l.batch = true
	g, err := stories.New(l, stories.DefaultOptions())
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	for _, d := range docs {
		if _, err := g.Add(ctx, storyDoc(d)); err != nil {
			return fmt.Errorf("app: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	for _, d := range docs {
		if orig, _ := g.CopyOf(d.ID); orig != state.Docs[pos[d.ID]].CopyOf {
			l.pending = append(l.pending, storyOp{doc: d.ID, original: orig, copy: true})
		}
	}
	l.batch = false
	// A replay that reproduces the recorded stories decides what is
	// recorded already: only the rest is written (the turn is shorter).
	var pending []storyOp
	for _, op := range l.pending {
		if op.doc != "" && !op.copy && l.resolve(op.story) == l.stored[op.doc] {
			continue
		}
		pending = append(pending, op)
	}
	l.pending = nil

	ix.grouper, ix.ledger, ix.seen = g, l, state.Top
	var top int64
	err = a.Store.StoryTurn(ctx, func(t store.StoryTurnTx) error {
		l.w = t
		defer func() { l.w = nil }()
		for _, op := range pending {
			if err := op.apply(ctx, t); err != nil {
				return err
			}
		}
		if _, err := t.ForgetRemoved(ctx); err != nil {
			return err
		}
		// Not checked: this grouper has just been built from the store.
		if err := a.catchUp(ctx, t, false); err != nil {
			return err
		}
		top, err = t.Top(ctx)
		return err
	})
	if err != nil {
		ix.grouper, ix.ledger = nil, nil
		return fmt.Errorf("app: %w", err)
	}
	ix.seen = top
	// Then the documents without a story, a turn at a time.
	for more := true; more; {
		if more, err = a.storyTurn(ctx, nil); err != nil {
			// Not rebuilt again on errStoriesDiverged: another process
			// disagrees, and it will rebuild when it replays this one.
			return err
		}
	}
	a.log.Debug("stories built", slog.Int("documents", len(docs)),
		slog.Int("stories", len(g.Groups())), slog.Duration("took", time.Since(start)))
	return nil
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
	// w is the turn's transaction the decisions are written to, nil
	// between turns.
	w store.StoryWriter
	// replay: the grouper is replaying documents whose stories are
	// recorded already (catchUp), so its decisions are not written.
	replay bool
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

func newStoryLedger(state store.StoryState) *storyLedger {
	l := &storyLedger{
		known: map[string]bool{}, aliases: state.Aliases, stored: map[string]string{},
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
	switch {
	case l.replay:
		return nil
	case l.batch:
		l.pending = append(l.pending, op)
		return nil
	case l.w == nil:
		return errors.New("a story decision outside a stories turn")
	}
	return op.apply(ctx, l.w)
}
