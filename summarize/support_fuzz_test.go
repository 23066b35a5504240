package summarize

import (
	"strings"
	"testing"
)

// The detail extractor reads model output and articles, both from outside.
// Besides not panicking, it must accept any text as backing for itself: an
// article sentence quoted as its own fact, or copied into the summary, is
// never rejected. That is what keeps offline Briefs passing.
func FuzzExtractDetails(f *testing.F) {
	for _, s := range []string{
		sentencedArticle,
		"She was sentenced to 31 years; prosecutors wanted twenty-five.",
		"$4.5bn, 20,000 troops, 15 per cent, 1990s, 12th, a dozen, one million, an hour",
		"Mr. Putin met U.S. envoy Steve Witkoff on Friday, 11 April 2025: \"no breakthrough\".",
		"Russian-American Ksenia Karelina's 12-year term — ended 10:30 on Thursday.",
		"one second, two hundred thousand, 4.5 m, US$3 k, €7tn, £1,000,000.5",
		"A.B.C. ... ' \" - -- / : , ,, 1,2,3 1,234,56",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := newFactChecker("", s)
		details := extractDetails(s, c.common)
		for _, d := range details {
			if d.text == "" || (d.kind != detailNumber && len(d.words) == 0) {
				t.Fatalf("empty detail %+v from %q", d, s)
			}
		}
		if missing := c.missing(details, c.article); len(missing) > 0 {
			t.Fatalf("text %q does not back its own details %v", s, missing)
		}
		if kept, dropped, _ := c.summary(s, 2); len(dropped) > 0 || kept != s {
			t.Fatalf("summary %q copied from its article lost %+v", s, dropped)
		}
		if strings.Contains(s, "\n") {
			return
		}
		if c.g.supports(s) {
			if f := c.fact(s, s); !f.Verified {
				t.Fatalf("sentence %q quoted as its own fact rejected: %s", s, f.Reason)
			}
		}
	})
}
