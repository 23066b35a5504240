package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/internal/fakeclock"
	"github.com/geobrief/geobrief/newssite"
	"github.com/geobrief/geobrief/webfetch"
)

var day0 = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// fakeClock is a settable clock whose After hands each wait to the test,
// which decides when it ends: the background loop is driven step by step.
type fakeClock struct {
	*fakeclock.Clock
	waits chan wait
}

type wait struct {
	d    time.Duration
	done chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{Clock: fakeclock.New(day0), waits: make(chan wait)} }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	w := wait{d: d, done: make(chan time.Time, 1)}
	c.waits <- w
	return w.done
}

// newsApp opens an app over a one-document folder with live news allowed
// onto loopback (the local news site), without the per-host delay.
func newsApp(t *testing.T, env map[string]string, opts ...Option) *App {
	t.Helper()
	seeds := t.TempDir()
	writeFile(t, seeds, "oman.md", "---\npublished: 2020-01-01\n---\nEnvoy visits Oman\nThe envoy arrived in Muscat for talks.")
	vars := map[string]string{"SEEDS_DIR": seeds, "DATA_DIR": t.TempDir(), "FETCH_ALLOW_PRIVATE": "true"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(config.MapLookup(vars))
	if err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock() // articles are from day0; tests that run Run give their own
	opts = append([]Option{WithClock(clock.Now, clock.After), WithFetchConfig(func(c *webfetch.Config) { c.HostDelay = -1 })}, opts...)
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func newSite(t *testing.T) *newssite.Site {
	t.Helper()
	s := newssite.New()
	t.Cleanup(s.Close)
	return s
}

func para(topic string) []string {
	return []string{newssite.Sentence(topic, 30), newssite.Sentence(topic+" delegates", 30)}
}

// Two feeds, one article in both under different GUIDs: a poll stores each
// article once, a second poll finds nothing new, and an item whose page
// changed is an update of the same document.
func TestPollStoresOnceAndUpdates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	site := newSite(t)
	site.SetPage("/news/harbour", "Harbour talks resume in Valletta", "Harbour Times", para("valletta harbour")...)
	site.SetPage("/news/grain", "Grain corridor reopens", "Harbour Times", para("grain corridor")...)
	site.SetFeed("/world.xml", "World", newssite.Item{Title: "Harbour talks resume in Valletta", Path: "/news/harbour?utm_source=world", GUID: "w-1", Published: day0},
		newssite.Item{Title: "Grain corridor reopens", Path: "/news/grain", GUID: "w-2", Published: day0})
	site.SetFeed("/europe.xml", "Europe", newssite.Item{Title: "Harbour talks resume in Valletta", Path: "/news/harbour", GUID: "e-9", Published: day0})
	a := newsApp(t, nil)

	if _, err := a.AddFeed(ctx, site.URL("/world.xml"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddFeed(ctx, site.URL("/europe.xml"), "Europe desk"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddFeed(ctx, strings.ToUpper(site.URL("/world.xml")[:4])+site.URL("/world.xml")[4:], ""); !errors.Is(err, ErrFeedExists) {
		t.Fatalf("the same feed spelt differently: %v", err)
	}
	c, err := a.Poll(ctx)
	if err != nil || c.Feeds != 2 || c.New != 2 || c.Errors != 0 || c.FailedFeeds != 0 {
		t.Fatalf("first poll: %+v, %v", c, err)
	}
	hits, err := a.Search(ctx, "valletta harbour", 5)
	if err != nil || len(hits) == 0 || !strings.Contains(hits[0].Title, "Valletta") {
		t.Fatalf("search after the poll: %+v, %v", hits, err)
	}
	doc, err := a.Document(ctx, hits[0].ID)
	if err != nil || doc.Source != "Harbour Times" || !doc.Published.Equal(day0) || !strings.Contains(doc.Body, "valletta harbour") {
		t.Fatalf("stored article: %+v, %v", doc, err)
	}
	list, err := a.Feeds(ctx)
	if err != nil || len(list) != 2 || list[0].Title != "World" || list[1].Title != "Europe desk" ||
		list[0].Documents+list[1].Documents != 2 || list[0].LastStatus != "200" || list[0].LastPolled.IsZero() || list[0].NextPoll.IsZero() {
		t.Fatalf("feeds after the poll: %+v, %v", list, err)
	}
	harbourFetches := site.Requests("/news/harbour")

	c, err = a.Poll(ctx)
	if err != nil || c.New != 0 || c.Updated != 0 || c.Errors != 0 {
		t.Fatalf("second poll: %+v, %v", c, err)
	}
	if n := site.Requests("/news/harbour"); n != harbourFetches {
		t.Fatalf("an unchanged article was fetched again (%d -> %d requests)", harbourFetches, n)
	}

	site.SetPage("/news/grain", "Grain corridor reopens", "Harbour Times", para("grain corridor insurance")...)
	site.SetFeed("/world.xml", "World", newssite.Item{Title: "Harbour talks resume in Valletta", Path: "/news/harbour?utm_source=world", GUID: "w-1", Published: day0},
		newssite.Item{Title: "Grain corridor reopens", Path: "/news/grain", GUID: "w-2", Published: day0, Description: "Updated with insurance terms."})
	c, err = a.Poll(ctx)
	if err != nil || c.New != 0 || c.Updated != 1 {
		t.Fatalf("poll after a change: %+v, %v", c, err)
	}
	if n, _ := a.Store.Count(ctx); n != 3 {
		t.Fatalf("%d documents, want the seed and two articles", n)
	}
	hits, _ = a.Search(ctx, "insurance", 5)
	if len(hits) != 1 || !strings.Contains(hits[0].Title, "Grain") {
		t.Fatalf("the updated text is searchable: %+v", hits)
	}
}

// DOCS_MAX_AGE removes web documents by age; the seed document, older
// still, stays. A seed re-sync never removes web documents.
func TestMaxAgePrunesWebDocumentsOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	site := newSite(t)
	site.SetPage("/news/a", "Ceasefire monitors arrive", "Harbour Times", para("ceasefire monitors")...)
	site.SetFeed("/feed.xml", "World", newssite.Item{Title: "Ceasefire monitors arrive", Path: "/news/a", GUID: "a", Published: day0})
	clock := newFakeClock()
	a := newsApp(t, map[string]string{"DOCS_MAX_AGE": "7d"}, WithClock(clock.Now, clock.After))
	if _, err := a.AddFeed(ctx, site.URL("/feed.xml"), ""); err != nil {
		t.Fatal(err)
	}
	if c, err := a.Poll(ctx); err != nil || c.New != 1 {
		t.Fatalf("poll: %+v %v", c, err)
	}
	resyncSeeds(t, a)
	if n, _ := a.Store.Count(ctx); n != 2 {
		t.Fatalf("a seed re-sync removed a web document: %d documents", n)
	}
	clock.Advance(6 * 24 * time.Hour)
	if n, err := a.Prune(ctx); err != nil || n != 0 {
		t.Fatalf("pruned %d at 6 days, %v", n, err)
	}
	clock.Advance(2 * 24 * time.Hour)
	if n, err := a.Prune(ctx); err != nil || n != 1 {
		t.Fatalf("pruned %d at 8 days, %v; want the article", n, err)
	}
	if _, err := a.Find(ctx, "oman"); err != nil {
		t.Fatalf("the seed (published 2020) was pruned: %v", err)
	}
	// The item is still in the feed: it is not fetched and stored again.
	site.SetFeed("/feed.xml", "World", newssite.Item{Title: "Ceasefire monitors arrive", Path: "/news/a", GUID: "a", Published: day0},
		newssite.Item{Title: "Another", Path: "/news/missing", GUID: "b", Published: day0})
	before := site.Requests("/news/a")
	if c, err := a.Poll(ctx); err != nil || c.New != 0 {
		t.Fatalf("poll after pruning: %+v %v", c, err)
	}
	if site.Requests("/news/a") != before {
		t.Fatal("a pruned article still in its feed was fetched again")
	}
}

func resyncSeeds(t *testing.T, a *App) {
	t.Helper()
	docs, warnings := corpus.Load(a.seeds)
	if err := a.sync(context.Background(), docs, warnings); err != nil {
		t.Fatal(err)
	}
}

// The background Run polls a feed when it is due and picks up an item added
// while it runs: driven by the fake clock, step by step.
func TestRunPicksUpNewItem(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	site := newSite(t)
	site.SetPage("/news/1", "Summit opens in Nairobi", "Harbour Times", para("nairobi summit")...)
	site.SetFeed("/feed.xml", "World", newssite.Item{Title: "Summit opens in Nairobi", Path: "/news/1", GUID: "1", Published: day0})
	clock := newFakeClock()
	a := newsApp(t, map[string]string{"FEEDS_POLL_INTERVAL": "10m"}, WithClock(clock.Now, clock.After))
	if _, err := a.AddFeed(ctx, site.URL("/feed.xml"), ""); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()

	// The first pass schedules the new feed within the interval.
	w := <-clock.waits
	if w.d > 10*time.Minute || site.Requests("/feed.xml") != 1 { // the one request is AddFeed's check
		t.Fatalf("first wait %s, %d feed requests", w.d, site.Requests("/feed.xml"))
	}
	clock.Advance(10 * time.Minute)
	w.done <- clock.Now()
	w = <-clock.waits // the poll is over when Run waits again
	if hits, _ := a.Search(ctx, "nairobi", 5); len(hits) != 1 {
		t.Fatalf("after the first due poll: %+v", hits)
	}

	site.SetPage("/news/2", "Talks on the dam resume", "Harbour Times", para("blue nile dam")...)
	site.SetFeed("/feed.xml", "World", newssite.Item{Title: "Summit opens in Nairobi", Path: "/news/1", GUID: "1", Published: day0},
		newssite.Item{Title: "Talks on the dam resume", Path: "/news/2", GUID: "2", Published: day0})
	clock.Advance(10 * time.Minute)
	w.done <- clock.Now()
	<-clock.waits
	if hits, _ := a.Search(ctx, "dam nile", 5); len(hits) != 1 || !strings.Contains(hits[0].Title, "dam") {
		t.Fatalf("the item added while Run runs was not picked up: %+v", hits)
	}
	cancel()
	<-done
}

// A link given to Find is fetched, extracted and stored, then found again
// without fetching; Ingest reports new, unchanged and updated pages.
func TestFindURLAndIngest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	site := newSite(t)
	site.SetPage("/news/x", "Border crossing reopens", "Harbour Times", para("border crossing")...)
	a := newsApp(t, nil)

	m, err := a.Find(ctx, site.URL("/news/x?utm_medium=social"))
	if err != nil || m.Doc.Title != "Border crossing reopens" || !strings.Contains(m.Doc.Body, "border crossing") {
		t.Fatalf("Find(URL): %+v, %v", m.Doc, err)
	}
	if hits, _ := a.Search(ctx, "border crossing", 5); len(hits) != 1 || hits[0].ID != m.Doc.ID {
		t.Fatalf("the page joined the corpus: %+v", hits)
	}
	if m2, err := a.Find(ctx, site.URL("/news/x")); err != nil || m2.Doc.ID != m.Doc.ID || site.Requests("/news/x") != 1 {
		t.Fatalf("found again: %v, %v, %d fetches", m2.Doc.ID, err, site.Requests("/news/x"))
	}

	site.SetPage("/news/y", "Port strike ends", "Harbour Times", para("port strike")...)
	res := a.Ingest(ctx, site.URL("/news/y"), site.URL("/news/x"), site.URL("/news/missing"), "ftp://example.org/a")
	if len(res) != 4 || res[0].Status != "new" || res[1].Status != "unchanged" || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("Ingest: %+v", res)
	}
	var se *webfetch.StatusError
	if !errors.As(res[2].Err, &se) || se.Status != 404 || res[3].Err == nil || !strings.Contains(res[3].Err.Error(), "not an http(s) URL") {
		t.Fatalf("failures: %v / %v", res[2].Err, res[3].Err)
	}
	site.SetPage("/news/x", "Border crossing reopens", "Harbour Times", para("border crossing convoy")...)
	if res := a.Ingest(ctx, site.URL("/news/x")); res[0].Status != "updated" || res[0].Doc.ID != m.Doc.ID || !strings.Contains(res[0].Doc.Body, "convoy") {
		t.Fatalf("changed page: %+v", res[0])
	}
}

// By default loopback and private addresses are refused, with webfetch's
// one-line reason, and nothing is stored.
func TestDefaultRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	site := newSite(t)
	site.SetPage("/news/x", "Border crossing reopens", "Harbour Times", para("border crossing")...)
	site.SetFeed("/feed.xml", "World", newssite.Item{Title: "Border crossing reopens", Path: "/news/x", GUID: "x"})
	a := newsApp(t, map[string]string{"FETCH_ALLOW_PRIVATE": "false"})
	var re *webfetch.RefusedError
	if _, err := a.AddFeed(ctx, site.URL("/feed.xml"), ""); !errors.As(err, &re) || !strings.Contains(err.Error(), "FETCH_ALLOW_PRIVATE") {
		t.Fatalf("AddFeed: %v", err)
	}
	if _, err := a.Find(ctx, site.URL("/news/x")); !errors.As(err, &re) {
		t.Fatalf("Find: %v", err)
	}
	if site.Requests("/feed.xml")+site.Requests("/news/x") != 0 {
		t.Fatal("a request reached the loopback site")
	}
	if list, _ := a.Feeds(ctx); len(list) != 0 {
		t.Fatalf("a refused feed was added: %+v", list)
	}
}

