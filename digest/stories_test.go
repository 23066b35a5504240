package digest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
)

// newsDesk is a corpus and its stories as they grow: documents become
// visible at their Added time, and each belongs to the story named for it.
type newsDesk struct {
	mu    sync.Mutex
	now   *time.Time
	docs  []corpus.Document // oldest first
	story map[string]string // document -> story ID
	copy  map[string]string // document -> the document it copies
}

func newDesk(now *time.Time) *newsDesk {
	return &newsDesk{now: now, story: map[string]string{}, copy: map[string]string{}}
}

// add files a document from source in story at, a copy of copyOf when set.
func (n *newsDesk) add(id, source, story, copyOf string, at time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.docs = append(n.docs, corpus.Document{ID: id, Title: "Report " + id, Source: source, Hash: "h-" + id, Added: at, Published: at})
	if story != "" {
		n.story[id] = story
	}
	if copyOf != "" {
		n.copy[id] = copyOf
	}
}

func (n *newsDesk) AddedSince(_ context.Context, since time.Time, _ int) ([]corpus.Document, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []corpus.Document
	for _, d := range slices.Backward(n.docs) {
		if !d.Added.Before(since) && !d.Added.After(*n.now) {
			out = append(out, d)
		}
	}
	return out, nil
}

// StoryOf builds the story as the app would: every visible document of
// it, the distinct sources of its originals in order of first coverage.
func (n *newsDesk) StoryOf(_ context.Context, docID string) (Story, bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	sid, ok := n.story[docID]
	if !ok {
		return Story{}, false, nil
	}
	s := Story{ID: sid}
	for _, d := range n.docs {
		if n.story[d.ID] != sid || d.Added.After(*n.now) {
			continue
		}
		s.Docs = append(s.Docs, StoryDoc{ID: d.ID, Source: d.Source, Time: d.Published, CopyOf: n.copy[d.ID]})
		if n.copy[d.ID] == "" && !slices.Contains(s.Sources, d.Source) {
			s.Sources = append(s.Sources, d.Source)
		}
		if s.Headline == "" {
			s.Headline = d.Title
		}
	}
	return s, true, nil
}

// buildAndRecord builds a digest and records what its items tell the
// channel, as the scheduler does with a claimed edition.
func buildAndRecord(t *testing.T, b *Builder, since time.Time, sent map[string]string) Digest {
	t.Helper()
	d, err := b.Build(context.Background(), Request{Since: since, Sent: sent})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range d.Items {
		for _, s := range it.Sent() {
			sent[s.DocID] = s.Hash
		}
	}
	return d
}

func storyIDs(d Digest) []string {
	var out []string
	for _, it := range d.Items {
		id := it.StoryID
		if id == "" {
			id = it.DocID
		}
		if it.Updated {
			id += "*"
		}
		out = append(out, id)
	}
	return out
}

func TestStoryDigestOneItemPerStoryByBreadth(t *testing.T) {
	t.Parallel()
	now := base.Add(10 * time.Hour)
	desk := newDesk(&now)
	desk.add("a1", "Reuters", "talks", "", base.Add(1*time.Hour))
	desk.add("a2", "AP", "talks", "", base.Add(2*time.Hour))
	desk.add("a3", "CNN", "talks", "", base.Add(3*time.Hour))
	desk.add("a4", "Local Paper", "talks", "a1", base.Add(4*time.Hour)) // a wire copy
	desk.add("a5", "Reuters", "talks", "", base.Add(5*time.Hour))       // Reuters again
	desk.add("b1", "Fox News", "flood", "", base.Add(6*time.Hour))
	desk.add("b2", "BBC", "flood", "", base.Add(7*time.Hour))
	desk.add("c1", "NPR", "budget", "", base.Add(9*time.Hour))
	desk.add("lone", "Blog", "", "", base.Add(8*time.Hour)) // not grouped yet
	sum := &fakeSummarizer{}
	d, err := NewBuilder(desk, sum, 10, nil).WithStories(desk).Build(context.Background(), Request{Since: base})
	if err != nil {
		t.Fatal(err)
	}
	// Breadth first (3 sources, 2, then 1 each, the latest first).
	if got, want := storyIDs(d), []string{"talks", "flood", "budget", "lone"}; !slices.Equal(got, want) {
		t.Fatalf("items %v, want %v", got, want)
	}
	if !d.ByStory || d.New != 4 || sum.briefs.Load() != 4 {
		t.Fatalf("by story %v, new %d, briefs %d; want true, 4, 4 (one Brief a story)", d.ByStory, d.New, sum.briefs.Load())
	}
	talks := d.Items[0]
	// The copy adds no source; Reuters counts once.
	if !slices.Equal(talks.Sources, []string{"Reuters", "AP", "CNN"}) {
		t.Errorf("sources %v", talks.Sources)
	}
	// The newest original stands for the story, not the copy.
	if talks.DocID != "a5" || talks.Headline != "About Report a5" {
		t.Errorf("item stands on %s (%q), want a5", talks.DocID, talks.Headline)
	}
	var covered []string
	for _, s := range talks.Sent() {
		covered = append(covered, s.DocID)
	}
	slices.Sort(covered)
	if !slices.Equal(covered, []string{"a1", "a2", "a3", "a4", "a5"}) {
		t.Errorf("the talks item covers %v, want every document of the story", covered)
	}
	msg := strings.Join(Render(d, "Digest", false), "\n")
	if !strings.Contains(msg, "3 sources: Reuters, AP, CNN") || strings.Count(msg, "**1. ") != 1 || strings.Contains(msg, "**5. ") {
		t.Errorf("rendered:\n%s", msg)
	}
}

