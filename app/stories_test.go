package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
	"github.com/geobrief/geobrief/summarize"
)

// storyFile writes a document file with its front matter.
func storyFile(t *testing.T, dir, name, title, source, published, body string) {
	t.Helper()
	writeFile(t, dir, name+".md", fmt.Sprintf("---\ntitle: %s\nsource: %s\npublished: %s\n---\n%s\n", title, source, published, body))
}

const (
	harbourBody = "Negotiators from Malta and Libya met in Valletta on Tuesday to resume talks on the Marsaxlokk harbour dispute. " +
		"Maria Borg, Malta's transport minister, said the meeting with the Libyan envoy Khalid Mansour was constructive and that " +
		"both delegations agreed to share shipping data. The dispute over berths for Libyan tankers at Marsaxlokk began last year."
	fishBody = "Norway and Iceland opened talks in Tromso on Arctic cod quotas for next season. Fisheries minister Ingrid Dahl " +
		"said scientists had advised a cut of a fifth, and that the two governments would meet the Faroe Islands in May."
)

// storyFolder holds one event covered by three outlets plus a wire copy
// of one of them, another event covered twice, and the first event's
// names in a second round of talks a month later.
func storyFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	storyFile(t, dir, "harbour-times", "Malta and Libya resume Marsaxlokk harbour talks in Valletta", "Harbour Times", "2026-03-10", harbourBody)
	storyFile(t, dir, "island-post", "Valletta talks: Borg and Mansour agree to share Marsaxlokk shipping data", "Island Post", "2026-03-10",
		"Malta's transport minister Maria Borg and Libyan envoy Khalid Mansour agreed in Valletta to share shipping data, "+
			"a first step in the Marsaxlokk harbour dispute over berths for Libyan tankers. The talks resume next month.")
	storyFile(t, dir, "coastal-review", "Libyan tankers and Marsaxlokk berths on the table as Malta and Libya talk in Valletta", "Coastal Review", "2026-03-11",
		"Talks between Malta and Libya in Valletta turned on berths for Libyan tankers at Marsaxlokk. Khalid Mansour, Libya's envoy, "+
			"met Maria Borg for three hours; both sides called the Marsaxlokk harbour talks constructive.")
	storyFile(t, dir, "wire-daily", "Malta and Libya resume Marsaxlokk harbour talks in Valletta", "Wire Daily", "2026-03-10", harbourBody+" (Wire)")
	storyFile(t, dir, "fish-north", "Norway and Iceland open Arctic cod quota talks in Tromso", "North Desk", "2026-03-10", fishBody)
	storyFile(t, dir, "fish-south", "Tromso cod quota talks: Ingrid Dahl warns of a cut of a fifth", "Fish Weekly", "2026-03-11",
		"In Tromso, Norway's fisheries minister Ingrid Dahl told Iceland that Arctic cod quotas may fall by a fifth next season, "+
			"as scientists advised. The Faroe Islands join the quota talks in May.")
	storyFile(t, dir, "harbour-april", "Malta and Libya hold second round of Marsaxlokk harbour talks in Valletta", "Harbour Times", "2026-04-20",
		"Maria Borg and Khalid Mansour met again in Valletta for a second round of Marsaxlokk harbour talks, a month after the first. "+
			"Malta and Libya discussed berths for Libyan tankers.")
	return dir
}

func storyIDsOf(views []StoryView) map[string][]string {
	out := map[string][]string{}
	for _, v := range views {
		ids := v.DocumentIDs()
		slices.Sort(ids)
		out[v.ID] = ids
	}
	return out
}

func storyOfDoc(t *testing.T, views []StoryView, docID string) StoryView {
	t.Helper()
	for _, v := range views {
		if slices.Contains(v.DocumentIDs(), docID) {
			return v
		}
	}
	t.Fatalf("%s is in no story: %v", docID, storyIDsOf(views))
	return StoryView{}
}

