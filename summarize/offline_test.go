package summarize

import (
	"strings"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/extractive"
)

// swapDoc opens with the sentence that sets the scene; the next one only
// makes sense after it ("One of those freed ..."), and the later ones share
// more words with each other than with the opening.
var swapDoc = corpus.Document{
	ID:    "prisoner-swap",
	Title: "Eight prisoners freed in border exchange",
	Body: "Two neighbouring countries exchanged eight prisoners at a border crossing on Friday in a deal brokered by Norway.\n" +
		"One of those freed is Anna Berg, a teacher held for two years.\n" +
		"Anna Berg was arrested while visiting relatives and convicted of spying, which Anna Berg denied.\n" +
		"The family of Anna Berg said the teacher was tired but well after two years in prison.\n" +
		"Three of the freed prisoners need hospital care, the Red Cross said on Friday.\n" +
		"The prisoners were held in prisons far from the border, the Red Cross said.",
}

func TestOfflineBriefOpensWithTheScene(t *testing.T) {
	t.Parallel()
	s, err := New(Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	opening := extractive.Sentences(swapDoc.Body)[0]
	for _, l := range []Length{Short, Standard, Detailed} {
		b := s.ExtractiveBrief(swapDoc, Options{Length: l})
		if !strings.HasPrefix(b.Summary, opening) {
			t.Errorf("%s: summary %q does not open with %q", l, b.Summary, opening)
		}
		for _, f := range b.Facts {
			if f.Text == opening {
				t.Errorf("%s: the opening sentence is a fact too: %+v", l, b.Facts)
			}
		}
		if len(b.VerifiedFacts()) == 0 {
			t.Errorf("%s: no verified facts: %+v", l, b.Facts)
		}
	}
}

func TestShortOfflineBriefKeepsItsOpeningOutOfTheFacts(t *testing.T) {
	t.Parallel()
	s, err := New(Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := corpus.Document{ID: "short", Title: "Bridge reopens", Body: "The Old Mill bridge reopened to traffic on Monday after a year of repairs.\n" +
		"The repairs cost the county £3m, twice the first estimate.\n" +
		"Buses will use the bridge again from next week, the county said."}
	b := s.ExtractiveBrief(doc, Options{})
	opening := extractive.Sentences(doc.Body)[0]
	if !strings.HasPrefix(b.Summary, opening) {
		t.Errorf("summary %q does not open with %q", b.Summary, opening)
	}
	if len(b.Facts) == 0 {
		t.Fatalf("no facts from a three-sentence article")
	}
	for _, f := range b.Facts {
		if f.Text == opening {
			t.Errorf("the opening sentence is a fact too: %+v", b.Facts)
		}
	}
}
