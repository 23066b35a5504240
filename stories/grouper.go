// Package stories groups news documents into stories, one event each, as
// the documents arrive: a document joins the story it is about, two stories
// that turn out to be one merge, and a republished copy of a wire story is
// recognised as a copy.
//
// Two documents are alike by the cosine of their weighted words and names
// (title and lead, each weighted by its rarity among the documents seen so
// far) times a decay with the time between them. A document joins the
// story whose recent originals (its latest day of coverage) it is, on
// average, most alike, when that average reaches a threshold, else it
// starts a story; a story that has already run a day or more decays half
// as fast, so that an event covered day after day stays one story, while
// the same names a month later are a new one. A story then merges
// with another when the average over all their pairs reaches the threshold
// (average linkage: one article touching two neighbouring events does not
// chain them into one), or, when a late document (older than coverage
// already seen) could join both, when their documents, taken in date
// order, would each have joined those before them and together run two
// days or more. A near-identical copy (MinHash of word shingles)
// joins its original's story and counts once. Candidates are found through
// an inverted index of each document's rarer words and names, filed by day,
// so the cost of one more document depends on how many documents share its
// rare terms within the window, not on how many documents there are.
package stories

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
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
	// Threshold is the average similarity (cosine times time decay) at
	// which a document belongs to a story, and two stories are one.
	Threshold float64
	// Window is the most time between two documents compared at all.
	// Coverage of one event comes within days; the same names a month
	// later are a new event. It bounds two documents, not a story: a
	// story covered day after day runs on as long as its coverage does.
	Window time.Duration
	// HalfLife is the time apart at which two documents' similarity counts
	// half (see Grouper.decay for the shape); twice that for a story that
	// has already run for a HalfLife (see Grouper.settle). It is also the
	// span of a story's latest coverage that a new document is compared
	// with (see Grouper.recent).
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
	// arrive, so that the weights do not depend on the order of arrival.
	Vocabulary *Vocabulary
}

// DefaultOptions returns the settings geobrief ships with. They were
// chosen on halves of allsides-dev and checked on the other half (see
// BENCHMARKS.md): the threshold sits in the middle of the range that
// scored within 0.01 of the best on both halves, not at the best.
func DefaultOptions() Options {
	return Options{
		Threshold:      0.12,
		Window:         3 * 24 * time.Hour,
		HalfLife:       24 * time.Hour,
		CopySimilarity: 0.7,
		LeadWords:      150,
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
	size    []int32   // originals of a root node (copies count once)
	// links[r][o] is the sum of the similarities of the originals of
	// stories r and o (roots), over the pairs close enough to count.
	links  []map[int32]float64
	ids    []string // ID of each node
	nodeOf map[string]int32
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
// adding it again retries the store). When the document brings two stories
// close enough to be one, they merge into the one with the most documents
// (the oldest on a tie), and the other's ID resolves to it from then on.
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

	// A copy of an earlier document joins the original's story and does
	// nothing else: it counts toward neither rarity nor the similarity of
	// stories, so that a wire story printed fifty times is one source, and
	// does not make its own words look common.
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
		}
	}
	if rec.copyOf >= 0 {
		rec.feats = nil
		g.file(idx, rec, sig, bands, hasSig, false)
		return g.join(ctx, idx, g.find(g.docs[rec.copyOf].node))
	}
	if g.opts.Vocabulary == nil {
		g.vocab.add(counts)
	}
	rec.feats = g.vocab.intern(counts)

	// Sum the similarity of the document to each story, over the story's
	// originals that share a rare term with it within the window. The
	// further apart in time, the less two documents count as alike.
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
	toStory := map[int32]float64{}
	near := map[int32][]match{}
	// In filing order, so that the sums, and the grouping, come out the
	// same on every run (a map's order would change the last bits).
	for _, c := range slices.Sorted(maps.Keys(cands)) {
		o := &g.docs[c]
		if abs(o.unix-rec.unix) > window {
			continue
		}
		cos := g.cosine(rec.feats, o.feats)
		// A pair below the floor even at the running half-life (see
		// settle) adds nothing to any average: leave it out, and its story
		// too when it has no other, so that settle looks at fewer stories.
		if cos*g.decay(o.unix-rec.unix, runningSlowdown*g.opts.HalfLife) < g.opts.Threshold*linkFloor {
			continue
		}
		r := g.find(o.node)
		near[r] = append(near[r], match{unix: o.unix, cos: cos})
		if s := cos * g.decay(o.unix-rec.unix, g.opts.HalfLife); s >= g.opts.Threshold*linkFloor {
			toStory[r] += s
		}
	}
	g.file(idx, rec, sig, bands, hasSig, true)
	return g.settle(ctx, idx, toStory, near)
}