// FEEDS_OPML is imported at start when new or changed: a second start adds
// nothing, a feed removed stays removed while the file is unchanged, and
// export writes what import reads.
func TestFeedsOPMLAtStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir, data := t.TempDir(), t.TempDir()
	opml := filepath.Join(dir, "feeds.opml")
	write := func(body string) {
		if err := os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>`+body+`</body></opml>`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`<outline text="World"><outline text="One" xmlUrl="https://one.example/rss"/><outline text="Two" xmlUrl="https://two.example/rss"/></outline>`)
	env := map[string]string{"FEEDS_OPML": opml, "DATA_DIR": data}
	open := func() *App {
		a := newsApp(t, env)
		return a
	}
	a := open()
	if list, _ := a.Feeds(ctx); len(list) != 2 || list[0].Title != "One" {
		t.Fatalf("imported: %+v", list)
	}
	if err := a.RemoveFeed(ctx, "HTTPS://one.example/rss#top"); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveFeed(ctx, "https://one.example/rss"); !errors.Is(err, ErrNoSuchFeed) {
		t.Fatalf("removed twice: %v", err)
	}
	a.Close()
	a = open()
	if list, _ := a.Feeds(ctx); len(list) != 1 || list[0].Title != "Two" {
		t.Fatalf("an unchanged FEEDS_OPML brought a removed feed back: %+v", list)
	}
	a.Close()
	write(`<outline text="Two" xmlUrl="https://two.example/rss"/><outline text="Three" xmlUrl="https://three.example/rss"/>`)
	a = open()
	list, _ := a.Feeds(ctx)
	if len(list) != 2 || list[1].Title != "Three" {
		t.Fatalf("a changed FEEDS_OPML: %+v", list)
	}
	var out bytes.Buffer
	if err := a.ExportOPML(ctx, &out); err != nil {
		t.Fatal(err)
	}
	res, err := a.ImportOPML(ctx, &out)
	if err != nil || res.Added != 0 || res.Existing != 2 {
		t.Fatalf("export then import: %+v, %v\n%s", res, err, out.String())
	}
}
