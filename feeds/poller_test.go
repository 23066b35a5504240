package feeds

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/internal/fakeclock"
)

type pollerFixture struct {
	site    *newsSite
	sources *memSources
	state   *memState
	sink    *memSink
	clock   *fakeclock.Clock
	logs    *bytes.Buffer
	poller  *Poller
}

func newFixture(t *testing.T) *pollerFixture {
	t.Helper()
	f := &pollerFixture{
		site:    newNewsSite(t),
		sources: &memSources{},
		state:   &memState{},
		sink:    newMemSink(),
		clock:   fakeclock.New(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)),
		logs:    &bytes.Buffer{},
	}
	p, err := NewPoller(Config{
		Sources:  f.sources,
		State:    f.state,
		Sink:     f.sink,
		Fetcher:  splitFetcher{normal: testFetcher(time.Minute), short: testFetcher(200 * time.Millisecond)},
		Logger:   slog.New(slog.NewTextHandler(&lockedWriter{w: f.logs}, nil)),
		Interval: 15 * time.Minute,
		Now:      f.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.poller = p
	return f
}

func TestPollEndToEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	site := f.site
	long := words("gone", 60)
	site.setPage("/news/shared", articlePage("Harbour talks resume", "The Test Ledger", words("harbour", 30), words("berths", 30)))
	site.setPage("/news/a1", articlePage("Grain corridor reopens", "The Test Ledger", words("grain", 50)))
	site.setPage("/news/b1", articlePage("Summit ends early", "The Test Ledger", words("summit", 50)))
	feedA := func(pubDate string) string {
		return rssFeed("Ledger A",
			rssItem{title: "Harbour talks resume", link: site.url("/news/shared?utm_source=a"), pubDate: pubDate},
			rssItem{title: "Grain corridor reopens", link: site.url("/news/a1"), guid: "a-1"},
			rssItem{title: "Gone but described", link: site.url("/news/gone"), description: "<p>" + long + "</p>"},
			rssItem{title: "Gone and short", link: site.url("/news/gone2"), description: "Too short to stand in."},
			rssItem{title: "A zip file", link: site.url("/news/binary"), description: "Download."},
			rssItem{title: "A page that hangs", link: site.url("/news/hang"), description: "Never ends."},
			rssItem{title: "A huge page", link: site.url("/news/huge"), description: long},
		)
	}
	site.setFeed("/feeds/a.xml", "application/rss+xml", feedA(""))
	site.setFeed("/feeds/b.xml", "application/rss+xml", rssFeed("Ledger B",
		rssItem{title: "Harbour talks resume", link: site.url("/news/shared?utm_source=b&fbclid=xyz#top")},
		rssItem{title: "Summit ends early", link: site.url("/news/b1"), guid: "b-1"},
	))
	f.sources.add(Source{URL: site.url("/feeds/a.xml"), Title: "A"})
	f.sources.add(Source{URL: site.url("/feeds/b.xml"), Title: "B"})
	ctx := context.Background()

	// First poll: everything is new; bad items are skipped, one warning each.
	c, err := f.poller.PollAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Feeds: 2, New: 5, Skipped: 3}
	if c != want {
		t.Fatalf("first poll: %+v, want %+v\nlogs:\n%s", c, want, f.logs)
	}
	shared := f.sink.byTitle("Harbour talks resume")
	if len(shared) != 1 {
		t.Fatalf("the shared article is stored %d times, want once", len(shared))
	}
	if n := site.count("/news/shared"); n != 1 {
		t.Errorf("the shared page was fetched %d times, want once", n)
	}
	doc := shared[0]
	if !strings.HasPrefix(doc.ID, "harbour-talks-resume-") || doc.Link != site.url("/news/shared") || doc.Source != "The Test Ledger" {
		t.Errorf("shared doc: ID %q link %q source %q", doc.ID, doc.Link, doc.Source)
	}
	if !strings.Contains(doc.Text, "harbour") || !strings.Contains(doc.Text, "\n\n") || strings.Contains(doc.Text, "Copyright") {
		t.Errorf("shared doc text, want the two article paragraphs only:\n%s", doc.Text)
	}
	for _, title := range []string{"Gone but described", "A huge page"} {
		d := f.sink.byTitle(title)
		if len(d) != 1 || !d[0].FromFeed || !strings.Contains(d[0].Text, "officials said the talks on gone") {
			t.Errorf("%s: want the item's own description stored (FromFeed): %+v", title, d)
		}
	}
	logs := f.logs.String()
	for _, title := range []string{"gone2", "binary", "hang"} {
		if n := strings.Count(logs, "item="+site.url("/news/"+title)+"\n"); n != 1 {
			t.Errorf("want one warning line for /news/%s, got %d:\n%s", title, n, logs)
		}
	}
	if !strings.Contains(logs, "/news/hang took longer than") {
		t.Errorf("the hanging page should be cut at the fetch timeout:\n%s", logs)
	}
	st := f.state.get(site.url("/feeds/a.xml"))
	if st.ETag == "" || st.LastStatus != "200" || st.Failures != 0 || !st.NextPoll.Equal(f.clock.Now().Add(15*time.Minute)) {
		t.Errorf("feed state after first poll: %+v", st)
	}

	// Second poll: both feeds answer 304 to a conditional GET; nothing else is fetched.
	before, _, _ := site.totals()
	c, err = f.poller.PollAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c != (Counts{Feeds: 2}) {
		t.Fatalf("second poll: %+v, want 2 feeds and nothing else", c)
	}
	after, conditional, notModified := site.totals()
	if after-before != 2 || conditional != 2 || notModified != 2 {
		t.Fatalf("second poll made %d requests (%d conditional, %d answered 304), want 2, 2, 2", after-before, conditional, notModified)
	}
	if got := f.state.get(site.url("/feeds/b.xml")).LastStatus; got != "304" {
		t.Errorf("feed B status = %q, want 304", got)
	}

	// Third poll: the shared article's text changed and feed A says so; it is an
	// update of the same document, not a new one.
	site.setPage("/news/shared", articlePage("Harbour talks resume", "The Test Ledger", words("harbour", 30), words("agreement", 30)))
	site.setFeed("/feeds/a.xml", "application/rss+xml", feedA("Tue, 10 Mar 2026 13:00:00 GMT"))
	c, err = f.poller.PollAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 0 || c.Updated != 1 || c.Errors != 0 {
		t.Fatalf("third poll: %+v, want 1 updated, 0 new", c)
	}
	shared = f.sink.byTitle("Harbour talks resume")
	if len(shared) != 1 || shared[0].ID != doc.ID || !shared[0].Update || !strings.Contains(shared[0].Text, "agreement") {
		t.Fatalf("after the update: %+v", shared)
	}
	if f.sink.len() != 5 {
		t.Errorf("%d documents stored, want 5", f.sink.len())
	}
}

