package digest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/summarize"
)

type fakeDocs []corpus.Document

func (f fakeDocs) AddedSince(_ context.Context, since time.Time, limit int) ([]corpus.Document, error) {
	var out []corpus.Document
	for _, d := range f { // already newest first
		if !d.Added.Before(since) {
			out = append(out, d)
		}
	}
	return out, nil
}

type fakeSummarizer struct {
	briefs, toplines, extractive atomic.Int64
	// fail, when set, is the error of the Brief of that document.
	fail map[string]error
}

func (f *fakeSummarizer) ExtractiveBrief(doc corpus.Document, _ summarize.Options) summarize.Brief {
	f.extractive.Add(1)
	return summarize.Brief{DocID: doc.ID, Headline: "Offline " + doc.Title, Summary: "Extracted. Rest.", Meta: summarize.Meta{Offline: true}}
}

func (f *fakeSummarizer) Brief(_ context.Context, doc corpus.Document, opts summarize.Options) (summarize.Brief, error) {
	f.briefs.Add(1)
	if err := f.fail[doc.ID]; err != nil {
		return summarize.Brief{}, err
	}
	if opts.Length != summarize.Standard {
		// A digest asks for the Brief /summarize makes, to share its cache entry.
		return summarize.Brief{}, fmt.Errorf("digest asked for a %q Brief", opts.Length)
	}
	return summarize.Brief{DocID: doc.ID, Headline: "About " + doc.Title, Summary: doc.Title + " happened. More detail followed.", Meta: summarize.Meta{Offline: true}}, nil
}

func (f *fakeSummarizer) Topline(_ context.Context, items []summarize.ToplineItem, _ string) (string, error) {
	f.toplines.Add(1)
	return fmt.Sprintf("%d stories.", len(items)), nil
}

var base = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

func docsAt(n int) fakeDocs {
	var out fakeDocs
	for i := n - 1; i >= 0; i-- {
		out = append(out, corpus.Document{ID: fmt.Sprintf("d%d", i), Title: fmt.Sprintf("Story %d", i), Hash: fmt.Sprintf("h%d", i), Added: base.Add(time.Duration(i) * time.Hour)})
	}
	return out
}

