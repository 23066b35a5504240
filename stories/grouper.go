// Package stories groups news documents into stories, one event each, as
// the documents arrive: a document joins the story of the documents it is
// about, two stories that turn out to be one merge, and a republished copy
// of a wire story is recognised as a copy.
//
// Two documents are about the same event when they were published within
// a window of days of each other and the cosine of their weighted words and
// names (title and lead, each weighted by its rarity among the documents
// seen so far) reaches a threshold; or when one is a near-identical copy of
// the other (MinHash of word shingles). A story is then a connected group of
// such pairs. Candidates are found through an inverted index of each
// document's rarest words and names, filed by day, so the cost of one more
// document depends on how many documents share its rare terms within the
// window, not on how many documents there are.
package stories

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Doc is what grouping needs of a document.
type Doc struct {
	ID     string
	Source string
	Title  string
	// Text is the article text; only its lead (Options.LeadWords) is
	// compared, the whole of it is used to recognise copies.
	Text string
	// Time is when the document was published, else when it was added.
	Time time.Time
}

// Options are the grouping's settings. DefaultOptions are the shipped ones.
type Options struct {
	// Threshold is the cosine similarity at which two documents are taken
	// to be about the same event.
	Threshold float64
	// Window is the most time between two documents linked as one event.
	// Coverage of one event comes within days; the same names a month
	// later are a new event.
	Window time.Duration
	// HalfLife is the time apart at which two documents' similarity counts
	// half.
	HalfLife time.Duration
	// CopySimilarity is the estimated shingle Jaccard similarity at which a
	// document is a copy of another, whatever their times.
	CopySimilarity float64
	// LeadWords is how much of the text, after the title, is compared.
	LeadWords int
	// CommonShare is the share of documents above which a word is too
	// common to find candidates by (counted once there are more than
	// commonFloor documents): two documents are compared only when they
	// share a word or name rarer than that.
	CommonShare float64
	// Vocabulary, when set, fixes the rarity of every word (see
	// NewVocabulary) instead of learning it from the documents as they
	// arrive; then the grouping does not depend on the order of arrival.
	Vocabulary *Vocabulary
}

// DefaultOptions returns the settings geobrief ships with.
func DefaultOptions() Options {
	return Options{
		Threshold:      0.15,
		Window:         3 * 24 * time.Hour,
		HalfLife:       48 * time.Hour,
		CopySimilarity: 0.7,
		LeadWords:      80,
		CommonShare:    0.02,
	}
}

// Story is a story as it stands.
type Story struct {
	ID string
	// Docs are the story's documents in the order they joined.
	Docs []string
	// Originals are the documents that are not copies of another: the
	// distinct sources of the story's text.
	Originals   []string
	First, Last time.Time
}

// Grouper assigns documents to stories. It is safe for concurrent use.
type Grouper struct {
	opts  Options
	store Store

	mu    sync.Mutex
	vocab *Vocabulary // the learned one, unless opts.Vocabulary is set
	docs  []docRec
	byID  map[string]int32
	// postings files documents under (term, day) for each key term.
	postings map[uint64][]int32
	// copyBands files documents under the LSH bands of their signature.
	copyBands map[uint64][]int32

	// Stories are the sets of a union-find over story nodes; a node keeps
	// the ID it was created with, and a merged ID resolves through it.
	parent  []int32
	members [][]int32 // documents of a root node
	ids     []string  // ID of each node
	nodeOf  map[string]int32
}

type docRec struct {
	id     string
	unix   int64
	feats  []feat // sorted by term
	node   int32
	copyOf int32 // -1 for an original
	sig    *signature
	// recorded is set once the store has the document's story.
	recorded bool
}

type feat struct {
	term int32
	tf   float32
}

// New returns a Grouper that records its assignments in store.
func New(store Store, opts Options) (*Grouper, error) {
	switch {
	case store == nil:
		return nil, errors.New("stories: no store")
	case opts.Threshold <= 0 || opts.Threshold > 1:
		return nil, fmt.Errorf("stories: threshold %v is not in (0, 1]", opts.Threshold)
	case opts.Window <= 0:
		return nil, fmt.Errorf("stories: window %v is not positive", opts.Window)
	case opts.HalfLife <= 0:
		return nil, fmt.Errorf("stories: half-life %v is not positive", opts.HalfLife)
	case opts.CopySimilarity <= 0 || opts.CopySimilarity > 1:
		return nil, fmt.Errorf("stories: copy similarity %v is not in (0, 1]", opts.CopySimilarity)
	case opts.LeadWords <= 0:
		return nil, fmt.Errorf("stories: lead words %d is not positive", opts.LeadWords)
	case opts.CommonShare <= 0 || opts.CommonShare > 1:
		return nil, fmt.Errorf("stories: common share %v is not in (0, 1]", opts.CommonShare)
	}
	v := newVocabulary()
	if opts.Vocabulary != nil {
		// A copy, since interning a word the vocabulary lacks adds it.
		v = opts.Vocabulary.clone()
	}
	return &Grouper{
		opts: opts, store: store, vocab: v,
		byID: map[string]int32{}, postings: map[uint64][]int32{}, copyBands: map[uint64][]int32{},
		nodeOf: map[string]int32{},
	}, nil
}

