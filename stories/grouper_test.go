package stories

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var day0 = time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)

// A hand-written set: two articles on one summit, an unrelated flood,
// a wire report and a site's republication of it, and a second round of
// the same talks a month later, naming the same people and places.
var (
	summitA = Doc{ID: "summit-a", Source: "Outlet A", Time: day0,
		Title: "Kallberg and Moreau meet in Tallinn over Baltic gas pipeline",
		Text: "Finnish premier Anna Kallberg and French envoy Luc Moreau sat down in Tallinn on Tuesday to " +
			"settle the route of the Baltic gas pipeline. Estonia hosted the meeting after months of dispute " +
			"over the seabed survey. Both sides called the session constructive."}
	summitB = Doc{ID: "summit-b", Source: "Outlet B", Time: day0.Add(5 * time.Hour),
		Title: "Pipeline talks in Tallinn end without a deal",
		Text: "Talks between Anna Kallberg and Luc Moreau in Tallinn ended late on Tuesday without agreement on " +
			"the Baltic pipeline route. Estonian officials said the seabed survey remains the main obstacle, " +
			"and Moreau said the gas link would still be built."}
	flood = Doc{ID: "flood", Source: "Outlet C", Time: day0.Add(2 * time.Hour),
		Title: "Monsoon floods displace thousands in Sylhet",
		Text: "Heavy monsoon rain flooded low-lying districts of Sylhet in Bangladesh, forcing thousands of " +
			"families from their homes. Rescue teams used boats to reach villages cut off by the rising river, " +
			"and the relief agency opened shelters in schools."}
	wire = Doc{ID: "wire", Source: "Wire", Time: day0.Add(3 * time.Hour),
		Title: "Dockworkers strike shuts Port of Valdora",
		Text: "Dockworkers at the Port of Valdora walked out at dawn on Tuesday, halting container traffic on the " +
			"busiest quay of the coast. The union demands a pay rise of nine percent and new safety rules after " +
			"two accidents this spring. Shipping lines diverted vessels to neighbouring harbours while the port " +
			"authority called for mediation. Negotiations are expected to resume on Thursday."}
	wireCopy = Doc{ID: "wire-copy", Source: "Local Paper", Time: day0.Add(7 * time.Hour),
		Title: "Dockworkers strike shuts Port of Valdora",
		Text: "Dockworkers at the Port of Valdora walked out at dawn on Tuesday, halting container traffic on the " +
			"busiest quay of the coast. The union demands a pay rise of nine percent and new safety rules after " +
			"two accidents this spring. Shipping lines diverted vessels to neighbouring harbours while the port " +
			"authority called for mediation. Negotiations are expected to resume on Thursday. (Reporting by staff)"}
	summitLater = Doc{ID: "summit-later", Source: "Outlet A", Time: day0.Add(31 * 24 * time.Hour),
		Title: "Kallberg and Moreau meet again in Tallinn over Baltic gas pipeline",
		Text: "Anna Kallberg and Luc Moreau returned to Tallinn for a second round on the Baltic gas pipeline. " +
			"Estonia again hosted the meeting, and both sides said the seabed survey was settled."}
	handSet = []Doc{summitA, summitB, flood, wire, wireCopy, summitLater}
)

func newGrouper(t *testing.T, opts Options) (*Grouper, *MemStore) {
	t.Helper()
	st := NewMemStore()
	g, err := New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return g, st
}

func addAll(t *testing.T, g *Grouper, docs []Doc) {
	t.Helper()
	for _, d := range docs {
		if _, err := g.Add(context.Background(), d); err != nil {
			t.Fatalf("adding %s: %v", d.ID, err)
		}
	}
}

// partition returns the grouping as sorted lists of document IDs, without
// the story IDs (which depend on the order of arrival).
func partition(g *Grouper) []string {
	var out []string
	for _, docs := range g.Groups() {
		slices.Sort(docs)
		out = append(out, strings.Join(docs, "+"))
	}
	slices.Sort(out)
	return out
}

func TestHandSetGrouping(t *testing.T) {
	t.Parallel()
	g, _ := newGrouper(t, DefaultOptions())
	addAll(t, g, handSet)
	want := []string{"flood", "summit-a+summit-b", "summit-later", "wire+wire-copy"}
	if got := partition(g); !slices.Equal(got, want) {
		t.Errorf("grouping = %v, want %v", got, want)
	}
}