func TestStoryComesBackUpdatedOnlyWithANewSource(t *testing.T) {
	t.Parallel()
	now := base.Add(3 * time.Hour)
	desk := newDesk(&now)
	desk.add("a1", "Reuters", "talks", "", base.Add(1*time.Hour))
	desk.add("a2", "AP", "talks", "", base.Add(2*time.Hour))
	b := NewBuilder(desk, &fakeSummarizer{}, 10, nil).WithStories(desk)
	sent := map[string]string{}
	since := base
	edition := func() []string {
		d := buildAndRecord(t, b, since, sent)
		since = now
		return storyIDs(d)
	}
	if got := edition(); !slices.Equal(got, []string{"talks"}) {
		t.Fatalf("first edition %v", got)
	}
	// A wire copy republished by another site, and a second article from a
	// source already told: nothing new for the channel.
	desk.add("a3", "Local Paper", "talks", "a1", base.Add(4*time.Hour))
	desk.add("a4", "AP", "talks", "", base.Add(5*time.Hour))
	now = base.Add(6 * time.Hour)
	if got := edition(); len(got) != 0 {
		t.Fatalf("after a copy and a known source: %v, want nothing", got)
	}
	// A new source: the story comes back, marked Updated, with every source.
	desk.add("a5", "BBC", "talks", "", base.Add(7*time.Hour))
	now = base.Add(8 * time.Hour)
	b2 := NewBuilder(desk, &fakeSummarizer{}, 10, nil).WithStories(desk)
	d, err := b2.Build(context.Background(), Request{Since: since, Sent: sent})
	if err != nil {
		t.Fatal(err)
	}
	if got := storyIDs(d); !slices.Equal(got, []string{"talks*"}) || d.Items[0].DocID != "a5" ||
		!slices.Equal(d.Items[0].Sources, []string{"Reuters", "AP", "BBC"}) {
		t.Fatalf("after a new source: %v, item %+v", got, d.Items)
	}
	if msg := Render(d, "Digest", false)[0]; !strings.Contains(msg, "_(Updated)_") || !strings.Contains(msg, "3 sources: Reuters, AP, BBC") {
		t.Fatalf("rendered:\n%s", msg)
	}
	for _, it := range d.Items {
		for _, s := range it.Sent() {
			sent[s.DocID] = s.Hash
		}
	}
	since = now
	// Told once with BBC: BBC again brings nothing back.
	desk.add("a6", "BBC", "talks", "", base.Add(9*time.Hour))
	now = base.Add(10 * time.Hour)
	if got := edition(); len(got) != 0 {
		t.Fatalf("after BBC again: %v", got)
	}
}

// An article the channel got, edited by its outlet, brings its story back
// marked Updated, as a document digest marks an edited document; an edited
// copy does not.
func TestEditedArticleUpdatesItsStoryButAnEditedCopyDoesNot(t *testing.T) {
	t.Parallel()
	now := base.Add(3 * time.Hour)
	desk := newDesk(&now)
	desk.add("a1", "Reuters", "talks", "", base.Add(1*time.Hour))
	desk.add("a2", "Site X", "talks", "a1", base.Add(2*time.Hour))
	b := NewBuilder(desk, &fakeSummarizer{}, 10, nil).WithStories(desk)
	sent := map[string]string{}
	buildAndRecord(t, b, base, sent)
	edit := func(id string, at time.Time) {
		desk.mu.Lock()
		defer desk.mu.Unlock()
		for i := range desk.docs {
			if desk.docs[i].ID == id {
				desk.docs[i].Hash += "-edited"
				desk.docs[i].Added = at
			}
		}
	}
	edit("a2", base.Add(4*time.Hour))
	now = base.Add(5 * time.Hour)
	if got := storyIDs(buildAndRecord(t, b, base.Add(3*time.Hour), sent)); len(got) != 0 {
		t.Fatalf("after the copy was edited: %v, want nothing", got)
	}
	edit("a1", base.Add(6*time.Hour))
	now = base.Add(7 * time.Hour)
	if got := storyIDs(buildAndRecord(t, b, base.Add(5*time.Hour), sent)); !slices.Equal(got, []string{"talks*"}) {
		t.Fatalf("after the original was edited: %v, want the story updated", got)
	}
}

