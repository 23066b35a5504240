package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// scored is a hit as far as ranking goes.
type scored struct {
	ID    string
	Score float64
}

func searchScores(t *testing.T, s *Store, q string) []scored {
	t.Helper()
	var out []scored
	for _, h := range mustSearch(t, s, q, 10) {
		out = append(out, scored{h.ID, h.Score})
	}
	return out
}

// assertLikeFresh checks that s ranks the queries exactly as a store built
// from scratch by build does: Search caches document frequencies, and a
// stale one shows as a different score.
func assertLikeFresh(t *testing.T, s *Store, build func(*Store), queries ...string) {
	t.Helper()
	fresh, _ := sqliteBackend.openTest(t)
	build(fresh)
	for _, q := range queries {
		got, want := searchScores(t, s, q), searchScores(t, fresh, q)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Search(%q) = %v, a fresh store gives %v", q, got, want)
		}
	}
}

// The changed documents keep their token counts and rowids, so that only
// the write path's invalidation, not the index statistics, can tell the
// cache that "gamma" is now in two documents.
var (
	dfBefore = doc("a", "Harbour news", "alpha beta pad")
	dfAfter  = doc("a", "Harbour news", "alpha gamma pad")
	dfOther  = doc("c", "Other item", "gamma delta pad")
)

func TestSearchFrequenciesFollowSync(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		sync := func(s *Store, docs ...corpus.Document) {
			if _, err := s.SyncDocuments(ctx, docs); err != nil {
				t.Fatal(err)
			}
		}
		sync(s, dfBefore, dfOther)
		assertLikeFresh(t, s, func(f *Store) { sync(f, dfBefore, dfOther) }, "gamma", "beta", "gamma beta")

		sync(s, dfAfter, dfOther) // changed
		assertLikeFresh(t, s, func(f *Store) { sync(f, dfAfter, dfOther) }, "gamma", "beta", "gamma beta")

		sync(s, dfOther) // removed
		assertLikeFresh(t, s, func(f *Store) { sync(f, dfOther) }, "gamma", "beta", "gamma beta")
	})
}

func TestSearchFrequenciesFollowWebDocuments(t *testing.T) {
	t.Parallel()
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		web := func(d corpus.Document) WebDocument {
			d.Published, d.Added = day, day
			return WebDocument{Doc: d, Key: "guid:" + d.ID, Link: d.URL, Feed: "https://news.example/feed.xml", ItemHash: "item"}
		}
		save := func(s *Store, docs ...corpus.Document) {
			for _, d := range docs {
				if err := s.SaveWebDocument(ctx, web(d), day); err != nil {
					t.Fatal(err)
				}
			}
		}
		s, _ := be.openTest(t)
		save(s, dfBefore, dfOther)
		assertLikeFresh(t, s, func(f *Store) { save(f, dfBefore, dfOther) }, "gamma", "beta")

		save(s, dfAfter) // changed
		assertLikeFresh(t, s, func(f *Store) { save(f, dfAfter, dfOther) }, "gamma", "beta")

		// Pruned: every web document is older than the cutoff; one is saved
		// again afterwards.
		if _, err := s.PruneWebDocuments(ctx, day.Add(time.Hour), day.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		assertLikeFresh(t, s, func(*Store) {}, "gamma", "beta")
		save(s, dfOther)
		assertLikeFresh(t, s, func(f *Store) { save(f, dfOther) }, "gamma", "beta")
	})
}