func TestWireCopyCountsAsOneSource(t *testing.T) {
	t.Parallel()
	g, _ := newGrouper(t, DefaultOptions())
	addAll(t, g, handSet)
	if orig, ok := g.CopyOf("wire-copy"); !ok || orig != "wire" {
		t.Errorf("CopyOf(wire-copy) = %q, %v; want wire, true", orig, ok)
	}
	if _, ok := g.CopyOf("summit-b"); ok {
		t.Error("summit-b, a rewrite, is taken for a copy")
	}
	id, _ := g.StoryOf("wire")
	s, _ := g.Story(id)
	if !slices.Equal(s.Originals, []string{"wire"}) || len(s.Docs) != 2 {
		t.Errorf("story of the wire report: docs %v, originals %v; want 2 docs, 1 original", s.Docs, s.Originals)
	}
}

func TestSameNamesAMonthApartAreTwoStories(t *testing.T) {
	t.Parallel()
	g, _ := newGrouper(t, DefaultOptions())
	addAll(t, g, []Doc{summitA, summitLater})
	a, _ := g.StoryOf(summitA.ID)
	b, _ := g.StoryOf(summitLater.ID)
	if a == b {
		t.Fatalf("both rounds are in story %s", a)
	}
	// The same pair of articles a day apart is one event.
	near := summitLater
	near.Time = summitA.Time.Add(24 * time.Hour)
	g2, _ := newGrouper(t, DefaultOptions())
	addAll(t, g2, []Doc{summitA, near})
	a, _ = g2.StoryOf(summitA.ID)
	b, _ = g2.StoryOf(near.ID)
	if a != b {
		t.Errorf("the same articles a day apart are in stories %s and %s", a, b)
	}
}

func TestStoryKeepsItsIDAsItGrows(t *testing.T) {
	t.Parallel()
	g, st := newGrouper(t, DefaultOptions())
	ctx := context.Background()
	first, err := g.Add(ctx, summitA)
	if err != nil {
		t.Fatal(err)
	}
	second, err := g.Add(ctx, summitB)
	if err != nil {
		t.Fatal(err)
	}
	if second != first {
		t.Errorf("the second article went to %s, not to %s", second, first)
	}
	again, _ := g.Add(ctx, summitA)
	if again != first {
		t.Errorf("adding a document twice moved it to %s", again)
	}
	if got := st.Docs(first); !slices.Equal(got, []string{"summit-a", "summit-b"}) {
		t.Errorf("store has %v in %s", got, first)
	}
}

// Two stories with nothing in common merge when an article covers both;
// the bigger keeps its ID and the other ID resolves to it.
func TestMergeKeepsOldIDResolvable(t *testing.T) {
	t.Parallel()
	g, st := newGrouper(t, DefaultOptions())
	ctx := context.Background()
	big1 := Doc{ID: "quake-1", Time: day0, Title: "Earthquake strikes Korvana valley",
		Text: "A strong earthquake struck the Korvana valley before dawn, collapsing bridges and cutting power to the region."}
	big2 := Doc{ID: "quake-2", Time: day0.Add(time.Hour), Title: "Korvana valley earthquake collapses bridges",
		Text: "Bridges collapsed and power failed across the Korvana valley after the earthquake, rescuers said."}
	small := Doc{ID: "dam", Time: day0.Add(2 * time.Hour), Title: "Inspectors check Lerin dam spillway",
		Text: "Engineers inspected the spillway of the Lerin dam for cracks after reports of seepage downstream."}
	addAll(t, g, []Doc{big1, big2, small})
	bigID, _ := g.StoryOf("quake-1")
	smallID, _ := g.StoryOf("dam")
	if bigID == smallID {
		t.Fatal("the dam and the earthquake started as one story")
	}
	bridge := Doc{ID: "bridge", Time: day0.Add(3 * time.Hour), Title: "Korvana earthquake cracks Lerin dam spillway",
		Text: "The Korvana valley earthquake collapsed bridges and cracked the spillway of the Lerin dam, where engineers found seepage."}
	got, err := g.Add(ctx, bridge)
	if err != nil {
		t.Fatal(err)
	}
	if got != bigID {
		t.Errorf("merged story is %s, want the bigger one's ID %s", got, bigID)
	}
	if r, ok := g.Resolve(smallID); !ok || r != bigID {
		t.Errorf("Resolve(%s) = %s, %v; want %s", smallID, r, ok, bigID)
	}
	if r := st.Resolve(smallID); r != bigID {
		t.Errorf("store resolves %s to %s, want %s", smallID, r, bigID)
	}
	if s, _ := g.Story(smallID); len(s.Docs) != 4 || s.ID != bigID {
		t.Errorf("Story(%s) = %+v, want the merged story of 4", smallID, s)
	}
	if got := st.Docs(smallID); len(got) != 4 || st.StoryOf("dam") != bigID {
		t.Errorf("store: %v in the merged story, dam in %s", got, st.StoryOf("dam"))
	}
	if _, ok := g.Resolve("s-never"); ok {
		t.Error("an ID never given out resolves")
	}
}

