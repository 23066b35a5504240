// Command storyeval measures how well package stories groups articles into
// stories, beside the tuned single-pass TF-IDF baseline computed in the same
// run, and how fast it assigns documents.
//
//	go run ./cmd/storyeval [-corpus ../shared/corpus/allsides-dev]
//	go run ./cmd/storyeval -speed 100000
//
// Quality (see the corpus README): B-cubed and pairwise precision, recall
// and F1 of stories' shipped defaults with documents arriving in date order
// and in shuffled orders; the baseline with its threshold and window tuned
// on the same labels; and a held-out check: the stories are split in two
// halves, each method's settings are tuned on one half and scored on the
// other.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/stories"
)

func main() {
	dir := flag.String("corpus", "../shared/corpus/allsides-dev", "the allsides-dev folder: articles/*.md and labels.json")
	speed := flag.Int("speed", 0, "instead of quality, assign this many generated documents and report time and memory per document")
	late := flag.Duration("late", 0, "with -speed: each document arrives up to this long after its time, so out of order")
	flag.Parse()
	var err error
	if *speed > 0 {
		err = runSpeed(context.Background(), os.Stdout, *speed, *late)
	} else {
		err = runQuality(context.Background(), *dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "storyeval:", err)
		os.Exit(1)
	}
}

type evalDoc struct {
	stories.Doc
	story string
}

func load(dir string) ([]evalDoc, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		return nil, fmt.Errorf("reading labels: %w", err)
	}
	var labels map[string]string
	if err := json.Unmarshal(raw, &labels); err != nil {
		return nil, fmt.Errorf("reading labels: %w", err)
	}
	names, err := fs.Glob(os.DirFS(dir), "articles/*.md")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no articles in %s (err %v)", dir, err)
	}
	var docs []evalDoc
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		d, _, err := corpus.ParseFile(filepath.Base(name), b, time.Time{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		story, ok := labels[d.ID]
		if !ok {
			return nil, fmt.Errorf("%s has no label", name)
		}
		if d.Published.IsZero() {
			return nil, fmt.Errorf("%s has no published time", name)
		}
		docs = append(docs, evalDoc{Doc: stories.Doc{ID: d.ID, Source: d.Source, Title: d.Title, Text: d.Body, Time: d.Published}, story: story})
	}
	if len(docs) != len(labels) {
		return nil, fmt.Errorf("%d articles but %d labels", len(docs), len(labels))
	}
	slices.SortFunc(docs, func(a, b evalDoc) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return docs, nil
}

func truthOf(docs []evalDoc) map[string]string {
	m := make(map[string]string, len(docs))
	for _, d := range docs {
		m[d.ID] = d.story
	}
	return m
}

// group runs stories over docs in the order given.
func group(ctx context.Context, docs []evalDoc, opts stories.Options) (map[string]string, error) {
	g, err := stories.New(stories.NewMemStore(), opts)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if _, err := g.Add(ctx, d.Doc); err != nil {
			return nil, err
		}
	}
	got := map[string]string{}
	for _, d := range docs {
		got[d.ID], _ = g.StoryOf(d.ID)
	}
	return got, nil
}

var (
	thresholds = func() []float64 {
		var ts []float64
		for t := 0.05; t < 0.61; t += 0.025 {
			ts = append(ts, t)
		}
		return ts
	}()
	windows = []time.Duration{24 * time.Hour, 2 * 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour}
)

type setting struct {
	threshold float64
	window    time.Duration
}

func (s setting) String() string {
	return fmt.Sprintf("threshold %.3f, window %v", s.threshold, s.window)
}

// tune returns the setting with the best B-cubed F1 on docs.
func tune(docs []evalDoc, run func([]evalDoc, setting) (map[string]string, error)) (setting, scores, error) {
	truth := truthOf(docs)
	var best setting
	var bestSc scores
	for _, w := range windows {
		for _, t := range thresholds {
			s := setting{t, w}
			got, err := run(docs, s)
			if err != nil {
				return best, bestSc, err
			}
			if sc := score(got, truth); sc.bF > bestSc.bF {
				best, bestSc = s, sc
			}
		}
	}
	return best, bestSc, nil
}

func runQuality(ctx context.Context, dir string) error {
	docs, err := load(dir)
	if err != nil {
		return err
	}
	truth := truthOf(docs)
	nStories := len(slices.Compact(slices.Sorted(func(yield func(string) bool) {
		for _, s := range truth {
			if !yield(s) {
				return
			}
		}
	})))
	fmt.Printf("%d documents, %d stories\n\n", len(docs), nStories)
	fmt.Println("| method | order | B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	row := func(method, order string, sc scores) {
		fmt.Printf("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", method, order, sc.bP, sc.bR, sc.bF, sc.pP, sc.pR, sc.pF)
	}

	def := stories.DefaultOptions()
	got, err := group(ctx, docs, def)
	if err != nil {
		return err
	}
	row("stories, defaults", "date", score(got, truth))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3 {
		shuffled := slices.Clone(docs)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		got, err := group(ctx, shuffled, def)
		if err != nil {
			return err
		}
		row("stories, defaults", fmt.Sprintf("shuffled %d", i+1), score(got, truth))
	}
	runBaseline := func(ds []evalDoc, s setting) (map[string]string, error) {
		return baseline(ds, s.threshold, s.window), nil
	}
	runStories := func(ds []evalDoc, s setting) (map[string]string, error) {
		o := def
		o.Threshold, o.Window = s.threshold, s.window
		return group(ctx, ds, o)
	}
	bs, bsc, err := tune(docs, runBaseline)
	if err != nil {
		return err
	}
	row("baseline tuned on all labels ("+bs.String()+")", "date", bsc)
	ss, ssc, err := tune(docs, runStories)
	if err != nil {
		return err
	}
	row("stories tuned on all labels ("+ss.String()+")", "date", ssc)

	// Held out: tune on one half of the stories, score on the other.
	var halves [2][]evalDoc
	for _, d := range docs {
		h := fnv.New32a()
		h.Write([]byte(d.story))
		halves[h.Sum32()%2] = append(halves[h.Sum32()%2], d)
	}
	fmt.Printf("\nHeld out: stories split in two halves by a hash of the story ID (%d and %d documents); tuned on one, scored on the other.\n\n", len(halves[0]), len(halves[1]))
	fmt.Println("| method | scored on | B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for k := range 2 {
		tuneOn, scoreOn := halves[k], halves[1-k]
		name := fmt.Sprintf("half %d", 2-k)
		got, err := group(ctx, scoreOn, def)
		if err != nil {
			return err
		}
		row("stories, defaults (untuned)", name, score(got, truthOf(scoreOn)))
		for _, m := range []struct {
			name string
			run  func([]evalDoc, setting) (map[string]string, error)
		}{{"baseline", runBaseline}, {"stories", runStories}} {
			s, _, err := tune(tuneOn, m.run)
			if err != nil {
				return err
			}
			got, err := m.run(scoreOn, s)
			if err != nil {
				return err
			}
			row(fmt.Sprintf("%s tuned on half %d (%s)", m.name, k+1, s), name, score(got, truthOf(scoreOn)))
		}
	}
	return nil
}
