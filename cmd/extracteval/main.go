// Command extracteval measures article extraction on a folder of saved pages, for
// go-trafilatura and go-readability side by side in the same run:
//
//	go run ./cmd/extracteval -corpus /work/shared/corpus/readability-pages
//
// Each page folder holds source.html, expected.html (the article as a reader view shows
// it) and expected-metadata.json. Text F1 compares token 4-gram shingles of the extracted
// and the expected text: precision and recall are computed per page and averaged over the
// pages, and F1 is taken from the two averages (the per-page mean F1 is printed too).
// A page where extraction fails counts as precision 0 and recall 0. Rows:
// go-trafilatura alone; trafilatura+fb, trafilatura with its built-in fallback
// (EnableFallback); go-readability (codeberg.org/readeck/go-readability/v2); and
// extract.Extract, what geobrief uses (trafilatura, go-readability when it finds nothing).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/geobrief/geobrief/extract"
	"golang.org/x/net/html"
)

type page struct {
	name     string
	source   []byte
	expected string
	meta     metadata
}

type metadata struct {
	Title         *string `json:"title"`
	Byline        *string `json:"byline"`
	Lang          *string `json:"lang"`
	SiteName      *string `json:"siteName"`
	PublishedTime *string `json:"publishedTime"`
}

type method struct {
	name string
	fn   func([]byte, string) (extract.Article, error)
}

// agreement counts pages where a field matched, out of pages whose expected value is set.
type agreement struct{ match, of int }

func (a agreement) String() string {
	if a.of == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", a.match, a.of, 100*float64(a.match)/float64(a.of))
}

type result struct {
	pages, failed            int
	precision, recall, f1sum float64
	title, byline, date      agreement
	lang, site               agreement
	elapsed                  time.Duration
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "extracteval:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("extracteval", flag.ContinueOnError)
	corpus := fs.String("corpus", "", "folder of page folders (source.html, expected.html, expected-metadata.json)")
	repeat := fs.Int("repeat", 1, "extract every page this many times (for steadier pages per second)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *corpus == "" {
		return errors.New("-corpus is required")
	}
	pages, err := load(*corpus)
	if err != nil {
		return err
	}
	methods := []method{
		{"go-trafilatura", extract.Trafilatura},
		{"trafilatura+fb", extract.TrafilaturaFallback},
		{"go-readability", extract.Readability},
		{"extract.Extract", extract.Extract},
	}
	results := make([]result, len(methods))
	// Alternate the methods page by page so that a noisy neighbour on the machine slows
	// them all alike.
	for _, p := range pages {
		for i, m := range methods {
			measure(&results[i], m, p, *repeat)
		}
	}
	fmt.Fprintf(out, "pages: %d from %s (repeat %d)\n\n", len(pages), *corpus, *repeat)
	fmt.Fprintf(out, "%-16s %9s %9s %9s %11s %7s %14s %14s %14s %14s %14s %9s\n",
		"method", "precision", "recall", "F1", "mean pageF1", "failed", "title", "byline", "date", "language", "site", "pages/s")
	for i, m := range methods {
		r := results[i]
		n := float64(r.pages)
		p, rc := r.precision/n, r.recall/n
		f1 := 0.0
		if p+rc > 0 {
			f1 = 2 * p * rc / (p + rc)
		}
		pps := float64(r.pages**repeat) / r.elapsed.Seconds()
		fmt.Fprintf(out, "%-16s %9.3f %9.3f %9.3f %11.3f %7d %14s %14s %14s %14s %14s %9.1f\n",
			m.name, p, rc, f1, r.f1sum/n, r.failed, r.title, r.byline, r.date, r.lang, r.site, pps)
	}
	return nil
}

func measure(r *result, m method, p page, repeat int) {
	const pageURL = "http://fakehost/test/page.html"
	var a extract.Article
	var err error
	start := time.Now()
	for range repeat {
		a, err = m.fn(p.source, pageURL)
	}
	r.elapsed += time.Since(start)
	r.pages++
	if err != nil && a.Text == "" {
		r.failed++
	}
	prec, rec := overlap(shingles(a.Text), shingles(p.expected))
	r.precision += prec
	r.recall += rec
	if prec+rec > 0 {
		r.f1sum += 2 * prec * rec / (prec + rec)
	}
	agree(&r.title, p.meta.Title, a.Title, sameText)
	agree(&r.byline, p.meta.Byline, a.Byline, sameText)
	agree(&r.lang, p.meta.Lang, a.Language, sameLanguage)
	agree(&r.site, p.meta.SiteName, a.Site, sameText)
	if p.meta.PublishedTime != nil && *p.meta.PublishedTime != "" {
		r.date.of++
		if sameDate(*p.meta.PublishedTime, a.Published) {
			r.date.match++
		}
	}
}

func agree(a *agreement, want *string, got string, same func(string, string) bool) {
	if want == nil || strings.TrimSpace(*want) == "" {
		return
	}
	a.of++
	if same(*want, got) {
		a.match++
	}
}

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func sameText(want, got string) bool { return got != "" && norm(want) == norm(got) }

func sameLanguage(want, got string) bool {
	w, _, _ := strings.Cut(strings.ReplaceAll(norm(want), "_", "-"), "-")
	g, _, _ := strings.Cut(norm(got), "-")
	return g != "" && w == g
}

// sameDate: the calendar day agrees, either as the page wrote it or in UTC (extractors
// that only find a day return midnight UTC).
func sameDate(want string, got time.Time) bool {
	if got.IsZero() {
		return false
	}
	day := got.Format("2006-01-02")
	if len(want) >= 10 && want[:10] == day {
		return true
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, want); err == nil {
			return t.UTC().Format("2006-01-02") == got.UTC().Format("2006-01-02")
		}
	}
	return false
}

func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// shingles is the set of token 4-grams; a text of fewer than 4 tokens is one shingle.
func shingles(s string) map[string]bool {
	toks := tokens(s)
	set := make(map[string]bool)
	if len(toks) == 0 {
		return set
	}
	if len(toks) < 4 {
		set[strings.Join(toks, " ")] = true
		return set
	}
	for i := 0; i+4 <= len(toks); i++ {
		set[strings.Join(toks[i:i+4], " ")] = true
	}
	return set
}

func overlap(got, want map[string]bool) (precision, recall float64) {
	if len(got) == 0 || len(want) == 0 {
		if len(got) == 0 && len(want) == 0 {
			return 1, 1
		}
		return 0, 0
	}
	common := 0
	for s := range got {
		if want[s] {
			common++
		}
	}
	return float64(common) / float64(len(got)), float64(common) / float64(len(want))
}

func load(dir string) ([]page, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading corpus: %w", err)
	}
	var pages []page
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		d := filepath.Join(dir, e.Name())
		src, err := os.ReadFile(filepath.Join(d, "source.html"))
		if err != nil {
			continue // not a page folder
		}
		exp, err := os.ReadFile(filepath.Join(d, "expected.html"))
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", e.Name(), err)
		}
		node, err := html.Parse(bytes.NewReader(exp))
		if err != nil {
			return nil, fmt.Errorf("page %s: expected.html: %w", e.Name(), err)
		}
		p := page{name: e.Name(), source: src, expected: extract.Text(node)}
		if mj, err := os.ReadFile(filepath.Join(d, "expected-metadata.json")); err == nil {
			if err := json.Unmarshal(mj, &p.meta); err != nil {
				return nil, fmt.Errorf("page %s: expected-metadata.json: %w", e.Name(), err)
			}
		}
		pages = append(pages, p)
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("no page folders with source.html in %s", dir)
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].name < pages[j].name })
	return pages, nil
}