// match is the similarity of a new document to one earlier original.
type match struct {
	unix int64
	cos  float64
}

// linkFloor is the share of the threshold below which the similarity of
// two documents is not kept: such a pair adds next to nothing to the
// average of two stories, and keeping every faint pair would cost memory
// for every story near a busy day.
const linkFloor = 0.25

// runningSlowdown is how many times slower a story that has run for a
// HalfLife or more decays (see settle): half weight at two days instead of
// one, a sixteenth at four, though never beyond the window.
const runningSlowdown = 2

// file records document idx and indexes it for the documents to come: by
// its terms (originals only) and by its signature's bands.
func (g *Grouper) file(idx int32, rec docRec, sig signature, bands []uint64, hasSig, original bool) {
	g.docs = append(g.docs, rec)
	g.byID[rec.id] = idx
	if original {
		day := dayOf(rec.unix)
		for _, f := range rec.feats {
			k := postingKey(f.term, day)
			g.postings[k] = append(g.postings[k], idx)
		}
	}
	if hasSig {
		g.docs[idx].sig = &sig
		for _, b := range bands {
			g.copyBands[b] = append(g.copyBands[b], idx)
		}
	}
}

// settle puts original document idx into the story it is most like on
// average over the story's recent originals (see recent), if that average
// reaches the threshold, or else into a new story; then merges the story
// with any other whose average similarity to it has come to reach the
// threshold. Comparing with a story's average, rather than with its single
// most similar document, keeps two neighbouring events apart when one
// article happens to touch both: a single link would chain them.
//
// near holds, per story, the cosines of the document with the story's
// originals within the window; the time decay is applied here, since it
// depends on the story: one that has already run for a day or more (its
// originals span at least HalfLife) counts time apart at twice the
// half-life. Coverage that has carried over from one day to the next is
// likely to carry over again, so the next day's article joins it on
// somewhat less likeness, while a story of one day is held to the strict
// decay that keeps the next day's different event of the same topic (the
// jobs report, then its analysis) apart.
func (g *Grouper) settle(ctx context.Context, idx int32, toStory map[int32]float64, near map[int32][]match) (string, error) {
	best, bestAvg := int32(-1), 0.0
	var quals []int32
	t := g.docs[idx].unix
	for r, ms := range near {
		from, to, n, running := g.recent(r, t)
		hl := g.opts.HalfLife
		if running >= g.opts.HalfLife {
			hl *= runningSlowdown
		}
		sum := 0.0
		for _, m := range ms {
			if m.unix >= from && m.unix <= to {
				if s := m.cos * g.decay(m.unix-t, hl); s >= g.opts.Threshold*linkFloor {
					sum += s
				}
			}
		}
		avg := sum / float64(n)
		if avg >= g.opts.Threshold {
			quals = append(quals, r)
		}
		if avg >= g.opts.Threshold && (avg > bestAvg || (avg == bestAvg && r < best)) {
			best, bestAvg = r, avg
		}
	}
	if best < 0 {
		n := int32(len(g.parent))
		id := g.docs[idx].id
		sid := "s-" + id
		g.parent = append(g.parent, n)
		g.members = append(g.members, []int32{idx})
		g.ids = append(g.ids, sid)
		g.size = append(g.size, 1)
		g.links = append(g.links, nil)
		g.nodeOf[sid] = n
		g.docs[idx].node = n
		g.addLinks(n, toStory)
		if err := g.store.SetStory(ctx, id, sid); err != nil {
			return "", fmt.Errorf("stories: recording story of %q: %w", id, err)
		}
		g.docs[idx].recorded = true
		if late(t, near) {
			// A late document may bridge stories it joined none of.
			return g.mergeAround(ctx, n, t, near, quals)
		}
		return sid, nil
	}
	delete(toStory, best)
	g.size[best]++
	g.addLinks(best, toStory)
	if _, err := g.join(ctx, idx, best); err != nil {
		return "", err
	}
	return g.mergeAround(ctx, best, t, near, quals)
}