func TestPollBackoffRetryAfterMaxAge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const path = "/feeds/x.xml"
	feedURL := f.site.url(path)
	f.site.setFeed(path, "application/rss+xml", rssFeed("X"))
	f.sources.add(Source{URL: feedURL})
	ctx := context.Background()
	interval := 15 * time.Minute
	poll := func() FeedState {
		t.Helper()
		if _, err := f.poller.PollAll(ctx); err != nil {
			t.Fatal(err)
		}
		return f.state.get(feedURL)
	}

	// Failing: each wait is twice the last.
	f.site.setStatus(path, http.StatusInternalServerError, nil)
	for i, wait := range []time.Duration{interval, 2 * interval, 4 * interval} {
		c, err := f.poller.PollAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Errors != 1 || c.FailedFeeds != 1 || c.Feeds != 1 {
			t.Fatalf("poll %d: %+v, want the feed counted as failed", i, c)
		}
		st := f.state.get(feedURL)
		if st.Failures != i+1 || !st.NextPoll.Equal(f.clock.Now().Add(wait)) || !strings.Contains(st.LastStatus, "500") {
			t.Fatalf("poll %d: state %+v, want %d failures and next poll in %s", i, st, i+1, wait)
		}
	}

	// 429 with a Retry-After longer than the backoff (8 x 15m = 2h): Retry-After wins.
	f.site.setStatus(path, http.StatusTooManyRequests, http.Header{"Retry-After": {"36000"}})
	if st := poll(); st.Failures != 4 || !st.NextPoll.Equal(f.clock.Now().Add(10*time.Hour)) {
		t.Fatalf("after 429 Retry-After 36000: next poll in %s, want 10h (%+v)", st.NextPoll.Sub(f.clock.Now()), st)
	}

	// Backoff stops growing at MaxBackoff (24h).
	f.site.setStatus(path, http.StatusBadGateway, nil)
	for range 6 {
		poll()
	}
	if st := poll(); !st.NextPoll.Equal(f.clock.Now().Add(24 * time.Hour)) {
		t.Fatalf("after %d failures: next poll in %s, want 24h", st.Failures, st.NextPoll.Sub(f.clock.Now()))
	}

	// Back: failures reset; Cache-Control max-age longer than the interval is honoured.
	f.site.setStatus(path, 0, nil)
	f.site.setFeedHeader(path, http.Header{"Cache-Control": {"max-age=7200"}})
	if st := poll(); st.Failures != 0 || st.LastStatus != "200" || !st.NextPoll.Equal(f.clock.Now().Add(2*time.Hour)) {
		t.Fatalf("recovered with max-age 7200: %+v, want 0 failures, next poll in 2h", st)
	}
	// A max-age shorter than the interval does not make us poll more often.
	f.site.setFeedHeader(path, http.Header{"Cache-Control": {"max-age=60"}})
	f.site.setFeed(path, "application/rss+xml", rssFeed("X changed"))
	if st := poll(); !st.NextPoll.Equal(f.clock.Now().Add(interval)) {
		t.Fatalf("max-age 60: next poll in %s, want the interval", st.NextPoll.Sub(f.clock.Now()))
	}
}

func TestPollEveryFeedFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.site.setPage("/not-a-feed", "<html><body>hello</body></html>")
	f.sources.add(Source{URL: f.site.url("/missing.xml")})
	f.sources.add(Source{URL: f.site.url("/not-a-feed")})
	c, err := f.poller.PollAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Feeds != 2 || c.FailedFeeds != 2 || c.Errors != 2 {
		t.Fatalf("counts %+v, want both feeds failed", c)
	}
	if st := f.state.get(f.site.url("/not-a-feed")); !strings.Contains(st.LastStatus, "not an RSS, Atom or JSON feed") {
		t.Errorf("status %q should say the page is not a feed", st.LastStatus)
	}
}

func TestPollOneItemFailingToSave(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.site.setPage("/news/1", articlePage("One", "S", words("one", 50)))
	f.site.setPage("/news/2", articlePage("Two", "S", words("two", 50)))
	f.site.setFeed("/f.xml", "application/rss+xml", rssFeed("F",
		rssItem{title: "One", link: f.site.url("/news/1")},
		rssItem{title: "Two", link: f.site.url("/news/2")},
	))
	f.sources.add(Source{URL: f.site.url("/f.xml")})
	f.sink.failOn = "One"
	c, err := f.poller.PollAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c != (Counts{Feeds: 1, New: 1, Errors: 1}) {
		t.Fatalf("counts %+v, want 1 new and 1 error", c)
	}
	if len(f.sink.byTitle("Two")) != 1 {
		t.Fatal("the good item was not stored")
	}
}