// With a fixed vocabulary the weights do not depend on the order of
// arrival, and on a set whose stories are apart (every document well above
// the threshold with its own story, well below it with the others) every
// order gives the grouping of the batch. Average linkage makes no such
// promise for documents near the threshold; storyeval measures how much
// the order moves the grouping on real articles.
func TestEveryOrderGivesTheBatchGroupingWithAFixedVocabulary(t *testing.T) {
	t.Parallel()
	opts := DefaultOptions()
	opts.Vocabulary = NewVocabulary(handSet, opts.LeadWords)
	batch, _ := newGrouper(t, opts)
	addAll(t, batch, handSet)
	want := partition(batch)
	n := 0
	permute(slices.Clone(handSet), 0, func(order []Doc) {
		n++
		g, _ := newGrouper(t, opts)
		addAll(t, g, order)
		if got := partition(g); !slices.Equal(got, want) {
			t.Errorf("order %v: grouping %v, want %v", ids(order), got, want)
		}
	})
	if n != 720 {
		t.Fatalf("tried %d orders, want 720", n)
	}
}

// With the vocabulary learned as documents arrive (the default), weights
// drift with the order; on the hand-written set every order still agrees.
func TestEveryOrderAgreesOnTheHandSetWithALearnedVocabulary(t *testing.T) {
	t.Parallel()
	want := []string{"flood", "summit-a+summit-b", "summit-later", "wire+wire-copy"}
	permute(slices.Clone(handSet), 0, func(order []Doc) {
		g, _ := newGrouper(t, DefaultOptions())
		addAll(t, g, order)
		if got := partition(g); !slices.Equal(got, want) {
			t.Errorf("order %v: grouping %v, want %v", ids(order), got, want)
		}
	})
}

