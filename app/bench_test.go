package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/newssite"
	"github.com/geobrief/geobrief/webfetch"
)

// BenchmarkPoll measures the wired live news path, feeds to SQLite: a first
// poll of 20 feeds x 50 items from a local news site (each item's page
// fetched, extracted and stored as a web document) and a second poll of the
// same feeds (all conditional GETs answered 304, nothing stored). The site
// answers at once and is one loopback host, so the per-host limit of 2
// requests in flight holds for all feeds and the per-host spacing is off:
// the figures are the CPU and store cost per item, not network time.
//
//	go test -run '^$' -bench Poll -benchtime 3x ./app/
func BenchmarkPoll(b *testing.B) {
	const nFeeds, nItems = 20, 50
	site := newssite.New()
	b.Cleanup(site.Close)
	for f := range nFeeds {
		items := make([]newssite.Item, nItems)
		for i := range items {
			path := fmt.Sprintf("/news/%d/%d", f, i)
			title := fmt.Sprintf("Story %d of desk %d", i, f)
			site.SetPage(path, title, "Bench Times", newssite.Sentence(fmt.Sprintf("topic%d desk%d", i, f), 120),
				newssite.Sentence(fmt.Sprintf("follow%d desk%d", i, f), 120), newssite.Sentence("background", 80))
			items[i] = newssite.Item{Title: title, Path: path, GUID: path, Published: day0}
		}
		site.SetFeed(fmt.Sprintf("/feed/%d.xml", f), fmt.Sprintf("Desk %d", f), items...)
	}
	open := func(b *testing.B) *App {
		cfg, err := config.Load(config.MapLookup(map[string]string{"DATA_DIR": b.TempDir(), "FETCH_ALLOW_PRIVATE": "true", "SEEDS_DIR": b.TempDir()}))
		if err != nil {
			b.Fatal(err)
		}
		clock := newFakeClock()
		a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
			WithClock(clock.Now, clock.After), WithFetchConfig(func(c *webfetch.Config) { c.HostDelay = -1 }))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(a.Close)
		for f := range nFeeds {
			if _, err := a.ImportOPML(context.Background(), bytes.NewReader([]byte(fmt.Sprintf(
				`<opml version="2.0"><body><outline text="d" xmlUrl="%s"/></body></opml>`, site.URL(fmt.Sprintf("/feed/%d.xml", f)))))); err != nil {
				b.Fatal(err)
			}
		}
		return a
	}
	ctx := context.Background()
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			a := open(b)
			b.StartTimer()
			c, err := a.Poll(ctx)
			if err != nil || c.New != nFeeds*nItems {
				b.Fatalf("first poll: %+v, %v", c, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*nFeeds*nItems), "µs/item")
	})
	// The baseline: the same poll with documents kept in memory instead of
	// SQLite (feed state still in the store), so the difference is the cost
	// of storing and indexing.
	b.Run("first-memory-sink", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			a := open(b)
			w := a.webStore()
			p, err := feeds.NewPoller(feeds.Config{Sources: w, State: w, Sink: &memorySink{docs: map[string]feeds.Doc{}}, Fetcher: a.web.fetcher,
				Logger: a.log, Interval: a.pollInterval, Now: a.now, After: a.after})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			c, err := p.PollAll(ctx)
			if err != nil || c.New != nFeeds*nItems {
				b.Fatalf("first poll: %+v, %v", c, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*nFeeds*nItems), "µs/item")
	})
	b.Run("second", func(b *testing.B) {
		a := open(b)
		if c, err := a.Poll(ctx); err != nil || c.New != nFeeds*nItems {
			b.Fatalf("first poll: %+v, %v", c, err)
		}
		for b.Loop() {
			c, err := a.Poll(ctx)
			if err != nil || c.New != 0 || c.Updated != 0 {
				b.Fatalf("second poll: %+v, %v", c, err)
			}
		}
	})
}

// memorySink keeps documents in a map: the baseline of BenchmarkPoll.
type memorySink struct {
	mu   sync.Mutex
	docs map[string]feeds.Doc // by key and by link
}

func (m *memorySink) Known(_ context.Context, key string) (feeds.Known, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[key]
	return feeds.Known{ID: d.ID, ItemHash: d.ItemHash, TextHash: d.TextHash}, ok, nil
}

func (m *memorySink) Save(_ context.Context, d feeds.Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs[d.Key] = d
	if d.Link != "" {
		m.docs[d.Link] = d
	}
	return nil
}
