package extractive

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

const sampleArticle = `Russia and Ukraine agreed on Tuesday to a 30-day ceasefire around the Zaporizhzhia nuclear plant, officials said.
The deal was brokered by the International Atomic Energy Agency after talks in Geneva.
IAEA Director General Rafael Grossi said inspectors would arrive within a week.
Rapprochement
President Volodymyr Zelensky welcomed the agreement but warned that Moscow had broken promises before.
The Kremlin said the truce showed Russia was "ready for dialogue".
Energy prices fell 3.5% in Europe after the announcement.
Analysts at Deutsche Bank said the ceasefire was fragile.
(With inputs from Reuters)`

func TestSummarizeVerbatimAndDistinct(t *testing.T) {
	s := Summarize("Ceasefire at nuclear plant", sampleArticle, Options{SummarySentences: 2, Facts: 3})
	if s.Headline != "Ceasefire at nuclear plant" {
		t.Errorf("headline = %q", s.Headline)
	}
	if len(s.Summary) != 2 || len(s.Facts) != 3 {
		t.Fatalf("got %d summary and %d facts, want 2 and 3", len(s.Summary), len(s.Facts))
	}
	seen := map[string]bool{}
	for _, x := range append(append([]string{}, s.Summary...), s.Facts...) {
		if !strings.Contains(sampleArticle, x) {
			t.Errorf("not verbatim: %q", x)
		}
		if seen[x] {
			t.Errorf("repeated: %q", x)
		}
		seen[x] = true
		if x == "Rapprochement" || x == "(With inputs from Reuters)" {
			t.Errorf("picked a short line: %q", x)
		}
	}
}

func TestSummarizeCountsAndDefaults(t *testing.T) {
	s := Summarize("", sampleArticle, Options{})
	if len(s.Summary) != defaultSummarySentences {
		t.Errorf("default summary has %d sentences, want %d", len(s.Summary), defaultSummarySentences)
	}
	// Nine lines, two too short to use: 3 summary + 4 facts at most.
	if len(s.Facts) == 0 || len(s.Facts) > defaultFacts {
		t.Errorf("default facts = %d, want 1..%d", len(s.Facts), defaultFacts)
	}
	if n := len(Summarize("", sampleArticle, Options{Facts: -1}).Facts); n != 0 {
		t.Errorf("Facts: -1 gave %d facts", n)
	}
	// Asking for more than there is returns what there is.
	s = Summarize("", sampleArticle, Options{SummarySentences: 50, Facts: 50})
	if len(s.Summary)+len(s.Facts) > len(Sentences(sampleArticle)) {
		t.Errorf("returned %d sentences from a %d-sentence article", len(s.Summary)+len(s.Facts), len(Sentences(sampleArticle)))
	}
}

func TestSummaryInArticleOrder(t *testing.T) {
	sents := Sentences(sampleArticle)
	s := Summarize("", sampleArticle, Options{SummarySentences: 4})
	last := -1
	for _, x := range s.Summary {
		i := slices.Index(sents, x)
		if i <= last {
			t.Fatalf("summary not in article order: %q", s.Summary)
		}
		last = i
	}
}

func TestHeadlineWithoutTitle(t *testing.T) {
	s := Summarize("  ", sampleArticle, Options{})
	if s.Headline == "" || utf8.RuneCountInString(s.Headline) > maxHeadline {
		t.Fatalf("headline %q: want 1..%d runes", s.Headline, maxHeadline)
	}
	long := strings.Repeat("Negotiators from both countries worked through the night ", 4) + "to close the deal."
	h := Summarize("", long, Options{}).Headline
	if utf8.RuneCountInString(h) > maxHeadline || !strings.HasSuffix(h, "…") {
		t.Errorf("long headline not shortened: %q", h)
	}
	if !strings.HasPrefix(long, strings.TrimSuffix(h, "…")) || strings.HasSuffix(strings.TrimSuffix(h, "…"), " ") {
		t.Errorf("headline %q is not cut at a word boundary of %q", h, long)
	}
}

