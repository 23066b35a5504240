package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/geobrief/geobrief/stories"
)

// runSpeed assigns n generated documents one by one, in time order, 1,000
// a day, and reports the time of each Add at the first tenth and at the
// last tenth of the run, and the heap after each. With late > 0 each
// document arrives up to late after its time (uniformly at random), so that
// documents arrive out of order, as from a late outlet or a backfilled
// feed, and the grouper's handling of late documents is timed too.
func runSpeed(ctx context.Context, w io.Writer, n int, late time.Duration) error {
	docs := generate(n)
	if late > 0 {
		docs = arriveLate(docs, late)
	}
	g, err := stories.New(stories.NewMemStore(), stories.DefaultOptions())
	if err != nil {
		return err
	}
	lat := make([]time.Duration, n)
	tenth := n / 10
	report := func(from, to int) {
		ls := slices.Clone(lat[from:to])
		slices.Sort(ls)
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(w, "documents %d-%d: per-document p50 %v, p99 %v, max %v; heap after %.0f MiB (%.1f KiB per document)\n",
			from+1, to, ls[len(ls)/2], ls[len(ls)*99/100], ls[len(ls)-1],
			float64(ms.HeapAlloc)/(1<<20), float64(ms.HeapAlloc)/1024/float64(to))
	}
	start := time.Now()
	for i, d := range docs {
		t := time.Now()
		if _, err := g.Add(ctx, d); err != nil {
			return err
		}
		lat[i] = time.Since(t)
		if i+1 == tenth {
			report(0, tenth)
		}
	}
	report(n-tenth, n)
	fmt.Fprintf(w, "%d documents in %v, %d stories\n", n, time.Since(start).Round(time.Millisecond), len(g.Groups()))
	return nil
}

// arriveLate returns docs in the order they arrive when each is delayed by
// up to late after its time.
func arriveLate(docs []stories.Doc, late time.Duration) []stories.Doc {
	rng := rand.New(rand.NewPCG(13, 17))
	type arrival struct {
		at  time.Time
		doc stories.Doc
	}
	as := make([]arrival, len(docs))
	for i, d := range docs {
		as[i] = arrival{d.Time.Add(time.Duration(rng.Int64N(int64(late)))), d}
	}
	slices.SortStableFunc(as, func(a, b arrival) int { return a.at.Compare(b.at) })
	out := make([]stories.Doc, len(as))
	for i, a := range as {
		out[i] = a.doc
	}
	return out
}

// generate makes n documents about n/4 events: each event has its own
// names and words drawn from a large vocabulary, and each document mixes
// them with common words. One in ten documents is a wire copy of an
// earlier one.
func generate(n int) []stories.Doc {
	rng := rand.New(rand.NewPCG(7, 11))
	const vocab = 50000
	word := func(i int) string { return fmt.Sprintf("w%x", i) }
	name := func(i int) string { return fmt.Sprintf("Name%x Surname%x", i, i*7) }
	zipf := rand.NewZipf(rand.New(rand.NewPCG(3, 5)), 1.1, 1, vocab-1)
	type event struct {
		words, names []string
		day          int
	}
	events := make([]event, n/4+1)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range events {
		e := &events[i]
		for range 6 {
			e.words = append(e.words, word(rng.IntN(vocab)))
		}
		for range 3 {
			e.names = append(e.names, name(rng.IntN(20000)))
		}
		e.day = i * 4 / 1000
	}
	docs := make([]stories.Doc, 0, n)
	for i := range n {
		if i > 10 && rng.IntN(10) == 0 {
			src := docs[i-1-rng.IntN(min(i, 50))]
			src.ID = fmt.Sprintf("d%d", i)
			docs = append(docs, src)
			continue
		}
		e := events[min(i/4+rng.IntN(3), len(events)-1)]
		var b strings.Builder
		for k := range 60 {
			switch {
			case k%10 == 0:
				b.WriteString(e.names[rng.IntN(len(e.names))])
			case k%3 == 0:
				b.WriteString(e.words[rng.IntN(len(e.words))])
			default:
				b.WriteString(word(int(zipf.Uint64())))
			}
			b.WriteString(" ")
		}
		docs = append(docs, stories.Doc{
			ID:    fmt.Sprintf("d%d", i),
			Title: e.names[0] + " " + e.words[0] + " " + e.words[1],
			Text:  b.String(),
			Time:  base.Add(time.Duration(e.day)*24*time.Hour + time.Duration(rng.IntN(12*3600))*time.Second),
		})
	}
	slices.SortStableFunc(docs, func(a, b stories.Doc) int { return a.Time.Compare(b.Time) })
	return docs
}