// mergeAround merges story cur, which the document at time t has just
// joined or started (quals: the stories the document was alike enough to
// join), with the stories it has come to be one with.
//
// Two rules. Average linkage: the average over all pairs of the two
// stories' originals reaches the threshold. And, for a document that came
// late (older than some original it was compared with), the rule a join
// uses: a story the document could have joined as well merges with its
// story when the originals of the two, taken in date order, would each
// have joined the story formed by those before them (see inDateOrder);
// after such a merge, so do the stories linked to the merged one, since
// the late document may have filled the gap of a chain of days. Average
// linkage alone keeps such a chain apart when its days arrive out of
// order: day 1, day 3 and day 4 arrive first (day 1 a story of its own,
// two days from day 3), then day 2, which joins days 3 and 4; day 1's
// average over all pairs with the three, two and three days off, is far
// below the threshold, while in date order each day would have joined the
// latest coverage before it, and the four would be one story.
//
// The second rule is reached only by late documents, so a feed that
// arrives in date order is grouped as before; see inDateOrder for why it
// is held to stories that together run two days or more.
func (g *Grouper) mergeAround(ctx context.Context, cur int32, t int64, near map[int32][]match, quals []int32) (string, error) {
	isLate := late(t, near)
	slices.Sort(quals)
	replayed := false
	var err error
	for {
		other, otherAvg := int32(-1), 0.0
		for r, sum := range g.links[cur] {
			avg := sum / float64(g.size[cur]*g.size[r])
			if avg >= g.opts.Threshold && (avg > otherAvg || (avg == otherAvg && r < other)) {
				other, otherAvg = r, avg
			}
		}
		if other < 0 && isLate {
			var cands []int32
			if replayed {
				cands = slices.Sorted(maps.Keys(g.links[cur]))
			}
			for _, r := range quals {
				cands = append(cands, g.find(r))
			}
			for _, r := range cands {
				if r != cur && g.inDateOrder(cur, r) {
					other, replayed = r, true
					break
				}
			}
		}
		if other < 0 {
			return g.ids[cur], nil
		}
		if cur, err = g.merge(ctx, cur, other); err != nil {
			return "", err
		}
	}
}

// late reports whether a document at time t is older than some original
// it was compared with: it arrived after coverage published after it.
func late(t int64, near map[int32][]match) bool {
	for _, ms := range near {
		for _, m := range ms {
			if m.unix > t {
				return true
			}
		}
	}
	return false
}

// maxReplay is the most originals inDateOrder replays: the check compares
// each original with the latest coverage before it, so its cost grows with
// the square of a day's coverage; two stories larger than this together are
// left to average linkage.
const maxReplay = 200

// inDateOrder reports whether the originals of stories a and b (roots),
// taken in date order, would each have joined the story formed by those
// before them, by the comparison a document's join uses (see settle): the
// average over the story's latest coverage (see recent) of cosine times
// the decay, slower for a story that has run for a HalfLife.
//
// Only for two stories that together run two HalfLives or more (a chain of
// three days of coverage). Whether a day's coverage and
// the next day's, of one topic, are one event is what the strict decay of
// a story of one day decides, and a late document sees only part of each
// day's coverage: the replay would judge the next day's first articles
// against the few of the day before that have arrived, not the whole of
// that day's coverage that date order compared them with, and so merge
// what date order keeps apart. On allsides-dev every such merge of two
// stories within two days joined two labelled events (see BENCHMARKS.md).
func (g *Grouper) inDateOrder(a, b int32) bool {
	var all []int32
	for _, r := range []int32{a, b} {
		for _, i := range g.members[r] {
			if g.docs[i].copyOf < 0 {
				all = append(all, i)
			}
		}
	}
	if len(all) < 2 || len(all) > maxReplay {
		return false
	}
	slices.SortFunc(all, func(x, y int32) int { return cmp.Or(cmp.Compare(g.docs[x].unix, g.docs[y].unix), cmp.Compare(x, y)) })
	if time.Duration(g.docs[all[len(all)-1]].unix-g.docs[all[0]].unix)*time.Second < 2*g.opts.HalfLife {
		return false
	}
	window := int64(g.opts.Window / time.Second)
	for k := 1; k < len(all); k++ {
		x := &g.docs[all[k]]
		from, to, n, running := g.recentOf(all[:k], x.unix)
		hl := g.opts.HalfLife
		if running >= g.opts.HalfLife {
			hl *= runningSlowdown
		}
		sum := 0.0
		for _, i := range all[:k] {
			o := &g.docs[i]
			if o.unix < from || o.unix > to || abs(o.unix-x.unix) > window {
				continue
			}
			if s := g.cosine(x.feats, o.feats) * g.decay(o.unix-x.unix, hl); s >= g.opts.Threshold*linkFloor {
				sum += s
			}
		}
		if sum/float64(n) < g.opts.Threshold {
			return false
		}
	}
	return true
}

