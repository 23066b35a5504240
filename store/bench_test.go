package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// benchWords is a small vocabulary; the head words appear in most documents,
// as common words do in news.
var benchWords = strings.Fields(`government minister president election war ceasefire
	sanctions talks summit troops border missile drone attack army navy security nuclear
	treaty alliance parliament protest refugees aid grain oil gas pipeline energy prices
	trade tariffs debt bank china russia ukraine kyiv iran israel gaza sudan sahel taiwan
	arctic shipping tanker corridor blockade envoy agreement peace offensive strikes
	civilians hostages court corruption budget climate drought migration cyber satellite
	weapons drills coastguard minerals lithium chips`)

// benchStore fills a store with n synthetic documents and returns it with
// the words it used.
func benchStore(b *testing.B, be backend, n int) *Store {
	b.Helper()
	s, _ := be.openTest(b)
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(benchWords)-1))
	text := func(words int) string {
		w := make([]string, words)
		for i := range w {
			if rng.IntN(3) == 0 {
				w[i] = fmt.Sprintf("name%d", rng.IntN(5000))
			} else {
				w[i] = benchWords[zipf.Uint64()]
			}
		}
		return strings.Join(w, " ")
	}
	docs := make([]corpus.Document, n)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range docs {
		docs[i] = withHash(corpus.Document{
			ID:    fmt.Sprintf("doc-%05d", i),
			Title: text(8),
			Body:  text(300),
			Added: start.Add(time.Duration(i) * time.Hour),
		})
	}
	if _, err := s.SyncDocuments(context.Background(), docs); err != nil {
		b.Fatal(err)
	}
	// On PostgreSQL, copy the documents into the index now, not in the
	// first timed search.
	if _, err := s.searcher(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkSearch(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		s := benchStore(b, be, 5000)
		rng := rand.New(rand.NewPCG(3, 4))
		queries := make([]string, 512)
		for i := range queries {
			w := make([]string, 1+rng.IntN(3))
			for j := range w {
				w[j] = benchWords[rng.IntN(len(benchWords))]
			}
			queries[i] = strings.Join(w, " ")
		}
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Search(ctx, queries[i%len(queries)], 10); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkAutocomplete(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		s := benchStore(b, be, 5000)
		rng := rand.New(rand.NewPCG(5, 6))
		inputs := make([]string, 512)
		for i := range inputs {
			w := benchWords[rng.IntN(len(benchWords))]
			inputs[i] = w[:1+rng.IntN(len(w))]
		}
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Autocomplete(ctx, inputs[i%len(inputs)], 25); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDocument reads documents by ID one at a time, as /summarize does
// before every summary.
func BenchmarkDocument(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		s := benchStore(b, be, 1000)
		ctx := context.Background()
		ids := make([]string, 1000)
		for i := range ids {
			ids[i] = fmt.Sprintf("doc-%05d", i)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Document(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetBrief reads cached briefs of about 2 KB one at a time, as the
// summarizer does on every cache lookup.
func BenchmarkGetBrief(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		s, _ := be.openTest(b)
		ctx := context.Background()
		data := []byte(strings.Repeat(`{"headline":"x","points":["a point"]}`, 55))
		keys := make([]string, 1000)
		for i := range keys {
			keys[i] = fmt.Sprintf("brief/v1/doc-%05d/en/3", i)
			if err := s.PutBrief(ctx, keys[i], fmt.Sprintf("doc-%05d", i), data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, found, err := s.GetBrief(ctx, keys[i%len(keys)]); err != nil || !found {
				b.Fatalf("GetBrief: found %v, %v", found, err)
			}
		}
	})
}

// benchBackends runs a benchmark on each backend, as sub-benchmarks named
// after it (the PostgreSQL one skipped without GEOBRIEF_TEST_DATABASE_URL).
// On PostgreSQL a search also asks the server whether documents changed.
func benchBackends(b *testing.B, bench func(b *testing.B, be backend)) {
	for _, be := range []backend{sqliteBackend, postgresBackend} {
		b.Run(be.name, func(b *testing.B) { bench(b, be) })
	}
}

// BenchmarkStoriesReadyCheck is the check every story read makes (that no
// document lacks a story) on 20,000 grouped documents: "all" looks at
// every document, as the app did; "after" looks only above the newest
// document seen, as the app does (UngroupedAfter).
func BenchmarkStoriesReadyCheck(b *testing.B) {
	benchBackends(b, func(b *testing.B, be backend) {
		s := benchStore(b, be, 20000)
		ctx := context.Background()
		err := s.StoryBatch(ctx, func(w StoryWriter) error {
			for i := range 20000 {
				id := fmt.Sprintf("doc-%05d", i)
				if err := w.SetStory(ctx, id, "s-"+id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("all", func(b *testing.B) {
			for b.Loop() {
				if left, err := s.Ungrouped(ctx); err != nil || len(left) != 0 {
					b.Fatalf("Ungrouped: %d, %v", len(left), err)
				}
			}
		})
		_, top, err := s.UngroupedAfter(ctx, 0)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("after", func(b *testing.B) {
			for b.Loop() {
				if ungrouped, _, err := s.UngroupedAfter(ctx, top); err != nil || ungrouped {
					b.Fatalf("UngroupedAfter: %v, %v", ungrouped, err)
				}
			}
		})
	})
}
