package summarize

import (
	"slices"
	"testing"
)

func TestPadFacts(t *testing.T) {
	for _, tc := range []struct {
		name           string
		facts, summary []string
		want           []string
	}{
		{"enough facts stay as they are", []string{"f1", "f2", "f3"}, []string{"s1", "s2"}, []string{"f1", "f2", "f3"}},
		{"topped up after the opening sentence", []string{"f1"}, []string{"s1", "s2", "s3", "s4"}, []string{"f1", "s2", "s3"}},
		{"the opening sentence is kept out while others exist", nil, []string{"s1", "s2"}, []string{"s2"}},
		{"a lone opening sentence serves when nothing else is left", nil, []string{"s1"}, []string{"s1"}},
		{"a lone opening sentence is not added beside facts", []string{"f1"}, []string{"s1"}, []string{"f1"}},
		{"nothing to pad with", nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := padFacts(tc.facts, tc.summary); !slices.Equal(got, tc.want) {
				t.Fatalf("padFacts(%q, %q) = %q, want %q", tc.facts, tc.summary, got, tc.want)
			}
		})
	}
}
