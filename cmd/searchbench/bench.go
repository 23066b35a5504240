package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/geobrief/geobrief/cmd/internal/latency"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
)

const (
	// briefKeys is how many Briefs are stored before they are read back
	// (round robin): enough that the reads are not all one row.
	briefKeys = 100
	// followRounds and followDocs: the new documents written by another
	// replica, in rounds; store.MaxLimit hits of one Search can show them
	// all.
	followRounds = 10
	followDocs   = store.MaxLimit
	// editionParts and editionSent shape a claimed edition: three messages
	// near Discord's 2,000-character limit and the ten documents they list.
	editionParts = 3
	editionSent  = 10
)

// inputs are what every backend is given: the same documents, queries and
// writes.
type inputs struct {
	docs     []corpus.Document
	queries  []string
	prefixes []string
	briefs   map[string][]byte // key -> data
	// briefReads are keys of briefs, in the order they are read.
	briefReads []string
	editions   []store.EditionRow
	sent       []store.SentDoc
	// follow holds the rounds of new documents; each round's documents,
	// and only they, have the word followMarker(round) in their title.
	follow [][]store.WebDocument
}

func followMarker(round int) string { return fmt.Sprintf("xqfollow%d", round) }

func newInputs(w io.Writer, cfg config) inputs {
	gen := newGenerator(cfg.seed)
	t0 := time.Now()
	in := inputs{docs: gen.documents(cfg.docs)}
	fmt.Fprintf(w, "corpus:        %d documents, %.1f MB of text, generated in %v\n",
		len(in.docs), float64(textBytes(in.docs))/1e6, time.Since(t0).Round(time.Millisecond))
	// Queries and prefixes come first, as they always did, so that a seed
	// gives the same ones as in earlier runs.
	in.queries = gen.queries(cfg.queries)
	in.prefixes = gen.prefixes(in.docs, cfg.queries)

	in.briefs = map[string][]byte{}
	var keys []string
	for i := range min(briefKeys, len(in.docs)) {
		d := in.docs[i]
		key := "bench:" + d.ID
		// About the size of a real Brief's JSON.
		in.briefs[key] = fmt.Appendf(nil, `{"title":%q,"summary":%q}`, d.Title, d.Body[:min(1500, len(d.Body))])
		keys = append(keys, key)
	}
	for i := range cfg.queries {
		in.briefReads = append(in.briefReads, keys[i%len(keys)])
	}

	for i := range min(editionSent, len(in.docs)) {
		in.sent = append(in.sent, store.SentDoc{DocID: in.docs[i].ID, Hash: in.docs[i].Hash})
	}
	due := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range cfg.queries {
		e := store.EditionRow{
			Key:       fmt.Sprintf("bench-channel-%d/%d", i%50, i),
			ChannelID: fmt.Sprintf("bench-channel-%d", i%50),
			DueAt:     due.Add(time.Duration(i) * time.Hour),
		}
		for p := range editionParts {
			body := gen.body()
			e.Parts = append(e.Parts, store.EditionPart{
				Index: p, Nonce: fmt.Sprintf("n%d-%d", i, p), Content: body[:min(1900, len(body))],
			})
		}
		in.editions = append(in.editions, e)
	}

	now := time.Now().UTC()
	for r := range followRounds {
		var round []store.WebDocument
		for i := range followDocs {
			d := corpus.Document{
				ID:       fmt.Sprintf("follow-%d-%d", r, i),
				Title:    followMarker(r) + " " + gen.title(),
				Source:   "Synthetic Feed",
				Language: "en",
				Added:    now,
				Body:     gen.body(),
			}
			d.URL = "https://example.org/" + d.ID
			d.Hash = fmt.Sprintf("h-%d-%d", r, i)
			round = append(round, store.WebDocument{Doc: d, Key: d.URL, Link: d.URL, Feed: "https://example.org/feed"})
		}
		in.follow = append(in.follow, round)
	}
	return in
}

// result is what one backend measured. Latencies are sorted.
type result struct {
	backend string
	schema  string        // on PostgreSQL, the schema the run made (and dropped)
	build   time.Duration // SyncDocuments of every document, one transaction
	// firstSearch is the first Search after the build: on PostgreSQL, the
	// replica's index copies every document then.
	firstSearch  time.Duration
	search       []time.Duration
	autocomplete []time.Duration
	recent       []time.Duration
	briefHit     []time.Duration
	claim        []time.Duration
	// write is, per round, the time to write followDocs new documents;
	// follow the time of the first Search after them, which found them all.
	write, follow []time.Duration
	// otherOpen is the opening of the second store that writes them, on
	// PostgreSQL: a new replica, whose empty index copies every document.
	otherOpen time.Duration
	restart   time.Duration
}

