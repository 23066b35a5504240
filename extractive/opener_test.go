package extractive

import (
	"slices"
	"testing"
)

// stormArticle opens with the scene; its second sentence leans on the first
// ("However, ...") and shares the most words with the rest, so a ranking by
// centrality alone puts it first.
const stormArticle = `Fishing boats stayed in port along the northern coast on Tuesday.
However, the storm warning for the northern coast was lifted by the weather service on Tuesday evening.
The weather service said the storm had weakened over the sea and the warning was no longer needed.
He said the storm warning had been the first for the coast since 2019.
The weather service will review its storm warning rules after complaints from the fishing fleet.
Harbour masters said the fishing fleet lost two days of work because of the warning.`

func TestSummaryOpensWithTheScene(t *testing.T) {
	t.Parallel()
	sents := Sentences(stormArticle)
	for k := 1; k <= 4; k++ {
		s := Summarize("Storm warning lifted", stormArticle, Options{SummarySentences: k})
		if len(s.Summary) == 0 || s.Summary[0] != sents[0] {
			t.Errorf("k=%d: summary %q does not open with %q", k, s.Summary, sents[0])
		}
		assertNoDanglingWithoutAntecedent(t, sents, s.Summary)
		if slices.Contains(s.Facts, sents[0]) {
			t.Errorf("k=%d: the opening sentence is also a fact: %q", k, s.Facts)
		}
	}
}

func TestDanglingSentenceNeverOpens(t *testing.T) {
	t.Parallel()
	// After a heading, the first sentence leans on something the page no
	// longer shows; the summary starts at the first that stands alone.
	body := `Harbour repairs
But the council has still not agreed to pay for the harbour wall repairs.
The harbour wall at Eastbay collapsed in a storm last winter, closing the port to the fishing fleet.
The council estimates the harbour wall repairs will cost £4m and take a year.
Fishing crews say the closed harbour has cost them most of their income this year.`
	sents := Sentences(body)
	for k := 1; k <= 3; k++ {
		s := Summarize("", body, Options{SummarySentences: k})
		if len(s.Summary) == 0 || s.Summary[0] != sents[2] {
			t.Errorf("k=%d: summary %q, want it to open with %q", k, s.Summary, sents[2])
		}
		assertNoDanglingWithoutAntecedent(t, sents, s.Summary)
	}
}

// assertNoDanglingWithoutAntecedent checks that a summary sentence leaning on
// the one before comes right after that sentence, and never first.
func assertNoDanglingWithoutAntecedent(t *testing.T, sents, summary []string) {
	t.Helper()
	for n, x := range summary {
		if !LeansBack(x) {
			continue
		}
		i := slices.Index(sents, x)
		if n == 0 || i < 1 || summary[n-1] != sents[i-1] {
			t.Errorf("summary %q: %q leans on a sentence that is not before it", summary, x)
		}
	}
}

func TestEntityKinds(t *testing.T) {
	t.Parallel()
	body := `Voters in the U.S. go to the polls in the General Election on Tuesday.
The election is the closest in years, said Senator Maria Lopez.
The United States has held an election every two years since 1788.`
	s := Summarize("", body, Options{})
	for _, bad := range []string{"Election", "General Election"} {
		if slices.Contains(s.People, bad) {
			t.Errorf("people %q include the common word %q", s.People, bad)
		}
	}
	if !slices.Contains(s.People, "Maria Lopez") {
		t.Errorf("people %q miss Maria Lopez", s.People)
	}
	// Not written in lower case anywhere in the article, still not a name.
	if p := Summarize("", "The parties will set out their plans closer to the General Election, Senator Lopez said.", Options{}).People; slices.Contains(p, "Election") {
		t.Errorf("people %q include Election", p)
	}
	for _, want := range []string{"U.S.", "United States"} {
		if !slices.Contains(s.Places, want) {
			t.Errorf("places %q miss %q", s.Places, want)
		}
	}
	if slices.Contains(s.Places, "U.S") {
		t.Errorf("places %q cut the final period of U.S.", s.Places)
	}
	if slices.Contains(s.Organizations, "United States") {
		t.Errorf("organizations %q hold a country", s.Organizations)
	}
}
