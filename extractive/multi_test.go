package extractive

import (
	"slices"
	"strings"
	"testing"
)

// Three outlets on one (invented) event. Two share a sentence nearly word
// for word; they differ on the toll.
var storySources = []Source{
	{
		Title: "Flood in Valmora kills 12 as river bursts its banks",
		Body: "Heavy rain caused the Valmora river to burst its banks on Tuesday night, flooding the lower town.\n" +
			"Rescue teams said the flood killed 12 people and forced hundreds from their homes.\n" +
			"The regional governor, Ana Ferreira, declared a state of emergency across the province on Wednesday.\n" +
			"Engineers warned that the old dam upstream needs urgent inspection before the next storm arrives.\n" +
			"He said more help was coming.",
	},
	{
		Title: "Valmora flood: governor declares emergency",
		Body: "The regional governor, Ana Ferreira, declared a state of emergency across the province on Wednesday.\n" +
			"Officials said the flood killed 15 people in the lower town after the river rose overnight.\n" +
			"Schools in the district will stay closed until Monday while roads are cleared of mud and debris.\n" +
			"Volunteers from three neighbouring towns brought boats to carry elderly residents to dry ground.",
	},
	{
		Title: "River floods Valmora town",
		Body: "Residents of Valmora woke to water in their streets after a night of heavy rain upstream.\n" +
			"Governor Ana Ferreira declared a state of emergency across the province on Wednesday morning.\n" +
			"The national weather service expects another 40 millimetres of rain by the weekend.",
	},
}

func TestMultiCountsNearCopiesOnceWithEverySource(t *testing.T) {
	m := Multi(storySources, Options{SummarySentences: 3, Facts: 4})
	all := append(slices.Clone(m.Summary), m.Facts...)
	emergency := 0
	for _, s := range all {
		if strings.Contains(s.Text, "state of emergency") {
			emergency++
			if got := s.Sources(); len(got) != 3 {
				t.Errorf("the emergency sentence is carried by 3 sources, got %v", got)
			}
		}
	}
	if emergency != 1 {
		t.Fatalf("the emergency sentence appears %d times, want once: %+v", emergency, all)
	}
	// Every quote is verbatim text of the source it is attributed to.
	for _, s := range all {
		for _, q := range s.Quotes {
			if !strings.Contains(storySources[q.Source].Body, q.Text) {
				t.Errorf("quote %q is not in source %d", q.Text, q.Source)
			}
		}
		if s.Text != s.Quotes[0].Text {
			t.Errorf("text %q is not its first quote", s.Text)
		}
	}
}

func TestMultiRanksWhatSeveralSourcesSay(t *testing.T) {
	m := Multi(storySources, Options{SummarySentences: 2, Facts: -1})
	found := false
	for _, s := range m.Summary {
		found = found || strings.Contains(s.Text, "state of emergency")
	}
	if !found {
		t.Fatalf("the sentence all three sources carry is not in a 2-sentence summary: %+v", m.Summary)
	}
	for _, s := range m.Summary {
		if LeansBack(s.Text) {
			t.Errorf("summary holds a sentence that leans on a missing one: %q", s.Text)
		}
	}
}

func TestMultiDeterministic(t *testing.T) {
	a := Multi(storySources, Options{})
	b := Multi(storySources, Options{})
	if !slices.EqualFunc(a.Facts, b.Facts, func(x, y Sentence) bool { return x.Text == y.Text }) || a.Headline != b.Headline {
		t.Fatal("two runs differ")
	}
	if a.Headline == "" {
		t.Fatal("no headline")
	}
}

func TestNumberDisagreementOnTheToll(t *testing.T) {
	ds := NumberDisagreements(storySources)
	if len(ds) != 1 {
		t.Fatalf("disagreements = %+v, want one (the toll)", ds)
	}
	d := ds[0]
	if len(d.Sides) != 2 || d.Sides[0].Source != 0 || d.Sides[1].Source != 1 ||
		d.Sides[0].Value != "12 people" || d.Sides[1].Value != "15 people" {
		t.Fatalf("sides = %+v", d.Sides)
	}
	if !strings.Contains(d.About, "people") || !strings.Contains(d.About, "killed") {
		t.Errorf("about = %q", d.About)
	}
	for _, s := range d.Sides {
		if !strings.Contains(storySources[s.Source].Body, s.Quote) {
			t.Errorf("quote %q not in its source", s.Quote)
		}
	}
}

func TestNumberDisagreementNeedsTheSameContext(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b string
		want int
	}{
		{"different roles", "Police said 12 people were arrested at the march.", "Doctors said 15 people were injured at the march.", 0},
		{"same value", "The flood killed 12 people overnight.", "Officials said twelve people were killed by the flood.", 0},
		{"word and digits", "The flood killed 12 people overnight.", "The flood killed fifteen people overnight, officials said.", 1},
		{"a source giving both takes no side", "The toll rose as the flood killed 12 people, then 15 people were killed.", "The flood killed 15 people overnight.", 0},
		{"range", "The flood killed 12 to 15 people.", "The flood killed 20 people.", 0},
		{"years are not counts", "The dam was built in 1990 people say.", "The dam was built in 1985 people say.", 0},
		{"scale", "The fund holds $4.5bn dollars for rebuilding.", "The fund holds 5 billion dollars for rebuilding.", 1},
		{"a day of a month is not a count", "Claims rose in the week ended June 12, the labor department said.", "Claims rose in the week ended June 15, the labor department said.", 0},
		{"a source stating both values elsewhere", "The plan would cost $974 billion over five years or $1.2 trillion over eight years.", "The plan would cost $1.2 trillion over eight years.", 0},
		{"qualifiers are not context", "Seven of the dead were one family, including three children.", "At least 28 people, including nine children, were reported killed.", 0},
		{"hedged counts still differ", "The shooting left at least eight people dead on Wednesday.", "The attack has left at least nine people dead, police said.", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := NumberDisagreements([]Source{{Body: tc.a}, {Body: tc.b}})
			if len(ds) != tc.want {
				t.Fatalf("got %+v, want %d", ds, tc.want)
			}
		})
	}
}

func TestMultiSingleAndEmptySources(t *testing.T) {
	if m := Multi(nil, Options{}); len(m.Summary) != 0 || len(m.Facts) != 0 || m.Headline != "" {
		t.Fatalf("empty: %+v", m)
	}
	m := Multi(storySources[:1], Options{SummarySentences: 2, Facts: 2})
	if len(m.Summary) != 2 || len(m.Disagreements) != 0 {
		t.Fatalf("one source: %+v", m)
	}
	if m.Headline != storySources[0].Title {
		t.Errorf("headline = %q", m.Headline)
	}
}

// Whatever the text, every side of a disagreement quotes a sentence of its
// own source, and no source takes two sides.
func FuzzNumberDisagreements(f *testing.F) {
	f.Add(storySources[0].Body, storySources[1].Body)
	f.Add("The flood killed 12 people.", "The flood killed fifteen people, 4.5bn dollars.")
	f.Fuzz(func(t *testing.T, a, b string) {
		srcs := []Source{{Body: a}, {Body: b}}
		for _, d := range NumberDisagreements(srcs) {
			if len(d.Sides) < 2 {
				t.Fatalf("a disagreement with %d sides", len(d.Sides))
			}
			seen := map[int]bool{}
			for _, s := range d.Sides {
				if seen[s.Source] || !strings.Contains(srcs[s.Source].Body, s.Quote) {
					t.Fatalf("bad side %+v", s)
				}
				seen[s.Source] = true
			}
		}
	})
}