// bench measures one backend. It closes every store it opens.
func bench(ctx context.Context, w io.Writer, b backend, in inputs) (r result, err error) {
	r.backend = b.name
	s, err := b.open(ctx)
	if err != nil {
		return r, err
	}
	// s is nil while the restart has it closed; close it if open at return.
	defer func() {
		if s != nil {
			err = errors.Join(err, s.Close())
		}
	}()
	t0 := time.Now()
	st, err := s.SyncDocuments(ctx, in.docs)
	if err != nil {
		return r, err
	}
	r.build = time.Since(t0)
	fmt.Fprintf(w, "index build:   %v (%+v)\n", r.build.Round(time.Millisecond), st)
	t0 = time.Now()
	if _, err := s.Search(ctx, in.queries[0], 10); err != nil {
		return r, err
	}
	r.firstSearch = time.Since(t0)
	note := ""
	if b.openOther != nil {
		note = " (the replica's index copies the documents)"
	}
	fmt.Fprintf(w, "first search:  %v%s\n", r.firstSearch.Round(time.Millisecond), note)
	fmt.Fprintf(w, "database:      %s\n", b.size(ctx))

	// One untimed pass warms the page cache and the statement caches, as a
	// running bot would be.
	for _, q := range in.queries[:min(100, len(in.queries))] {
		if _, err := s.Search(ctx, q, 10); err != nil {
			return r, err
		}
	}

	// measureHits times find over inputs and reports how many hits came back.
	measureHits := func(name, unit, units string, inputs []string, find func(string) ([]store.Hit, error)) ([]time.Duration, error) {
		var hitsTotal, empty int
		l, err := measure(ctx, inputs, func(in string) error {
			hits, err := find(in)
			hitsTotal += len(hits)
			if len(hits) == 0 {
				empty++
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		l.report(w, name)
		fmt.Fprintf(w, "               %.1f hits per %s, %d %s without a hit\n",
			float64(hitsTotal)/float64(len(inputs)), unit, empty, units)
		return l.sorted, nil
	}
	if r.search, err = measureHits("search", "query", "queries", in.queries, func(q string) ([]store.Hit, error) { return s.Search(ctx, q, 10) }); err != nil {
		return r, err
	}
	if r.autocomplete, err = measureHits("autocomplete", "input", "inputs", in.prefixes, func(p string) ([]store.Hit, error) { return s.Autocomplete(ctx, p, 25) }); err != nil {
		return r, err
	}
	l, err := measure(ctx, make([]string, 200), func(string) error {
		_, err := s.Recent(ctx, 25)
		return err
	})
	if err != nil {
		return r, err
	}
	l.report(w, "recent")
	r.recent = l.sorted

	if r.briefHit, err = measureBriefs(ctx, w, s, in); err != nil {
		return r, err
	}
	if r.claim, err = measureClaims(ctx, w, s, in); err != nil {
		return r, err
	}
	if r.write, r.follow, r.otherOpen, err = measureFollow(ctx, w, b, s, in); err != nil {
		return r, err
	}

	// The documents stay in memory, as they do in the bot (the corpus loader
	// holds them); SQLite's memory is outside the Go heap.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "memory:        VmRSS %s, VmHWM %s of the process so far (live Go heap %.0f MB, mostly the corpus)\n",
		procStatus("VmRSS"), procStatus("VmHWM"), float64(ms.HeapAlloc)/1e6)

	// Restart: what the bot does on start with an unchanged corpus (on
	// PostgreSQL with the replica's index folder kept).
	closeErr := s.Close()
	s = nil
	if closeErr != nil {
		return r, closeErr
	}
	t0 = time.Now()
	if s, err = b.open(ctx); err != nil {
		return r, err
	}
	tOpen := time.Since(t0)
	if st, err = s.SyncDocuments(ctx, in.docs); err != nil {
		return r, err
	}
	tSync := time.Since(t0) - tOpen
	if _, err := s.Search(ctx, in.queries[0], 10); err != nil {
		return r, err
	}
	r.restart = time.Since(t0)
	fmt.Fprintf(w, "restart:       %v (open %v, sync %v %+v, first query %v)\n",
		r.restart.Round(time.Millisecond), tOpen.Round(time.Millisecond), tSync.Round(time.Millisecond),
		st, (r.restart - tOpen - tSync).Round(time.Microsecond))
	return r, nil
}

// measureBriefs stores the Briefs, then times reading them back: a cache hit.
func measureBriefs(ctx context.Context, w io.Writer, s *store.Store, in inputs) ([]time.Duration, error) {
	for key, data := range in.briefs {
		if err := s.PutBrief(ctx, key, strings.TrimPrefix(key, "bench:"), data); err != nil {
			return nil, err
		}
	}
	l, err := measure(ctx, in.briefReads, func(key string) error {
		data, found, err := s.GetBrief(ctx, key)
		switch {
		case err != nil:
			return err
		case !found:
			return fmt.Errorf("brief missing")
		case len(data) != len(in.briefs[key]):
			return fmt.Errorf("brief of %d bytes, stored %d", len(data), len(in.briefs[key]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("brief hit: %w", err)
	}
	l.report(w, "brief hit")
	return l.sorted, nil
}

// measureClaims times claiming new editions, each won.
func measureClaims(ctx context.Context, w io.Writer, s *store.Store, in inputs) ([]time.Duration, error) {
	byKey := make(map[string]store.EditionRow, len(in.editions))
	keys := make([]string, len(in.editions))
	for i, e := range in.editions {
		byKey[e.Key] = e
		keys[i] = e.Key
	}
	l, err := measure(ctx, keys, func(key string) error {
		won, err := s.ClaimEdition(ctx, byKey[key], in.sent)
		if err == nil && !won {
			err = fmt.Errorf("a new edition was not claimed")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("edition claim: %w", err)
	}
	l.report(w, "claim")
	fmt.Fprintf(w, "               a new edition of %d parts listing %d documents, one transaction each\n", editionParts, len(in.sent))
	return l.sorted, nil
}

// measureFollow writes rounds of new documents through another store on
// the same database (on SQLite, which one process owns, through s itself)
// and times s's first Search after each round, which must find them all.
// On PostgreSQL that Search is when s's index copies the new documents.
func measureFollow(ctx context.Context, w io.Writer, b backend, s *store.Store, in inputs) (write, follow []time.Duration, open time.Duration, err error) {
	writer := s
	if b.openOther != nil {
		t0 := time.Now()
		if writer, err = b.openOther(ctx); err != nil {
			return nil, nil, 0, err
		}
		open = time.Since(t0)
		defer func() { err = errors.Join(err, writer.Close()) }()
		fmt.Fprintf(w, "new replica:   opened in %v (a store with an empty index folder)\n", open.Round(time.Millisecond))
	}
	for r, round := range in.follow {
		t0 := time.Now()
		for _, d := range round {
			if err := writer.SaveWebDocument(ctx, d, t0); err != nil {
				return nil, nil, 0, err
			}
		}
		write = append(write, time.Since(t0))
		t0 = time.Now()
		hits, err := s.Search(ctx, followMarker(r), store.MaxLimit)
		if err != nil {
			return nil, nil, 0, err
		}
		follow = append(follow, time.Since(t0))
		found := 0
		for _, h := range hits {
			if strings.HasPrefix(h.ID, fmt.Sprintf("follow-%d-", r)) {
				found++
			}
		}
		if found != len(round) {
			return nil, nil, 0, fmt.Errorf("new documents: the first search after round %d found %d of its %d documents", r, found, len(round))
		}
	}
	who := "another store (a second replica with its own index)"
	if b.openOther == nil {
		who = "the same store (SQLite has one process)"
	}
	fmt.Fprintf(w, "new docs:      %d rounds of %d documents written one by one by %s\n", len(in.follow), followDocs, who)
	fmt.Fprintf(w, "               writing a round: %s; first search after it (finds all): %s\n", durations(write), durations(follow))
	slices.Sort(write)
	slices.Sort(follow)
	return write, follow, open, nil
}

func durations(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = fmtDur(d)
	}
	return strings.Join(s, ", ")
}

// latencies are the timings of one kind of call, fastest first.
type latencies struct {
	sorted  []time.Duration
	slowest []string // the three slowest inputs with their times, slowest first
}

// measure times f on each input, in order, until ctx is done.
func measure(ctx context.Context, inputs []string, f func(string) error) (latencies, error) {
	type timing struct {
		in string
		d  time.Duration
	}
	ts := make([]timing, 0, len(inputs))
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return latencies{}, err
		}
		t0 := time.Now()
		if err := f(in); err != nil {
			return latencies{}, fmt.Errorf("%q: %w", in, err)
		}
		ts = append(ts, timing{in, time.Since(t0)})
	}
	slices.SortFunc(ts, func(a, b timing) int { return cmp.Compare(a.d, b.d) })
	var l latencies
	for _, t := range ts {
		l.sorted = append(l.sorted, t.d)
	}
	for i := len(ts) - 1; i >= 0 && i >= len(ts)-3; i-- {
		l.slowest = append(l.slowest, fmt.Sprintf("%q %.2f ms", ts[i].in, float64(ts[i].d)/1e6))
	}
	return l, nil
}

func (l latencies) report(w io.Writer, name string) {
	if len(l.sorted) == 0 {
		fmt.Fprintf(w, "%-14s no calls\n", name+":")
		return
	}
	lat := l.sorted
	fmt.Fprintf(w, "%-14s %d calls: p50 %s, p90 %s, p99 %s, max %s\n", name+":", len(lat),
		fmtDur(latency.NearestRank(lat, 50)), fmtDur(latency.NearestRank(lat, 90)),
		fmtDur(latency.NearestRank(lat, 99)), fmtDur(lat[len(lat)-1]))
	fmt.Fprintf(w, "               slowest: %s\n", strings.Join(l.slowest, ", "))
}

// compare prints the figures of both backends side by side.
func compare(w io.Writer, lite, pg result) {
	fmt.Fprintf(w, "\n== comparison\n%-44s %12s %12s %10s\n", "figure", lite.backend, pg.backend, "pg/sqlite")
	row := func(name string, a, b time.Duration) {
		ratio, as := "n/a", "n/a"
		if a > 0 {
			ratio, as = fmt.Sprintf("%.2f", float64(b)/float64(a)), fmtDur(a)
		}
		fmt.Fprintf(w, "%-44s %12s %12s %10s\n", name, as, fmtDur(b), ratio)
	}
	p := latency.NearestRank
	row("build (SyncDocuments)", lite.build, pg.build)
	row("first search (PG: index copies all)", lite.firstSearch, pg.firstSearch)
	row("build + first search", lite.build+lite.firstSearch, pg.build+pg.firstSearch)
	row("search p50", p(lite.search, 50), p(pg.search, 50))
	row("search p99", p(lite.search, 99), p(pg.search, 99))
	row("autocomplete p50", p(lite.autocomplete, 50), p(pg.autocomplete, 50))
	row("autocomplete p99", p(lite.autocomplete, 99), p(pg.autocomplete, 99))
	row("recent p50", p(lite.recent, 50), p(pg.recent, 50))
	row("brief hit p50", p(lite.briefHit, 50), p(pg.briefHit, 50))
	row("brief hit p99", p(lite.briefHit, 99), p(pg.briefHit, 99))
	row("edition claim p50", p(lite.claim, 50), p(pg.claim, 50))
	row("edition claim p99", p(lite.claim, 99), p(pg.claim, 99))
	row(fmt.Sprintf("write %d new docs (median round)", followDocs), p(lite.write, 50), p(pg.write, 50))
	row("first search after them (median round)", p(lite.follow, 50), p(pg.follow, 50))
	row("open a new replica (empty index)", lite.otherOpen, pg.otherOpen)
	row("restart (open, unchanged sync, query)", lite.restart, pg.restart)
}

// fmtDur prints milliseconds with three decimals below a second (a local
// cache hit takes tens of microseconds), seconds above.
func fmtDur(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.3f ms", float64(d)/1e6)
}

func textBytes(docs []corpus.Document) int {
	n := 0
	for _, d := range docs {
		n += len(d.Title) + len(d.Body)
	}
	return n
}

func fileMB(dir, name string) float64 {
	info, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return 0
	}
	return float64(info.Size()) / 1e6
}

// procStatus returns a field of /proc/self/status such as "VmRSS", or "n/a".
func procStatus(field string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "n/a"
}