// Two stories the channel got apart merge: the merged story brings back
// nothing until a source neither had covers it.
func TestMergedStoriesAreNotRepeated(t *testing.T) {
	t.Parallel()
	now := base.Add(3 * time.Hour)
	desk := newDesk(&now)
	desk.add("a1", "Reuters", "s-a", "", base.Add(1*time.Hour))
	desk.add("b1", "AP", "s-b", "", base.Add(2*time.Hour))
	b := NewBuilder(desk, &fakeSummarizer{}, 10, nil).WithStories(desk)
	sent := map[string]string{}
	if got := storyIDs(buildAndRecord(t, b, base, sent)); len(got) != 2 {
		t.Fatalf("first edition %v", got)
	}
	desk.mu.Lock()
	desk.story["b1"] = "s-a" // the stories merge
	desk.mu.Unlock()
	desk.add("a2", "AP", "s-a", "", base.Add(4*time.Hour))
	now = base.Add(5 * time.Hour)
	if got := storyIDs(buildAndRecord(t, b, base.Add(3*time.Hour), sent)); len(got) != 0 {
		t.Fatalf("after the merge: %v, want nothing (Reuters and AP were told)", got)
	}
}

func TestStoryDigestWithoutIndexListsDocuments(t *testing.T) {
	t.Parallel()
	now := base.Add(3 * time.Hour)
	desk := newDesk(&now)
	desk.add("a1", "Reuters", "talks", "", base.Add(1*time.Hour))
	desk.add("a2", "AP", "talks", "", base.Add(2*time.Hour))
	d, err := NewBuilder(desk, &fakeSummarizer{}, 10, nil).WithStories(nil).Build(context.Background(), Request{Since: base})
	if err != nil {
		t.Fatal(err)
	}
	if got := storyIDs(d); !slices.Equal(got, []string{"a2", "a1"}) || d.ByStory {
		t.Fatalf("items %v (by story %v), want one per document", got, d.ByStory)
	}
}

type failingIndex struct{}

func (failingIndex) StoryOf(context.Context, string) (Story, bool, error) {
	return Story{}, false, errors.New("database is locked")
}

func TestStoryIndexErrorFailsTheBuild(t *testing.T) {
	t.Parallel()
	now := base.Add(3 * time.Hour)
	desk := newDesk(&now)
	desk.add("a1", "Reuters", "talks", "", base.Add(1*time.Hour))
	_, err := NewBuilder(desk, &fakeSummarizer{}, 10, nil).WithStories(failingIndex{}).Build(context.Background(), Request{Since: base})
	if err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("err = %v", err)
	}
}

// Through the scheduler and the real store: over a day of editions every
// four hours, with the stories growing between them, no story reaches the
// channel twice except as an update with a new source.
func TestStoryEditionsNeverRepeatAStory(t *testing.T) {
	t.Parallel()
	r := newRig(t, SchedulerConfig{}, "")
	desk := newDesk(&r.now)
	r.sched = NewScheduler(r.st, NewBuilder(desk, r.sum, 10, nil).WithStories(desk), r.poster, SchedulerConfig{
		Catchup: 2 * time.Hour, Now: func() time.Time { return r.now }, SkipEmpty: true,
	})
	r.setSchedule(t, "news", "02:00,06:00,10:00,14:00,18:00,22:00", "UTC")
	h := func(n float64) time.Time { return base.Add(time.Duration(n * float64(time.Hour))) }
	// base is 06:00 UTC.
	desk.add("t1", "Reuters", "talks", "", h(1))
	desk.add("t2", "AP", "talks", "", h(2))
	desk.add("f1", "BBC", "flood", "", h(2.5))
	desk.add("t3", "Site X", "talks", "t1", h(5))  // copy: never an update
	desk.add("t4", "Reuters", "talks", "", h(6))   // told source: never an update
	desk.add("f2", "NPR", "flood", "", h(9))       // new source: flood updated at 18:00
	desk.add("t5", "CNN", "talks", "", h(13))      // new source: talks updated at 22:00
	desk.add("f3", "Site Y", "flood", "f2", h(14)) // copy
	r.advance(t, base.Add(20*time.Hour))

	var lines []string
	for _, m := range r.poster.messages {
		for _, l := range strings.Split(m, "\n") {
			if strings.HasPrefix(l, "**") && strings.Contains(l, ". ") && !strings.HasPrefix(l, "**News digest") {
				lines = append(lines, l)
			}
		}
	}
	want := []string{
		"**1. About Report t2**",             // 10:00 edition: talks (2 sources) first
		"**2. About Report f1**",             // then flood
		"**1. About Report f2** _(Updated)_", // 18:00: NPR joins the flood
		"**1. About Report t5** _(Updated)_", // 22:00: CNN joins the talks
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("items posted:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	sent, err := r.st.SentDocs(context.Background(), "news")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"t1", "t2", "t3", "t4", "t5", "f1", "f2"} {
		if _, ok := sent[id]; !ok {
			t.Errorf("%s is not recorded as sent: %v", id, sent)
		}
	}
	eds, _ := r.st.Editions(context.Background(), "news", 100)
	for _, e := range eds {
		if e.Status != store.EditionPosted {
			t.Errorf("edition %s is %s", e.Key, e.Status)
		}
	}
}
