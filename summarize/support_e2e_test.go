package summarize

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/mockllm"
	"github.com/geobrief/geobrief/seeds"
)

func seedDocs(t *testing.T) []corpus.Document {
	t.Helper()
	docs, warnings := corpus.Load(seeds.FS)
	if len(warnings) > 0 || len(docs) == 0 {
		t.Fatalf("seeds: %d documents, warnings %v", len(docs), warnings)
	}
	return docs
}

// mockSummarizer is the real summarizer talking to the mock LLM over HTTP.
func mockSummarizer(t *testing.T, model string, contextTokens int) *Summarizer {
	t.Helper()
	srv := httptest.NewServer(mockllm.New(mockllm.Options{}))
	t.Cleanup(srv.Close)
	cli := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: model, MaxRetries: -1}, nil)
	t.Cleanup(cli.Close)
	s, err := New(Config{Model: model, ContextTokens: contextTokens}, cli, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var digitsRE = regexp.MustCompile(`\d+`)

// The mock's wrong-number fact repeats a real quote with its number
// changed: it must not be shown, and --json must say why. The mock's
// faithful facts must all still be shown.
func TestChangedNumberIsNotVerified(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		contextTokens int
	}{{"one part", 0}, {"in parts", 700}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mockSummarizer(t, "mock:wrong-number", tc.contextTokens)
			for _, doc := range seedDocs(t) {
				b, err := s.Brief(context.Background(), doc, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if tc.contextTokens > 0 && b.Meta.Parts < 2 {
					t.Fatalf("%s: %d parts, want several", doc.ID, b.Meta.Parts)
				}
				var wrong []Fact
				for _, f := range b.Facts {
					if f.Text == shortenLike(f.Quote, f.Text) {
						if !f.Verified {
							t.Errorf("%s: faithful fact rejected: %+v", doc.ID, f)
						}
						continue
					}
					wrong = append(wrong, f)
				}
				// Each answer carries one; a combined brief may keep several.
				if len(wrong) == 0 || (tc.contextTokens == 0 && len(wrong) != 1) {
					t.Fatalf("%s: %d changed facts: %+v", doc.ID, len(wrong), b.Facts)
				}
				for _, f := range wrong {
					n := digitsRE.FindString(f.Text)
					if f.Verified || n == "" || !strings.Contains(f.Reason, n) || !newGrounder(doc.Title+"\n"+doc.Body).supports(f.Quote) {
						t.Errorf("%s: changed-number fact %+v: want a real quote, unverified, with %q in the reason", doc.ID, f, n)
					}
				}
				if b.Meta.FactsVerified != b.Meta.FactsGiven-len(wrong) {
					t.Errorf("%s: %d of %d verified, want all but the changed ones", doc.ID, b.Meta.FactsVerified, b.Meta.FactsGiven)
				}
			}
		})
	}
}

// shortenLike returns text when it is quote, or quote cut short the way the
// mock shortens long sentences (a prefix ending in "…"); anything else
// returns quote, so a changed fact compares unequal.
func shortenLike(quote, text string) string {
	if text == quote {
		return text
	}
	if p, ok := strings.CutSuffix(text, "…"); ok && strings.HasPrefix(quote, p) {
		return text
	}
	return quote
}

// The mock's summary-number mode changes a number of the summary to one
// the article lacks: that sentence is dropped and the Brief says so.
func TestInventedSummaryNumberIsDropped(t *testing.T) {
	t.Parallel()
	plain := mockSummarizer(t, "mock", 0)
	faulty := mockSummarizer(t, "mock:summary-number", 0)
	for _, doc := range seedDocs(t) {
		want, err := plain.Brief(context.Background(), doc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Meta.SummaryDropped) != 0 {
			t.Errorf("%s: the mock's faithful summary lost %+v", doc.ID, want.Meta.SummaryDropped)
		}
		b, err := faulty.Brief(context.Background(), doc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Meta.SummaryDropped) != 1 {
			t.Fatalf("%s: dropped %+v, want one sentence", doc.ID, b.Meta.SummaryDropped)
		}
		d := b.Meta.SummaryDropped[0]
		n := digitsRE.FindAllString(d.Sentence, -1)
		if len(n) == 0 || strings.Contains(b.Summary, d.Sentence) || !strings.Contains(d.Reason, "does not say") {
			t.Errorf("%s: dropped %+v, summary %q", doc.ID, d, b.Summary)
		}
		if b.Summary == "" {
			t.Errorf("%s: empty summary", doc.ID)
		}
		// What is left is the faithful summary less the changed sentence.
		for _, sent := range strings.SplitAfter(b.Summary, ". ") {
			if !strings.Contains(want.Summary, strings.TrimSpace(sent)) {
				t.Errorf("%s: kept sentence %q is not from the faithful summary %q", doc.ID, sent, want.Summary)
			}
		}
	}
}

// The offline Brief is made of article sentences, so every fact and every
// summary sentence passes the check, at every length.
func TestOfflineBriefPassesFactCheck(t *testing.T) {
	t.Parallel()
	s, err := New(Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range append(seedDocs(t), corpus.Document{ID: "test", Title: "Court jails activist in Minsk", Body: strings.SplitN(sentencedArticle, "\n", 2)[1]}) {
		for _, l := range []Length{Short, Standard, Detailed} {
			b, err := s.Brief(context.Background(), doc, Options{Length: l})
			if err != nil {
				t.Fatal(err)
			}
			if b.Meta.FactsVerified != b.Meta.FactsGiven || b.Meta.FactsGiven == 0 {
				for _, f := range b.Facts {
					if !f.Verified {
						t.Errorf("%s %s: offline fact rejected: %+v", doc.ID, l, f)
					}
				}
			}
			if len(b.Meta.SummaryDropped) > 0 || b.Meta.SummaryReplaced {
				t.Errorf("%s %s: offline summary sentences dropped: %+v", doc.ID, l, b.Meta.SummaryDropped)
			}
		}
	}
}

// What --json shows: the rejected fact with its reason, and the summary
// sentences left out. A summary with nothing left is the article's own.
func TestBriefJSONSaysWhy(t *testing.T) {
	t.Parallel()
	answer := `{"headline":"US and Iran to talk in Oman","summary":"The envoy meets Iran in Oman on 3 May.",
"key_facts":[
 {"fact":"Talks are on Sunday","quote":"due in Oman on Saturday for talks with Iran"},
 {"fact":"Talks are on Saturday","quote":"due in Oman on Saturday for talks with Iran about its nuclear programme"}],
"people":[],"places":["Oman"],"organizations":[]}`
	f := &fakeLLM{answer: func(int64, llm.Request) (llm.Response, error) { return reply(answer) }}
	s := newTestSummarizer(t, f, nil, Config{})
	b, err := s.Brief(context.Background(), omanDoc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Meta.FactsVerified != 1 || b.Facts[0].Verified || b.Facts[0].Reason != `the quote does not say "Sunday"` {
		t.Fatalf("facts = %+v", b.Facts)
	}
	if !b.Meta.SummaryReplaced || len(b.Meta.SummaryDropped) != 1 || !strings.HasPrefix(omanDoc.Body, b.Summary[:40]) {
		t.Fatalf("summary %q, dropped %+v, replaced %v", b.Summary, b.Meta.SummaryDropped, b.Meta.SummaryReplaced)
	}
	js, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"verified":false,"reason":"the quote does not say \"Sunday\""`, `"summary_dropped":[{"sentence":"The envoy meets Iran in Oman on 3 May.","reason":"the article does not say \"3\", \"May\""}]`, `"summary_replaced":true`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
}
