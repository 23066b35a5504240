package summarize

import "testing"

func TestGrounderSupports(t *testing.T) {
	article := "Kremlin spokesman Dmitry Peskov said the visit would not be “momentous” – and that no breakthroughs were expected.\nThe U.S. envoy    met officials on Friday.\nHe is unlikely to attend the summit, but met officials on Friday, officials said. Aides expect he is likely to attend the summit."
	g := newGrounder(article)
	cases := []struct {
		quote string
		want  bool
	}{
		{"no breakthroughs were expected", true},
		{"NO BREAKTHROUGHS WERE EXPECTED.", true},
		{`the visit would not be "momentous" - and that`, true},          // straight quotes and hyphen for curly and en dash
		{"“no breakthroughs were expected.”", true},                      // surrounding quote marks
		{"The U.S. envoy met officials on Friday", true},                 // whitespace runs
		{"Peskov said the visit … no breakthroughs were expected", true}, // ellipsis for omitted words
		{"no breakthroughs ... Peskov said", false},                      // pieces out of order
		{"major breakthroughs were expected", false},
		{"the envoy met Putin", false},
		{"Friday", false},                           // too short to support anything
		{"Peskov ... visit ... expected", false},    // single words stitched together
		{"spokesman Dmitry ... would not", true},    // elided pieces of two words each
		{"eskov said the visit", false},             // starts inside a word
		{"the visit would not be “moment", false},   // ends inside a word
		{"likely to attend the summit, but", false}, // only inside "unlikely to attend the summit, but"
		{"he is likely to attend the summit", true}, // the first match splits "unlikely"; the second is whole words
		{"", false},
	}
	for _, c := range cases {
		if got := g.supports(c.quote); got != c.want {
			t.Errorf("supports(%q) = %v, want %v", c.quote, got, c.want)
		}
	}
}
