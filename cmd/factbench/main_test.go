package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The figures BENCHMARKS.md records are the aims of issue 9; a change to
// the check that breaks one fails here, not only in the next benchmark run.
func TestFactCheckMeetsItsAims(t *testing.T) {
	t.Parallel()
	r, err := measure(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.handRejected.total < 40 || r.handAccepted.total < 20 {
		t.Fatalf("hand-written set has %d faithful and %d unfaithful facts, want at least 40 and 20", r.handRejected.total, r.handAccepted.total)
	}
	for _, c := range []string{"number", "date", "name"} {
		if r.handAcceptedByChange[c].total == 0 {
			t.Errorf("no unfaithful fact with a changed %s", c)
		}
	}
	if r.inParts == 0 || r.briefs != 2*r.inParts || len(r.skipped) > 0 {
		t.Errorf("%d Briefs, %d in parts, skipped %v: want half of them in parts and none skipped", r.briefs, r.inParts, r.skipped)
	}
	checks := []struct {
		name string
		got  rate
		max  float64
	}{
		{"mock facts rejected", r.mockFactsRejected, 0},
		{"mock summary sentences dropped", r.mockSummaryDropped, 0},
		{"wrong-number facts accepted", r.wrongNumberAccepted, 0},
		{"invented summary numbers kept", r.summaryNumberKept, 0},
		{"faithful paraphrases rejected", r.handRejected, 0.05},
		{"unfaithful paraphrases accepted", r.handAccepted, 0.05},
		{"faithful paraphrases dropped from a summary", r.handSummaryDropped, 0.05},
	}
	for _, c := range checks {
		if c.got.total == 0 || c.got.share() > c.max {
			t.Errorf("%s: %s, want at most %.0f%%", c.name, c.got, 100*c.max)
		}
	}
	// Against the same data the quote-only check accepts every changed fact.
	if r.baseWrongNumberAccepted.wrong != r.baseWrongNumberAccepted.total || r.baseHandAccepted.wrong != r.baseHandAccepted.total {
		t.Errorf("quote-only baseline: %s and %s, want all accepted", r.baseWrongNumberAccepted, r.baseHandAccepted)
	}
	var out bytes.Buffer
	r.print(&out, true)
	if !strings.Contains(out.String(), "false rejection, faithful facts") || strings.Count(out.String(), "\n") < 12+len(r.misses) {
		t.Errorf("report:\n%s", out.String())
	}
}