// The folder's documents form three stories: the widest coverage first, a
// wire copy not counted as a source, the same names a month later a story
// of their own; every document in exactly one story.
func TestStoriesFromTheCorpus(t *testing.T) {
	t.Parallel()
	a := openFolder(t, storyFolder(t), &bytes.Buffer{})
	ctx := context.Background()
	views, err := a.Stories(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, v := range views {
		all = append(all, v.DocumentIDs()...)
	}
	slices.Sort(all)
	if want := []string{"coastal-review", "fish-north", "fish-south", "harbour-april", "harbour-times", "island-post", "wire-daily"}; !slices.Equal(all, want) {
		t.Fatalf("documents in stories %v, want each of %v once", all, want)
	}
	if len(views) != 3 {
		t.Fatalf("stories %v, want 3", storyIDsOf(views))
	}
	top := views[0]
	if ids := storyIDsOf(views)[top.ID]; !slices.Equal(ids, []string{"coastal-review", "harbour-times", "island-post", "wire-daily"}) {
		t.Errorf("top story %v", ids)
	}
	if want := []string{"Harbour Times", "Island Post", "Coastal Review"}; !slices.Equal(top.Sources, want) {
		t.Errorf("top story's sources %v, want %v (the wire copy is no source)", top.Sources, want)
	}
	if top.Headline != "Malta and Libya resume Marsaxlokk harbour talks in Valletta" {
		t.Errorf("headline %q", top.Headline)
	}
	if !top.FirstSeen.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) || !top.LastSeen.Equal(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first and last seen %v, %v", top.FirstSeen, top.LastSeen)
	}
	if n := top.OtherSources("Harbour Times"); n != 2 {
		t.Errorf("OtherSources(Harbour Times) = %d, want 2", n)
	}
	if ids := storyIDsOf(views)[views[1].ID]; !slices.Equal(ids, []string{"fish-north", "fish-south"}) {
		t.Errorf("second story %v", ids)
	}

	// The window: only stories with a document since then, whole.
	views, err = a.Stories(ctx, time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 3 || len(views[0].Documents) != 4 {
		t.Errorf("since 11 March: %v", storyIDsOf(views))
	}
	views, err = a.Stories(ctx, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got := storyIDsOf(views); len(got) != 1 || !slices.Equal(got[views[0].ID], []string{"harbour-april"}) {
		t.Errorf("since April: %v", got)
	}

	// A story brief reads every document, copies too, with their text.
	docs, err := a.StoryDocuments(ctx, top.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.ID)
		if d.Body == "" {
			t.Errorf("%s without its text", d.ID)
		}
	}
	if want := top.DocumentIDs(); !slices.Equal(got, want) {
		t.Errorf("StoryDocuments = %v, want %v", got, want)
	}
	// The story brief (offline here) is made from the three sources, the
	// wire copy folded into its original, every shown fact cited from one.
	sv, brief, err := a.StoryBrief(ctx, top.ID, summarize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sv.ID != top.ID || len(brief.Sources) != 3 || brief.Summary == "" {
		t.Errorf("story brief of %s: story %s, %d sources, summary %q", top.ID, sv.ID, len(brief.Sources), brief.Summary)
	}
	for _, f := range brief.VerifiedFacts() {
		for _, c := range f.Citations {
			if !slices.Contains(top.DocumentIDs(), c.DocID) {
				t.Errorf("fact %q cites %s, not a document of the story", f.Text, c.DocID)
			}
		}
	}
	if _, err := a.Story(ctx, "s-nothing"); !errors.Is(err, ErrNoSuchStory) {
		t.Errorf("Story(unknown) = %v", err)
	}
	v, err := a.StoryOf(ctx, "island-post")
	if err != nil || v.ID != top.ID {
		t.Errorf("StoryOf(island-post) = %v, %v", v.ID, err)
	}

	// Search: one result per story, the best hit standing for it.
	hits, err := a.SearchStories(ctx, "Marsaxlokk harbour talks Valletta", 5)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.Story.ID] {
			t.Errorf("story %s twice in %v", h.Story.ID, hits)
		}
		seen[h.Story.ID] = true
	}
	if len(hits) != 3 || hits[0].Story.ID != top.ID || hits[0].OtherSources != 2 {
		t.Errorf("search by story: %+v", hits)
	}
}

