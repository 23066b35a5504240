// Command searchbench measures the store's search index on a synthetic corpus:
// index build time, Search and Autocomplete latency, memory, and restart time.
//
//	go run ./cmd/searchbench [-docs 100000] [-queries 2000] [-dir DIR] [-seed 1]
//
// The corpus is generated from a fixed seed, so two runs index the same
// documents and ask the same queries.
package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
)

func main() {
	var (
		ndocs    = flag.Int("docs", 100000, "number of synthetic documents")
		nqueries = flag.Int("queries", 2000, "number of Search queries and of Autocomplete inputs")
		dir      = flag.String("dir", "", "database directory (default: a new temporary directory, removed at the end)")
		seed     = flag.Uint64("seed", 1, "seed of the corpus and query generator")
	)
	flag.Parse()
	if *ndocs < 1 || *nqueries < 1 {
		fmt.Fprintln(os.Stderr, "searchbench: -docs and -queries must be at least 1")
		os.Exit(2)
	}
	// On the first interrupt run returns early and removes its temporary
	// directory (hundreds of MB at 100,000 documents); a second one kills.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	err := run(ctx, *ndocs, *nqueries, *dir, *seed)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, ndocs, nqueries int, dir string, seed uint64) (err error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "searchbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if _, err := os.Stat(filepath.Join(dir, store.FileName)); err == nil {
		return fmt.Errorf("%s already exists: give an empty -dir", filepath.Join(dir, store.FileName))
	}

	gen := newGenerator(seed)
	t0 := time.Now()
	docs := gen.documents(ndocs)
	fmt.Printf("corpus:        %d documents, %.1f MB of text, generated in %v\n",
		len(docs), float64(textBytes(docs))/1e6, time.Since(t0).Round(time.Millisecond))

	s, err := store.Open(ctx, dir)
	if err != nil {
		return err
	}
	// s is nil while the restart has it closed; close it if open at return.
	defer func() {
		if s != nil {
			err = errors.Join(err, s.Close())
		}
	}()
	t0 = time.Now()
	st, err := s.SyncDocuments(ctx, docs)
	if err != nil {
		return err
	}
	fmt.Printf("index build:   %v (%+v)\n", time.Since(t0).Round(time.Millisecond), st)
	fmt.Printf("database:      %.1f MB on disk (%s), %.1f MB of WAL\n", fileMB(dir, store.FileName),
		store.FileName, fileMB(dir, store.FileName+"-wal"))

	queries := gen.queries(nqueries)
	prefixes := gen.prefixes(docs, nqueries)

	// One untimed pass warms the page cache and the statement caches, as a
	// running bot would be.
	for _, q := range queries[:min(100, len(queries))] {
		if _, err := s.Search(ctx, q, 10); err != nil {
			return err
		}
	}

	// measureHits times find over inputs and reports how many hits came back.
	measureHits := func(name, unit, units string, inputs []string, find func(string) ([]store.Hit, error)) error {
		var hitsTotal, empty int
		timings, err := measure(ctx, inputs, func(in string) error {
			hits, err := find(in)
			hitsTotal += len(hits)
			if len(hits) == 0 {
				empty++
			}
			return err
		})
		if err != nil {
			return err
		}
		timings.report(name)
		fmt.Printf("               %.1f hits per %s, %d %s without a hit\n",
			float64(hitsTotal)/float64(len(inputs)), unit, empty, units)
		return nil
	}
	if err := measureHits("search", "query", "queries", queries, func(q string) ([]store.Hit, error) { return s.Search(ctx, q, 10) }); err != nil {
		return err
	}
	if err := measureHits("autocomplete", "input", "inputs", prefixes, func(p string) ([]store.Hit, error) { return s.Autocomplete(ctx, p, 25) }); err != nil {
		return err
	}

	recent, err := measure(ctx, make([]string, 200), func(string) error {
		_, err := s.Recent(ctx, 25)
		return err
	})
	if err != nil {
		return err
	}
	recent.report("recent")

	// The documents stay in memory, as they do in the bot (the corpus loader
	// holds them); SQLite's memory is outside the Go heap.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("memory:        VmRSS %s, VmHWM %s after build and queries (live Go heap %.0f MB, mostly the corpus)\n",
		procStatus("VmRSS"), procStatus("VmHWM"), float64(ms.HeapAlloc)/1e6)

	// Restart: what the bot does on start with an unchanged corpus.
	closeErr := s.Close()
	s = nil
	if closeErr != nil {
		return closeErr
	}
	t0 = time.Now()
	if s, err = store.Open(ctx, dir); err != nil {
		return err
	}
	tOpen := time.Since(t0)
	st, err = s.SyncDocuments(ctx, docs)
	if err != nil {
		return err
	}
	tSync := time.Since(t0) - tOpen
	if _, err := s.Search(ctx, queries[0], 10); err != nil {
		return err
	}
	tTotal := time.Since(t0)
	fmt.Printf("restart:       %v (open %v, sync %v %+v, first query %v)\n",
		tTotal.Round(time.Millisecond), tOpen.Round(time.Millisecond), tSync.Round(time.Millisecond),
		st, (tTotal - tOpen - tSync).Round(time.Microsecond))
	return nil
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
		l.slowest = append(l.slowest, fmt.Sprintf("%q %.1f ms", ts[i].in, float64(ts[i].d)/1e6))
	}
	return l, nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func (l latencies) report(name string) {
	if len(l.sorted) == 0 {
		fmt.Printf("%-14s no calls\n", name+":")
		return
	}
	lat := l.sorted
	r := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
	fmt.Printf("%-14s %d calls: p50 %s, p90 %s, p99 %s, max %s\n", name+":", len(lat),
		r(percentile(lat, 50)), r(percentile(lat, 90)), r(percentile(lat, 99)), r(lat[len(lat)-1]))
	fmt.Printf("               slowest: %s\n", strings.Join(l.slowest, ", "))
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
