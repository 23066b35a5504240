package summarize

import "testing"

func TestGrounderSupports(t *testing.T) {
	article := "Kremlin spokesman Dmitry Peskov said the visit would not be “momentous” – and that no breakthroughs were expected.\nThe U.S. envoy    met officials on Friday."
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
		{"Friday", false}, // too short to support anything
		{"", false},
	}
	for _, c := range cases {
		if got := g.supports(c.quote); got != c.want {
			t.Errorf("supports(%q) = %v, want %v", c.quote, got, c.want)
		}
	}
}
