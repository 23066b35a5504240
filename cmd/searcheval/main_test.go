package main

import (
	"strings"
	"testing"

	"github.com/geobrief/geobrief/corpus"
)

func TestBuildQueries(t *testing.T) {
	t.Parallel()
	docs := []evalDoc{
		{doc: corpus.Document{ID: "bbc-x"}, sub: "bbc", headline: "Head", summary: []string{"One.", "Two."}},
		{doc: corpus.Document{ID: "allsides-a"}, sub: "allsides", headline: "A", story: "s1"},
		{doc: corpus.Document{ID: "allsides-b"}, sub: "allsides", headline: "B", story: "s1"},
	}
	qs, err := buildQueries(docs, "# comment\n\nbbc-x\twhat is it?\nallsides-a\twho?\n")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, q := range qs {
		count[q.kind]++
	}
	if count["headline"] != 3 || count["summary"] != 2 || count["question"] != 2 {
		t.Errorf("queries per kind = %v, want 3 headlines, 2 summary sentences, 2 questions", count)
	}
	last := qs[len(qs)-1]
	if last.want != "allsides-a" || !last.also["allsides-b"] {
		t.Errorf("AllSides question: want %q also %v; the story's other article should count", last.want, last.also)
	}

	for _, bad := range []string{"bbc-x what, no tab\n", "nope\twhat?\n", "bbc-x\t \n"} {
		if _, err := buildQueries(docs, bad); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("buildQueries(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}

// The committed questions must parse; their IDs are checked against the
// corpus when searcheval runs.
func TestQuestionsFileParses(t *testing.T) {
	t.Parallel()
	n := 0
	for i, line := range strings.Split(questionsTSV, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, q, ok := strings.Cut(line, "\t")
		if !ok || id == "" || strings.TrimSpace(q) == "" {
			t.Errorf("questions.tsv line %d: %q", i+1, line)
		}
		n++
	}
	if n < 60 {
		t.Errorf("%d questions, want at least 60", n)
	}
}