// openStoryApp opens the app on the documents of seeds, keeping its data
// in data, and its documents in PostgreSQL when dbURL is set.
func openStoryApp(t *testing.T, seeds, data, dbURL string) *App {
	t.Helper()
	env := map[string]string{"SEEDS_DIR": seeds, "DATA_DIR": data}
	if dbURL != "" {
		env["DATABASE_URL"] = dbURL
	}
	cfg, err := config.Load(config.MapLookup(env))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// Story IDs stay as they were across restarts, also when a story's first
// document (whose ID named it) leaves the corpus, and a document stored
// later joins its story at once.
func TestStoryIDsSurviveRestartsAndRemovals(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		seeds, data, dbURL := storyFolder(t), t.TempDir(), ""
		if b.Name == storetest.Postgres.Name {
			dbURL = b.NewDB(t)
		}
		since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

		a := openStoryApp(t, seeds, data, dbURL)
		views, err := a.Stories(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		before := storyIDsOf(views)
		harbour := storyOfDoc(t, views, "harbour-times").ID
		a.Close()

		// The same documents again: the same stories under the same IDs.
		a = openStoryApp(t, seeds, data, dbURL)
		views, err = a.Stories(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		if after := storyIDsOf(views); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("after a restart %v, before %v", after, before)
		}
		a.Close()

		// The first document of the harbour story goes, then the app restarts.
		first := storyOfDoc(t, views, "harbour-times").Documents[0].ID
		if err := os.Remove(filepath.Join(seeds, first+".md")); err != nil {
			t.Fatal(err)
		}
		a = openStoryApp(t, seeds, data, dbURL)
		views, err = a.Stories(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		if a.stories.grouper != nil {
			t.Error("the story index was built though every document had its story")
		}
		rest := storyOfDoc(t, views, "island-post")
		if rest.ID != harbour || len(rest.Documents) != 3 {
			t.Errorf("without %s the harbour story is %s %v, want %s with 3 documents", first, rest.ID, rest.DocumentIDs(), harbour)
		}
		if v, err := a.Story(ctx, harbour); err != nil || v.ID != harbour {
			t.Errorf("Story(%s) = %v, %v", harbour, v.ID, err)
		}

		// With the index built (as Run does at start), a web document joins
		// its story as it is stored: its row is there before any story is
		// asked for again.
		if _, err := a.storyGrouper(ctx); err != nil {
			t.Fatal(err)
		}
		err = a.saveWeb(ctx, feeds.Doc{
			ID: "harbour-web-1", Key: "https://news.example/harbour", Link: "https://news.example/harbour", URL: "https://news.example/harbour",
			Title: "Borg and Mansour end Valletta round of Marsaxlokk harbour talks", Source: "Web Gazette",
			Published: time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC),
			Text: "The Marsaxlokk harbour talks between Malta and Libya ended in Valletta; Maria Borg and Khalid Mansour " +
				"will meet again about berths for Libyan tankers.",
			TextHash: "h1",
		}, false)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := a.Store.StoryOf(ctx, "harbour-web-1"); err != nil || id != harbour {
			t.Errorf("the stored web document is in %q (%v), want %s", id, err, harbour)
		}
	})
}

// A document stored by another process (no story yet) is grouped when
// stories are next asked for, so none is ever left out.
func TestUngroupedDocumentsAreCaughtUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := openFolder(t, storyFolder(t), &bytes.Buffer{})
	if _, err := a.Stories(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	w := store.WebDocument{Key: "k1", Link: "https://news.example/cod", Feed: ""}
	w.Doc.ID, w.Doc.Title, w.Doc.Source, w.Doc.Hash = "cod-web", "Ingrid Dahl: Tromso cod quota talks with Iceland go on", "Other Process", "h2"
	w.Doc.Body = "Norway's Ingrid Dahl said the Tromso talks with Iceland on Arctic cod quotas go on; a cut of a fifth is advised."
	w.Doc.Published, w.Doc.Added = time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC), time.Now()
	// Straight into the store, as another process would: no hook runs here.
	if err := a.Store.SaveWebDocument(ctx, w, time.Now()); err != nil {
		t.Fatal(err)
	}
	views, err := a.Stories(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	v := storyOfDoc(t, views, "cod-web")
	if !slices.Contains(v.DocumentIDs(), "fish-north") || !strings.EqualFold(v.Sources[len(v.Sources)-1], "Other Process") {
		t.Errorf("cod-web joined %v (sources %v)", v.DocumentIDs(), v.Sources)
	}
}

// Documents stored while the index is being built (Run builds it as feeds
// start storing) all end up in a story, none missed and none left to a
// later catch-up.
func TestDocumentsStoredDuringTheBuildJoinStories(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := openFolder(t, storyFolder(t), &bytes.Buffer{})
	const n = 40
	errs := make(chan error, n+1)
	go func() {
		_, err := a.storyGrouper(ctx)
		errs <- err
	}()
	for i := range n {
		go func() {
			errs <- a.saveWeb(ctx, feeds.Doc{
				ID: fmt.Sprintf("web-%02d", i), Key: fmt.Sprintf("k%d", i), URL: fmt.Sprintf("https://news.example/%d", i),
				Title: fmt.Sprintf("Cod quota talks in Tromso, day %d", i), Source: fmt.Sprintf("Outlet %d", i),
				Published: time.Date(2026, 3, 11, i%24, 0, 0, 0, time.UTC),
				Text:      fmt.Sprintf("Ingrid Dahl met Iceland in Tromso on Arctic cod quotas; report number %d.", i), TextHash: fmt.Sprint(i),
			}, false)
		}()
	}
	for range n + 1 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	left, err := a.Store.Ungrouped(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("%d documents stored during the build have no story: %v", len(left), left[0].ID)
	}
}