func TestShortAndEmptyDocuments(t *testing.T) {
	for _, body := range []string{"", "   \n\n", "Only one sentence here.", "Two sentences. Here they are."} {
		s := Summarize("", body, Options{})
		want := len(Sentences(body))
		if len(s.Summary) != min(want, defaultSummarySentences) {
			t.Errorf("Summarize(%q): %d summary sentences, want %d", body, len(s.Summary), want)
		}
		if len(s.Facts) != 0 {
			t.Errorf("Summarize(%q): facts %q from a tiny document", body, s.Facts)
		}
		if body != "" && strings.TrimSpace(body) != "" && s.Headline == "" {
			t.Errorf("Summarize(%q): empty headline", body)
		}
	}
	// A lone heading is still summarised rather than dropped.
	if s := Summarize("", "Rapprochement", Options{}); len(s.Summary) != 1 {
		t.Errorf("heading-only document: summary %q", s.Summary)
	}
}

func TestDeterministic(t *testing.T) {
	text := longArticle(2000)
	first := Summarize("Ceasefire talks", text, Options{SummarySentences: 5, Facts: 7})
	for range 5 {
		if got := Summarize("Ceasefire talks", text, Options{SummarySentences: 5, Facts: 7}); !reflect.DeepEqual(got, first) {
			t.Fatalf("two runs differ:\n%+v\n%+v", first, got)
		}
	}
}

func TestFactsFavourInformativeSentences(t *testing.T) {
	body := `The summit opened in Brussels on Thursday.
Leaders talked about many things during the long day of meetings.
The European Union pledged €50bn in aid to Ukraine over four years, officials said.
There was a general feeling that things were moving along in some way.
Hungary's Viktor Orban dropped his veto after talks with Olaf Scholz and Emmanuel Macron on 1 February.`
	s := Summarize("EU summit", body, Options{SummarySentences: 1, Facts: 2})
	all := strings.Join(append(s.Summary, s.Facts...), "\n")
	for _, want := range []string{"€50bn", "Viktor Orban"} {
		if !strings.Contains(all, want) {
			t.Errorf("summary+facts miss %q: %q / %q", want, s.Summary, s.Facts)
		}
	}
}

func TestEntities(t *testing.T) {
	s := Summarize("Ceasefire at nuclear plant", sampleArticle, Options{})
	for _, c := range []struct {
		kind string
		got  []string
		want []string
	}{
		{"people", s.People, []string{"Volodymyr Zelensky", "Rafael Grossi"}},
		{"places", s.Places, []string{"Russia", "Ukraine", "Geneva", "Moscow", "Europe"}},
		{"organizations", s.Organizations, []string{"International Atomic Energy Agency", "IAEA", "Kremlin", "Deutsche Bank"}},
	} {
		for _, w := range c.want {
			if !slices.Contains(c.got, w) {
				t.Errorf("%s = %q, missing %q", c.kind, c.got, w)
			}
		}
		if len(c.got) > maxEntities {
			t.Errorf("%s: %d entries, more than %d", c.kind, len(c.got), maxEntities)
		}
	}
	for _, bad := range []string{"Rapprochement", "Energy", "Analysts", "Director General", "President"} {
		if slices.Contains(s.People, bad) || slices.Contains(s.Organizations, bad) || slices.Contains(s.Places, bad) {
			t.Errorf("%q taken for an entity: %q %q %q", bad, s.People, s.Places, s.Organizations)
		}
	}
}

func TestEntitiesMergeSurnames(t *testing.T) {
	body := "Ed Balls spoke on Monday. Mr Balls said the Treasury was ready. Later, Balls left for Washington."
	s := Summarize("", body, Options{})
	if !slices.Equal(s.People, []string{"Ed Balls"}) {
		t.Errorf("people = %q, want [Ed Balls]", s.People)
	}
	if !slices.Contains(s.Organizations, "Treasury") || !slices.Contains(s.Places, "Washington") {
		t.Errorf("orgs %q places %q", s.Organizations, s.Places)
	}
}