// TestPollDueSpreadsNewFeeds: feeds seen for the first time get first polls spread over
// the interval, not all at once; each is polled when its time comes.
func TestPollDueSpreadsNewFeeds(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := range 8 {
		path := "/feeds/" + string(rune('a'+i)) + ".xml"
		f.site.setFeed(path, "application/rss+xml", rssFeed("F"))
		f.sources.add(Source{URL: f.site.url(path)})
	}
	ctx := context.Background()
	start := f.clock.Now()
	c, next, err := f.poller.PollDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Feeds != 0 {
		t.Fatalf("first PollDue polled %d feeds, want none (all scheduled)", c.Feeds)
	}
	firsts := map[time.Time]bool{}
	for _, s := range f.sources.feeds {
		np := f.state.get(s.URL).NextPoll
		if np.Before(start) || !np.Before(start.Add(15*time.Minute)) {
			t.Fatalf("first poll of %s at %s, want within the interval", s.URL, np)
		}
		firsts[np] = true
	}
	if len(firsts) < 4 {
		t.Fatalf("8 feeds share %d first-poll times, want them spread", len(firsts))
	}
	// Step the clock to each announced time: every feed is polled exactly once.
	polled := 0
	for polled < 8 {
		if next.IsZero() || next.After(start.Add(15*time.Minute)) {
			t.Fatalf("next = %s after %d polls", next, polled)
		}
		f.clock.Advance(next.Sub(f.clock.Now()))
		c, next, err = f.poller.PollDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Feeds == 0 {
			t.Fatal("PollDue at the announced time polled nothing")
		}
		polled += c.Feeds
	}
	if polled != 8 {
		t.Fatalf("polled %d, want 8", polled)
	}
}

// TestRunPicksUpNewItem: the running poller stores an item published after it started.
// Run's waits go through a fake After, so the test decides when time passes.
func TestRunPicksUpNewItem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.site.setPage("/news/1", articlePage("First story", "S", words("first", 50)))
	f.site.setPage("/news/2", articlePage("Second story", "S", words("second", 50)))
	f.site.setFeed("/f.xml", "application/rss+xml", rssFeed("F", rssItem{title: "First story", link: f.site.url("/news/1")}))
	f.sources.add(Source{URL: f.site.url("/f.xml")})
	f.sink.saved = make(chan Doc, 10)

	type wake struct {
		d  time.Duration
		ch chan time.Time
	}
	wakes := make(chan wake)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := NewPoller(Config{
		Sources: f.sources, State: f.state, Sink: f.sink, Fetcher: testFetcher(time.Minute),
		Interval: 15 * time.Minute, Now: f.clock.Now,
		After: func(d time.Duration) <-chan time.Time {
			ch := make(chan time.Time, 1)
			select {
			case wakes <- wake{d, ch}:
			case <-ctx.Done(): // the test is over: Run sees ctx.Done next
			}
			return ch
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	step := func() {
		w := <-wakes
		if w.d <= 0 || w.d > 15*time.Minute {
			t.Errorf("Run waits %s, want within (0, interval]", w.d)
		}
		f.clock.Advance(w.d)
		w.ch <- f.clock.Now()
	}
	step() // the feed was scheduled; its first poll comes at the announced time
	if d := <-f.sink.saved; d.Title != "First story" {
		t.Fatalf("saved %q first", d.Title)
	}
	f.site.setFeed("/f.xml", "application/rss+xml", rssFeed("F",
		rssItem{title: "Second story", link: f.site.url("/news/2")},
		rssItem{title: "First story", link: f.site.url("/news/1")},
	))
	step() // wakes at the next poll (one interval later)
	if d := <-f.sink.saved; d.Title != "Second story" {
		t.Fatalf("saved %q, want the new item", d.Title)
	}
}

func TestHeadline(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"Troops withdrew from the town. Residents returned.": "Troops withdrew from the town",
		"One paragraph\n\nSecond":                            "One paragraph",
		strings.Repeat("word ", 50):                          strings.TrimSpace(strings.Repeat("word ", 24)),
		"":                                                   "",
	}
	for in, want := range cases {
		if got := headline(in); got != want {
			t.Errorf("headline(%q) = %q, want %q", in, got, want)
		}
	}
}