// Add assigns a document to a story and returns the story's ID. A document
// already added keeps its story (and when the store failed to record it,
// adding it again retries the store). When the document links stories that were
// apart, they merge into the one with the most documents (the oldest on a
// tie), and the others' IDs resolve to it from then on.
func (g *Grouper) Add(ctx context.Context, d Doc) (string, error) {
	if strings.TrimSpace(d.ID) == "" {
		return "", errors.New("stories: document without an ID")
	}
	if d.Time.IsZero() {
		return "", fmt.Errorf("stories: document %q has no time", d.ID)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if i, ok := g.byID[d.ID]; ok {
		sid := g.ids[g.find(g.docs[i].node)]
		if !g.docs[i].recorded {
			// The store failed last time: try again, so that nothing is lost.
			if err := g.store.SetStory(ctx, d.ID, sid); err != nil {
				return "", fmt.Errorf("stories: recording story of %q: %w", d.ID, err)
			}
			g.docs[i].recorded = true
		}
		return sid, nil
	}

	idx := int32(len(g.docs))
	rec := docRec{id: d.ID, unix: d.Time.Unix(), copyOf: -1}
	counts := features(d.Title, lead(d.Text, g.opts.LeadWords))
	sig, hasSig := minhash(d.Title + "\n" + d.Text)

	// A copy of an earlier document joins its story; it does not count
	// toward rarity, so that a wire story printed fifty times does not make
	// its own words look common.
	var linked []int32
	var bands []uint64
	if hasSig {
		bands = sig.bands()
		best, bestSim := int32(-1), 0.0
		seen := map[int32]bool{}
		for _, b := range bands {
			for _, c := range g.copyBands[b] {
				if seen[c] {
					continue
				}
				seen[c] = true
				if s := g.docs[c].sig.similarity(&sig); s >= g.opts.CopySimilarity && s > bestSim {
					best, bestSim = c, s
				}
			}
		}
		if best >= 0 {
			rec.copyOf = best
			if o := g.docs[best].copyOf; o >= 0 {
				rec.copyOf = o
			}
			linked = append(linked, best)
		}
	}
	if g.opts.Vocabulary == nil && rec.copyOf < 0 {
		g.vocab.add(counts)
	}
	rec.feats = g.vocab.intern(counts)

	// Compare with the documents sharing a key term within the window.
	keys := g.rareTerms(rec.feats)
	day := dayOf(rec.unix)
	span := int64(g.opts.Window/(24*time.Hour)) + 1
	cands := map[int32]bool{}
	for _, t := range keys {
		for dd := day - span; dd <= day+span; dd++ {
			for _, c := range g.postings[postingKey(t, dd)] {
				cands[c] = true
			}
		}
	}
	window := int64(g.opts.Window / time.Second)
	for c := range cands {
		o := &g.docs[c]
		if abs(o.unix-rec.unix) > window {
			continue
		}
		// The further apart in time, the more alike two documents must be.
		decay := math.Exp2(-float64(abs(o.unix-rec.unix)) / g.opts.HalfLife.Seconds())
		if g.cosine(rec.feats, o.feats)*decay >= g.opts.Threshold {
			linked = append(linked, c)
		}
	}

	// File the document, then settle its story.
	g.docs = append(g.docs, rec)
	g.byID[d.ID] = idx
	for _, f := range rec.feats {
		k := postingKey(f.term, day)
		g.postings[k] = append(g.postings[k], idx)
	}
	if hasSig {
		g.docs[idx].sig = &sig
		for _, b := range bands {
			g.copyBands[b] = append(g.copyBands[b], idx)
		}
	}
	return g.settle(ctx, idx, linked)
}

// settle puts document idx into the story of the documents it is linked
// to, merging their stories, or into a new story of its own.
func (g *Grouper) settle(ctx context.Context, idx int32, linked []int32) (string, error) {
	roots := make([]int32, 0, len(linked))
	for _, c := range linked {
		if r := g.find(g.docs[c].node); !slices.Contains(roots, r) {
			roots = append(roots, r)
		}
	}
	id := g.docs[idx].id
	if len(roots) == 0 {
		n := int32(len(g.parent))
		sid := "s-" + id
		g.parent = append(g.parent, n)
		g.members = append(g.members, []int32{idx})
		g.ids = append(g.ids, sid)
		g.nodeOf[sid] = n
		g.docs[idx].node = n
		if err := g.store.SetStory(ctx, id, sid); err != nil {
			return "", fmt.Errorf("stories: recording story of %q: %w", id, err)
		}
		g.docs[idx].recorded = true
		return sid, nil
	}
	// The biggest story keeps its ID; on a tie, the oldest.
	slices.SortFunc(roots, func(a, b int32) int {
		return cmp.Or(cmp.Compare(len(g.members[b]), len(g.members[a])), cmp.Compare(a, b))
	})
	win := roots[0]
	for _, r := range roots[1:] {
		g.parent[r] = win
		g.members[win] = append(g.members[win], g.members[r]...)
		g.members[r] = nil
		if err := g.store.MergeStories(ctx, g.ids[r], g.ids[win]); err != nil {
			return "", fmt.Errorf("stories: merging story %q into %q: %w", g.ids[r], g.ids[win], err)
		}
	}
	g.members[win] = append(g.members[win], idx)
	g.docs[idx].node = win
	if err := g.store.SetStory(ctx, id, g.ids[win]); err != nil {
		return "", fmt.Errorf("stories: recording story of %q: %w", id, err)
	}
	g.docs[idx].recorded = true
	return g.ids[win], nil
}

func (g *Grouper) find(n int32) int32 {
	for g.parent[n] != n {
		g.parent[n] = g.parent[g.parent[n]]
		n = g.parent[n]
	}
	return n
}

// Resolve returns the current ID of a story ID, which differs when the
// story was merged into another; ok is false for an ID never given out.
func (g *Grouper) Resolve(storyID string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, ok := g.nodeOf[storyID]
	if !ok {
		return "", false
	}
	return g.ids[g.find(n)], true
}

// StoryOf returns the current story of a document.
func (g *Grouper) StoryOf(docID string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i, ok := g.byID[docID]
	if !ok {
		return "", false
	}
	return g.ids[g.find(g.docs[i].node)], true
}

// CopyOf returns the document a document is a copy of, if it is one.
func (g *Grouper) CopyOf(docID string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	i, ok := g.byID[docID]
	if !ok || g.docs[i].copyOf < 0 {
		return "", false
	}
	return g.docs[g.docs[i].copyOf].id, true
}

// Story returns a story by any ID it has had.
func (g *Grouper) Story(storyID string) (Story, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, ok := g.nodeOf[storyID]
	if !ok {
		return Story{}, false
	}
	r := g.find(n)
	s := Story{ID: g.ids[r]}
	for k, i := range g.members[r] {
		d := &g.docs[i]
		s.Docs = append(s.Docs, d.id)
		if d.copyOf < 0 {
			s.Originals = append(s.Originals, d.id)
		}
		t := time.Unix(d.unix, 0).UTC()
		if k == 0 || t.Before(s.First) {
			s.First = t
		}
		if k == 0 || t.After(s.Last) {
			s.Last = t
		}
	}
	return s, true
}

// Groups returns every story's documents, keyed by story ID.
func (g *Grouper) Groups() map[string][]string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[string][]string{}
	for n := range g.parent {
		if g.parent[n] != int32(n) {
			continue
		}
		for _, i := range g.members[n] {
			out[g.ids[n]] = append(out[g.ids[n]], g.docs[i].id)
		}
	}
	return out
}