// An article that touches two events (a weekly roundup naming both) joins
// at most one of them; the two stories stay apart, where linking documents
// one by one would chain them into one.
func TestOneArticleDoesNotChainTwoEvents(t *testing.T) {
	t.Parallel()
	strike := []Doc{wire,
		{ID: "strike-2", Source: "Outlet B", Time: day0.Add(4 * time.Hour),
			Title: "Valdora dockworkers stay out as port strike enters second shift",
			Text: "The dockworkers' union kept the Port of Valdora closed through the afternoon, demanding a nine " +
				"percent pay rise and safety rules. Container ships queued off the quay while the port authority " +
				"sought a mediator."},
		{ID: "strike-3", Source: "Outlet D", Time: day0.Add(6 * time.Hour),
			Title: "Port authority seeks mediator as Valdora strike halts containers",
			Text: "Mediation was requested by the Valdora port authority after striking dockworkers halted container " +
				"traffic. The union said its pay and safety demands were not negotiable."}}
	floods := []Doc{flood,
		{ID: "flood-2", Source: "Outlet E", Time: day0.Add(5 * time.Hour),
			Title: "Sylhet river bursts its banks, villages cut off",
			Text: "The river at Sylhet rose above its banks after days of monsoon rain, cutting off villages; " +
				"rescue boats carried families to shelters set up in schools."},
		{ID: "flood-3", Source: "Outlet F", Time: day0.Add(7 * time.Hour),
			Title: "Relief agency opens shelters as Sylhet floods spread",
			Text: "Thousands of displaced families reached school shelters opened by the relief agency as monsoon " +
				"floods spread across low-lying Sylhet districts."}}
	roundup := Doc{ID: "roundup", Source: "Outlet G", Time: day0.Add(8 * time.Hour),
		Title: "The day in brief: Valdora port strike, Sylhet floods",
		Text: "Dockworkers shut the Port of Valdora in a strike over pay. In Bangladesh, monsoon floods in " +
			"Sylhet forced thousands of families into shelters."}
	for _, opts := range []Options{DefaultOptions(), func() Options {
		o := DefaultOptions()
		o.Vocabulary = NewVocabulary(append(append(slices.Clone(strike), floods...), roundup), o.LeadWords)
		return o
	}()} {
		g, _ := newGrouper(t, opts)
		addAll(t, g, strike)
		addAll(t, g, floods)
		a, _ := g.StoryOf("strike-2")
		b, _ := g.StoryOf("flood-2")
		if a == b {
			t.Fatalf("the strike and the floods are one story before the roundup: %v", partition(g))
		}
		addAll(t, g, []Doc{roundup})
		want := []string{"flood+flood-2+flood-3", "strike-2+strike-3+wire"}
		got := partition(g)
		var without []string
		for _, p := range got {
			if p != "roundup" {
				without = append(without, strings.ReplaceAll(strings.ReplaceAll(p, "+roundup", ""), "roundup+", ""))
			}
		}
		if !slices.Equal(without, want) {
			t.Errorf("after the roundup: %v, want the strike and the floods apart (%v), the roundup in either or alone", got, want)
		}
	}
}

func permute(ds []Doc, k int, f func([]Doc)) {
	if k == len(ds) {
		f(ds)
		return
	}
	for i := k; i < len(ds); i++ {
		ds[k], ds[i] = ds[i], ds[k]
		permute(ds, k+1, f)
		ds[k], ds[i] = ds[i], ds[k]
	}
}

func ids(ds []Doc) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func TestBadInputIsRefused(t *testing.T) {
	t.Parallel()
	g, _ := newGrouper(t, DefaultOptions())
	ctx := context.Background()
	if _, err := g.Add(ctx, Doc{ID: " ", Time: day0, Title: "x"}); err == nil {
		t.Error("a document without an ID was accepted")
	}
	if _, err := g.Add(ctx, Doc{ID: "no-time", Title: "x"}); err == nil || !strings.Contains(err.Error(), "no-time") {
		t.Errorf("a document without a time: err %v, want one naming it", err)
	}
	for name, change := range map[string]func(*Options){
		"threshold": func(o *Options) { o.Threshold = 0 },
		"window":    func(o *Options) { o.Window = -time.Hour },
		"half-life": func(o *Options) { o.HalfLife = 0 },
		"copy":      func(o *Options) { o.CopySimilarity = 1.5 },
		"lead":      func(o *Options) { o.LeadWords = 0 },
		"common":    func(o *Options) { o.CommonShare = 0 },
	} {
		o := DefaultOptions()
		change(&o)
		if _, err := New(NewMemStore(), o); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err %v, want one naming it", name, err)
		}
	}
	if _, err := New(nil, DefaultOptions()); err == nil {
		t.Error("a nil store was accepted")
	}
}

// failingStore fails while broken is set, as a full disk might.
type failingStore struct {
	*MemStore
	broken bool
}

func (f *failingStore) SetStory(ctx context.Context, doc, story string) error {
	if f.broken {
		return fmt.Errorf("disk full")
	}
	return f.MemStore.SetStory(ctx, doc, story)
}

func TestStoreErrorsAreReturnedAndRetried(t *testing.T) {
	t.Parallel()
	st := &failingStore{MemStore: NewMemStore(), broken: true}
	g, err := New(st, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := g.Add(ctx, summitA); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the store's error", err)
	}
	st.broken = false
	id, err := g.Add(ctx, summitA)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.StoryOf(summitA.ID); got != id {
		t.Errorf("after the retry the store has %q, want %q", got, id)
	}
}
