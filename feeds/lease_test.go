package feeds

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
)

var _ Leases = (*store.Store)(nil)

// replicas are two replicas' pollers over the fixture's feeds,
// state and documents, both coordinating through st.
func (f *pollerFixture) replicas(t *testing.T, st *store.Store) (a, b *Poller) {
	t.Helper()
	mk := func(owner string) *Poller {
		p, err := NewPoller(Config{
			Sources: f.sources, State: f.state, Sink: f.sink,
			Fetcher:  splitFetcher{normal: testFetcher(time.Minute), short: testFetcher(200 * time.Millisecond)},
			Logger:   slog.New(slog.DiscardHandler),
			Interval: 15 * time.Minute, Now: f.clock.Now,
			Leases: st, Owner: owner,
		})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	return mk("replica-a"), mk("replica-b")
}

// Replicas polling at once fetch each due feed once between them: the
// one that gets the lease polls; the other skips it, also when it comes
// after the first has finished (the state it saved says not yet due).
func TestReplicasPollEachFeedOnce(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		f := newFixture(t)
		st := be.Open(t)
		a, b := f.replicas(t, st)
		var paths []string
		for _, name := range []string{"/feeds/one.xml", "/feeds/two.xml", "/feeds/three.xml"} {
			f.site.setFeed(name, "application/rss+xml", rssFeed("Feed", rssItem{title: "Item", link: f.site.url("/news/none"), description: words("item", 50)}))
			f.sources.add(Source{URL: f.site.url(name), Title: name})
			paths = append(paths, name)
		}
		ctx := context.Background()
		if _, err := a.PollAll(ctx); err != nil {
			t.Fatal(err)
		}
		for round := range 3 {
			before := map[string]int{}
			for _, p := range paths {
				before[p] = f.site.count(p)
			}
			f.clock.Advance(16 * time.Minute) // every feed is due again
			var wg sync.WaitGroup
			for _, p := range []*Poller{a, b} {
				wg.Go(func() {
					if _, _, err := p.PollDue(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			for _, p := range paths {
				if n := f.site.count(p) - before[p]; n != 1 {
					t.Errorf("round %d: %s fetched %d times by two replicas, want once", round, p, n)
				}
			}
		}
	})
}

// A feed whose lease another replica holds is skipped until the lease runs
// out (its holder died), then polled.
func TestFeedHeldByAnotherReplicaIsSkippedUntilItsLeaseRunsOut(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, be storetest.Backend) {
		f := newFixture(t)
		st := be.Open(t)
		a, _ := f.replicas(t, st)
		f.site.setFeed("/feeds/one.xml", "application/rss+xml", rssFeed("Feed"))
		u := f.site.url("/feeds/one.xml")
		f.sources.add(Source{URL: u, Title: "one"})
		ctx := context.Background()
		now := f.clock.Now()
		if ok, err := st.TryLease(ctx, "feed:"+u, "dead-replica", now, now.Add(DefaultPollLease)); !ok || err != nil {
			t.Fatalf("lease for the other replica: %v, %v", ok, err)
		}
		if c, err := a.PollAll(ctx); err != nil || c.Feeds != 0 || f.site.count("/feeds/one.xml") != 0 {
			t.Fatalf("polled a feed another replica holds: %+v, %v", c, err)
		}
		f.clock.Advance(DefaultPollLease)
		if c, err := a.PollAll(ctx); err != nil || c.Feeds != 1 || f.site.count("/feeds/one.xml") != 1 {
			t.Fatalf("after the lease ran out: %+v, %v, %d fetches", c, err, f.site.count("/feeds/one.xml"))
		}
		if _, _, held, _ := st.Lease(ctx, "feed:"+u); held {
			t.Error("the lease is still held after the poll")
		}
	})
}

// failingLeases cannot be reached.
type failingLeases struct{}

func (failingLeases) TryLease(context.Context, string, string, time.Time, time.Time) (bool, error) {
	return false, errors.New("database unreachable")
}
func (failingLeases) ReleaseLease(context.Context, string, string) error { return nil }

// A lease that cannot be taken skips the feed and counts an error; it is
// not polled without one, and the poll goes on.
func TestFeedWithoutALeaseIsNotPolled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.site.setFeed("/feeds/one.xml", "application/rss+xml", rssFeed("Feed"))
	f.sources.add(Source{URL: f.site.url("/feeds/one.xml"), Title: "one"})
	p, err := NewPoller(Config{Sources: f.sources, State: f.state, Sink: f.sink, Fetcher: testFetcher(time.Minute),
		Now: f.clock.Now, Leases: failingLeases{}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.PollAll(context.Background())
	if err != nil || c.Feeds != 0 || c.Errors != 1 || f.site.count("/feeds/one.xml") != 0 {
		t.Fatalf("poll = %+v, %v, %d fetches; want the feed skipped with one error", c, err, f.site.count("/feeds/one.xml"))
	}
}
