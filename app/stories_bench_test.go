package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
	"github.com/geobrief/geobrief/stories"
)

// BenchmarkStoriesBuild measures building the story index from a stored
// corpus of 10,000 documents (2,500 events of 4 documents each, 60 words
// drawn from a 20,000-word vocabulary plus the event's names, 250 a day):
// "first" groups documents that have no story yet and writes every
// assignment in one transaction (the first start after upgrading);
// "restart" replays them with their stories recorded (every start after),
// which writes nothing. The baseline is the grouper alone over the same
// documents with its in-memory store.
//
//	go test -run '^$' -bench StoriesBuild -benchtime 1x -count 3 ./app/
func BenchmarkStoriesBuild(b *testing.B) {
	const nEvents, perEvent, perDay = 2500, 4, 250
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string { return fmt.Sprintf("w%d", int(20000*rng.Float64()*rng.Float64())) }
	var docs []corpus.Document
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for e := range nEvents {
		names := []string{fmt.Sprintf("Name%da", e), fmt.Sprintf("Place%db", e), fmt.Sprintf("Org%dc", e)}
		for k := range perEvent {
			var words []string
			for range 60 {
				words = append(words, word())
			}
			words = append(words, names...)
			rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
			n := e*perEvent + k
			d := storetest.Doc(fmt.Sprintf("doc-%05d", n), strings.Join(append(names[:2:2], words[:6]...), " "), strings.Join(words, " ")+".")
			d.Source = fmt.Sprintf("Outlet %d", k)
			d.Published = start.Add(time.Duration(n) * 24 * time.Hour / (perDay))
			d.Added = d.Published
			docs = append(docs, d)
		}
	}
	ctx := context.Background()
	build := func(b *testing.B, st *store.Store) {
		a := New(st, nil, nil)
		if _, err := a.storyGrouper(ctx); err != nil {
			b.Fatal(err)
		}
	}
	// The baseline: the grouper alone, in memory, over the same documents.
	b.Run("grouper-only", func(b *testing.B) {
		st := storetest.Open(b, docs...)
		inputs, err := st.StoryInputs(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			g, err := stories.New(stories.NewMemStore(), stories.DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			for _, d := range inputs {
				if _, err := g.Add(ctx, storyDoc(d)); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(docs)), "µs/doc")
	})
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			st := storetest.Open(b, docs...)
			b.StartTimer()
			build(b, st)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(docs)), "µs/doc")
	})
	b.Run("restart", func(b *testing.B) {
		st := storetest.Open(b, docs...)
		build(b, st)
		for b.Loop() {
			build(b, st)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(docs)), "µs/doc")
	})
}