// rareTerms returns the document's terms that are rare enough to find
// candidates by. Every term is filed, since a common word may become rare
// relative to a growing corpus; only the lookup skips the common ones. With
// a fixed vocabulary two documents are compared exactly when they share a
// rare term, whichever of them comes first.
func (g *Grouper) rareTerms(fs []feat) []int32 {
	limit := max(float64(commonFloor), g.opts.CommonShare*float64(g.vocab.n))
	var ts []int32
	for _, f := range fs {
		if float64(g.vocab.df(f.term)) <= limit {
			ts = append(ts, f.term)
		}
	}
	return ts
}

// commonFloor is the document count below which no word is too common to
// look up: in a small corpus every comparison is cheap.
const commonFloor = 100

func (g *Grouper) cosine(a, b []feat) float64 {
	var dot, na, nb float64
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].term < b[j].term):
			w := float64(a[i].tf) * g.vocab.idf(a[i].term)
			na += w * w
			i++
		case i == len(a) || b[j].term < a[i].term:
			w := float64(b[j].tf) * g.vocab.idf(b[j].term)
			nb += w * w
			j++
		default:
			idf := g.vocab.idf(a[i].term)
			wa, wb := float64(a[i].tf)*idf, float64(b[j].tf)*idf
			dot += wa * wb
			na += wa * wa
			nb += wb * wb
			i++
			j++
		}
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func postingKey(term int32, day int64) uint64 { return uint64(term)<<24 | uint64(day)&0xffffff }

func dayOf(unix int64) int64 { return unix / 86400 }

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// lead returns the first n words of text.
func lead(text string, n int) string {
	fs := strings.Fields(text)
	if len(fs) > n {
		fs = fs[:n]
	}
	return strings.Join(fs, " ")
}