// recent returns the part of story r a new document at time t is compared
// with: the originals within one HalfLife (a day of coverage) of the
// story's original nearest in time to t, and within the window of t, as the
// span [from, to] and their number; and how long the story has run (first
// to last original). A story that runs for days, one day's coverage after
// another, is thus judged by its latest day, not by its first days, whose
// words the news has moved on from and which are further away in time
// (measured from the first, a story covered daily would split into one
// story a day). For a story of one day, as most are, this is the whole
// story.
func (g *Grouper) recent(r int32, t int64) (from, to int64, n int, running time.Duration) {
	return g.recentOf(g.members[r], t)
}

// recentOf is recent for a story given by its documents.
func (g *Grouper) recentOf(members []int32, t int64) (from, to int64, n int, running time.Duration) {
	window := int64(g.opts.Window / time.Second)
	nearest, gap := int64(0), int64(-1)
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for _, i := range members {
		d := &g.docs[i]
		if d.copyOf >= 0 {
			continue
		}
		first, last = min(first, d.unix), max(last, d.unix)
		if dt := abs(d.unix - t); dt <= window && (gap < 0 || dt < gap) {
			nearest, gap = d.unix, dt
		}
	}
	if gap < 0 {
		return t, t, 1, 0
	}
	running = time.Duration(last-first) * time.Second
	span := int64(g.opts.HalfLife / time.Second)
	from, to = max(nearest-span, t-window), min(nearest+span, t+window)
	for _, i := range members {
		if d := &g.docs[i]; d.copyOf < 0 && d.unix >= from && d.unix <= to {
			n++
		}
	}
	return from, to, max(n, 1), running
}

// decay is how much the similarity of two documents dt seconds apart
// counts: nearly all of it within hours, half at HalfLife, a sixteenth at
// twice that. A bell rather than an exponential: two reports of one event
// a few hours apart are as alike as two at the same hour, while the next
// day's round of the same talks is a new event.
func (g *Grouper) decay(dt int64, halfLife time.Duration) float64 {
	x := float64(abs(dt)) / halfLife.Seconds()
	return math.Exp2(-x * x)
}

// addLinks adds the similarity sums of story r to other stories.
func (g *Grouper) addLinks(r int32, sums map[int32]float64) {
	for o, s := range sums {
		if o == r {
			continue
		}
		if g.links[r] == nil {
			g.links[r] = map[int32]float64{}
		}
		if g.links[o] == nil {
			g.links[o] = map[int32]float64{}
		}
		g.links[r][o] += s
		g.links[o][r] += s
	}
}

// join records document idx in story root r.
func (g *Grouper) join(ctx context.Context, idx, r int32) (string, error) {
	g.members[r] = append(g.members[r], idx)
	g.docs[idx].node = r
	id := g.docs[idx].id
	if err := g.store.SetStory(ctx, id, g.ids[r]); err != nil {
		return "", fmt.Errorf("stories: recording story of %q: %w", id, err)
	}
	g.docs[idx].recorded = true
	return g.ids[r], nil
}

// merge joins stories a and b (roots). The one with more documents keeps
// its ID, the older on a tie; it returns the surviving root.
func (g *Grouper) merge(ctx context.Context, a, b int32) (int32, error) {
	win, lose := a, b
	if c := cmp.Or(cmp.Compare(len(g.members[b]), len(g.members[a])), cmp.Compare(a, b)); c > 0 {
		win, lose = b, a
	}
	g.parent[lose] = win
	g.members[win] = append(g.members[win], g.members[lose]...)
	g.members[lose] = nil
	g.size[win] += g.size[lose]
	delete(g.links[win], lose)
	for o, s := range g.links[lose] {
		if o == win {
			continue
		}
		delete(g.links[o], lose)
		if g.links[win] == nil {
			g.links[win] = map[int32]float64{}
		}
		g.links[win][o] += s
		g.links[o][win] += s
	}
	g.links[lose] = nil
	if err := g.store.MergeStories(ctx, g.ids[lose], g.ids[win]); err != nil {
		return win, fmt.Errorf("stories: merging story %q into %q: %w", g.ids[lose], g.ids[win], err)
	}
	return win, nil
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
