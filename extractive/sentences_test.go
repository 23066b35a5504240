package extractive

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"blank", " \n\t\n ", nil},
		{"no final stop", "Talks resumed", []string{"Talks resumed"}},
		{"simple", "Talks resumed. Both sides met! Will they agree?",
			[]string{"Talks resumed.", "Both sides met!", "Will they agree?"}},
		{"titles", "Mr. Smith met Dr. Jones and Prof. Lee. They talked.",
			[]string{"Mr. Smith met Dr. Jones and Prof. Lee.", "They talked."}},
		{"street and saint", "He lives on St. James Street. St. Petersburg is far.",
			[]string{"He lives on St. James Street.", "St. Petersburg is far."}},
		{"dotted abbreviation inside", "The U.S. Army and U.K. forces moved. Then they stopped.",
			[]string{"The U.S. Army and U.K. forces moved.", "Then they stopped."}},
		{"dotted abbreviation at end", "Aid arrived from the U.S. The convoy left at dawn.",
			[]string{"Aid arrived from the U.S.", "The convoy left at dawn."}},
		{"e.g. and i.e.", "Some states, e.g. France, agreed, i.e. most of them. Others did not.",
			[]string{"Some states, e.g. France, agreed, i.e. most of them.", "Others did not."}},
		{"initials", "The novel by J. R. R. Tolkien sold well. It was reprinted.",
			[]string{"The novel by J. R. R. Tolkien sold well.", "It was reprinted."}},
		{"months", "The vote is on Jan. 12 in Kyiv. Polls open early.",
			[]string{"The vote is on Jan. 12 in Kyiv.", "Polls open early."}},
		{"decimals and amounts", "Growth was 3.5% in 2024. Inflation hit $1.2bn. No. 10 said nothing.",
			[]string{"Growth was 3.5% in 2024.", "Inflation hit $1.2bn.", "No. 10 said nothing."}},
		{"straight quote after stop", `He said: "We will not retreat." The crowd cheered.`,
			[]string{`He said: "We will not retreat."`, "The crowd cheered."}},
		{"curly quote after stop", "“We will not retreat.” The crowd cheered.",
			[]string{"“We will not retreat.”", "The crowd cheered."}},
		{"question inside quote then lowercase", "“Why now?” she asked. Nobody knew.",
			[]string{"“Why now?” she asked.", "Nobody knew."}},
		{"ellipsis", "He paused... and went on. Then silence… Nobody spoke.",
			[]string{"He paused... and went on.", "Then silence…", "Nobody spoke."}},
		{"dashes", "The deal — signed in Doha — holds. Critics – many of them – disagree.",
			[]string{"The deal — signed in Doha — holds.", "Critics – many of them – disagree."}},
		{"company abbreviation", "Shares in Acme Inc. rose. Acme Inc. The firm said so.",
			[]string{"Shares in Acme Inc. rose.", "Acme Inc.", "The firm said so."}},
		{"one sentence per line", "Sanctions were extended\nThe EU agreed on Monday.\nRussia protested",
			[]string{"Sanctions were extended", "The EU agreed on Monday.", "Russia protested"}},
		{"headings", "Ceasefire talks\n\nThe talks began today. They will last a week.\n\nRapprochement\nBoth sides smiled.",
			[]string{"Ceasefire talks", "The talks began today.", "They will last a week.", "Rapprochement", "Both sides smiled."}},
		{"windows line endings", "First line.\r\nSecond line\r\n", []string{"First line.", "Second line"}},
		{"hard wrapped paragraph",
			"The foreign ministers of the two countries met in Geneva\non Tuesday to discuss the terms of a ceasefire, officials\nsaid. The meeting lasted four hours and ended without\na joint statement from either delegation.\n\nNext steps\nA second round is planned for next month in Vienna.",
			[]string{
				"The foreign ministers of the two countries met in Geneva\non Tuesday to discuss the terms of a ceasefire, officials\nsaid.",
				"The meeting lasted four hours and ended without\na joint statement from either delegation.",
				"Next steps",
				"A second round is planned for next month in Vienna.",
			}},
		{"list without stops, one item per line",
			"Key points\n- Russia launched 40 drones at Kyiv and Odesa overnight\n- Ukraine said it shot down 35 of them over the south\n- Power was cut to 200,000 homes in the region",
			[]string{"Key points", "- Russia launched 40 drones at Kyiv and Odesa overnight",
				"- Ukraine said it shot down 35 of them over the south", "- Power was cut to 200,000 homes in the region"}},
		{"bullets inside wrapped prose",
			"The ministers met in Geneva on Tuesday to discuss the terms of\nthe ceasefire, and they agreed on three points that will be\nannounced later:\n- a prisoner exchange\n- a corridor",
			[]string{"The ministers met in Geneva on Tuesday to discuss the terms of\nthe ceasefire, and they agreed on three points that will be\nannounced later:",
				"- a prisoner exchange", "- a corridor"}},
		{"opening quote starts a sentence", "He left. “We stay,” she said. 'No,' he replied.",
			[]string{"He left.", "“We stay,” she said.", "'No,' he replied."}},
		{"abbreviation before a name", "Gen. Mark Milley met Sen. Warren and Gov. Abbott.",
			[]string{"Gen. Mark Milley met Sen. Warren and Gov. Abbott."}},
		{"web address", "See example.com for details. Then call.", []string{"See example.com for details.", "Then call."}},
		{"parenthesis", "Turnout was high (about 70%.) Results come later.", []string{"Turnout was high (about 70%.)", "Results come later."}},
		{"non-latin", "Переговоры начались. Они продлятся неделю.", []string{"Переговоры начались.", "Они продлятся неделю."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{
		"", "a", ".", "...", "Mr. X. Y.", "“Hi.” — “Bye!”", "U.S. The end", "3.5. 4.", "line\nline\r\n\nHeading\nText.",
		"(With inputs from Reuters)", "\xff\xfe. A.", "J. R. R. Tolkien.", "?!?! ” ’ ) . A",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		validIn := utf8.ValidString(in)
		last := 0
		for _, s := range Sentences(in) {
			if s == "" || s != strings.TrimSpace(s) {
				t.Fatalf("empty or untrimmed sentence %q", s)
			}
			i := strings.Index(in[last:], s)
			if i < 0 {
				t.Fatalf("sentence %q is not a substring of the input after byte %d", s, last)
			}
			last += i + len(s)
			if validIn && !utf8.ValidString(s) {
				t.Fatalf("sentence %q is not valid UTF-8", s)
			}
		}
		Summarize("", in, Options{})
	})
}
