package extractive

import (
	"strings"
	"testing"
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