func TestBuildNewestFirstCappedWithTopline(t *testing.T) {
	t.Parallel()
	sum := &fakeSummarizer{}
	b := NewBuilder(docsAt(5), sum, 3, nil)
	var progress []int
	d, err := b.Build(context.Background(), Request{Since: base, Progress: func(done, total int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range d.Items {
		ids = append(ids, it.DocID)
	}
	if strings.Join(ids, ",") != "d4,d3,d2" || d.New != 5 || d.Topline != "3 stories." || !d.Offline {
		t.Fatalf("digest = %+v", d)
	}
	if d.Items[0].Headline != "About Story 4" || d.Items[0].Sentence != "Story 4 happened." {
		t.Fatalf("item = %+v", d.Items[0])
	}
	if sum.briefs.Load() != 3 || sum.toplines.Load() != 1 || len(progress) != 3 {
		t.Fatalf("briefs=%d toplines=%d progress=%v", sum.briefs.Load(), sum.toplines.Load(), progress)
	}
}

func TestBuildSkipsSentAndMarksUpdated(t *testing.T) {
	t.Parallel()
	sum := &fakeSummarizer{}
	b := NewBuilder(docsAt(4), sum, 10, nil)
	sent := map[string]string{"d3": "h3", "d2": "old-hash"}
	d, err := b.Build(context.Background(), Request{Since: base, Sent: sent})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Items) != 3 || d.New != 3 || d.Items[0].DocID != "d2" || !d.Items[0].Updated || d.Items[1].Updated {
		t.Fatalf("items = %+v", d.Items)
	}
}

func TestBuildEmptyCostsNothing(t *testing.T) {
	t.Parallel()
	sum := &fakeSummarizer{}
	d, err := NewBuilder(docsAt(2), sum, 10, nil).Build(context.Background(), Request{Since: base.Add(24 * time.Hour)})
	if err != nil || len(d.Items) != 0 || sum.briefs.Load()+sum.toplines.Load() != 0 {
		t.Fatalf("d=%+v err=%v calls=%d", d, err, sum.briefs.Load()+sum.toplines.Load())
	}
	msgs := Render(d, "Morning digest", false)
	if len(msgs) != 1 || !strings.Contains(msgs[0], "No new documents since 29 Nov 2026 06:00 UTC") {
		t.Fatalf("empty digest = %q", msgs)
	}
	if msgs := Render(d, "Morning digest", true); len(msgs) != 0 {
		t.Fatalf("skip-empty posted %q", msgs)
	}
}

func TestRenderSplitsInOrderWithinLimits(t *testing.T) {
	t.Parallel()
	d := Digest{Since: base, Topline: "Many things happened."}
	for i := range 40 {
		d.Items = append(d.Items, Item{DocID: fmt.Sprintf("doc-%02d", i), Headline: fmt.Sprintf("Headline %02d", i),
			Sentence: strings.Repeat("A long sentence about talks. ", 8), Source: "Wire", URL: "https://example.com/x", Published: base, Updated: i == 3})
	}
	d.Items[5].Sentence = strings.Repeat("Enormous ", 1000)
	msgs := Render(d, "Digest", false)
	if len(msgs) < 3 {
		t.Fatalf("40 items in %d messages", len(msgs))
	}
	all := strings.Join(msgs, "\n\n")
	last := -1
	for i := range 40 {
		at := strings.Index(all, fmt.Sprintf("`doc-%02d`", i))
		if at < last {
			t.Fatalf("item %d out of order or missing", i)
		}
		last = at
	}
	for i, m := range msgs {
		if n := utf8.RuneCountInString(m); n > messageLimit {
			t.Fatalf("message %d has %d characters", i, n)
		}
	}
	if !strings.Contains(all, "Headline 03** _(Updated)_") || !strings.HasPrefix(msgs[0], "**Digest**\nMany things happened.") {
		t.Fatalf("rendering lost the Updated mark or the top line:\n%s", msgs[0])
	}
}

func TestOneFailingDocumentDoesNotHoldBackTheDigest(t *testing.T) {
	t.Parallel()
	sum := &fakeSummarizer{fail: map[string]error{"d1": fmt.Errorf("summarize d1: %w", errors.New("LLM endpoint rejected the request (400)"))}}
	d, err := NewBuilder(docsAt(3), sum, 10, nil).Build(context.Background(), Request{Since: base})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Items) != 3 || d.Items[1].DocID != "d1" || d.Items[1].Headline != "Offline Story 1" || sum.extractive.Load() != 1 {
		t.Fatalf("items = %+v", d.Items)
	}
	// Busy or down: the digest waits for a later run instead.
	for _, wait := range []error{llm.ErrBusy, llm.ErrUnavailable} {
		sum := &fakeSummarizer{fail: map[string]error{"d1": fmt.Errorf("summarize d1: %w", wait)}}
		if _, err := NewBuilder(docsAt(3), sum, 10, nil).Build(context.Background(), Request{Since: base}); !errors.Is(err, wait) {
			t.Fatalf("%v: err = %v", wait, err)
		}
	}
}

func TestRenderEscapesMarkdownAndLabelsOfflineItems(t *testing.T) {
	t.Parallel()
	d := Digest{Since: base, Topline: "A *bold* claim.", Items: []Item{
		{DocID: "a`b", Headline: "**Breaking** _news_", Sentence: "> quoted | piped", Offline: true},
		{DocID: "c", Headline: "Plain", Sentence: "Plain."},
	}}
	msg := Render(d, "Digest", false)[0]
	for _, want := range []string{`A \*bold\* claim.`, `**1. \*\*Breaking\*\* \_news\_** _(offline summary)_`, `\> quoted \| piped`, "`ab`", "**2. Plain**\nPlain."} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	// A digest wholly offline says so once, in its heading, not per item.
	d.Items[1].Offline, d.Offline = true, true
	msg = Render(d, "Digest", false)[0]
	if !strings.Contains(msg, "_(offline summaries)_") || strings.Contains(msg, "_(offline summary)_") {
		t.Fatalf("offline labels:\n%s", msg)
	}
}
