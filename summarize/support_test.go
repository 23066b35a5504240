package summarize

import (
	"fmt"
	"strings"
	"testing"
)

// sentencedArticle is written for these tests.
const sentencedArticle = `Court jails activist in Minsk
A court in Minsk on Tuesday, 3 June 2025, sentenced the activist Olga Brandt to 12 years in prison.
Prosecutors had asked for fifteen years. Ms Brandt, 41, denied the charges.
Her lawyer, Pavel Orlov, said the family would appeal to the Supreme Court within 10 days.
The European Union said the verdict was part of a crackdown that has seen 1,200 people jailed since 2020.
The government plans to spend $4.5bn on new prisons, up 15% on last year.
The U.S. State Department called the ruling "a travesty".
Separately, President Lukashenko met Chinese officials in Beijing.`

func splitArticle2(s string) (title, body string) {
	title, body, _ = strings.Cut(s, "\n")
	return title, body
}

func TestFactCheck(t *testing.T) {
	t.Parallel()
	c := newFactChecker(splitArticle2(sentencedArticle))
	cases := []struct {
		fact, quote string
		want        bool
		why         string // part of the reason when want is false
	}{
		// Faithful: the details are in the quote, rewritten the usual ways.
		{"Olga Brandt was sentenced to 12 years in prison.", "sentenced the activist Olga Brandt to 12 years in prison", true, ""},
		{"Brandt received a twelve-year prison sentence.", "sentenced the activist Olga Brandt to 12 years in prison", true, ""},
		{"Ms Brandt got 12 years.", "sentenced the activist Olga Brandt to 12 years in prison", true, ""},
		{"Prosecutors wanted 15 years.", "Prosecutors had asked for fifteen years.", true, ""},
		{"Brandt's lawyer plans an appeal within ten days.", "said the family would appeal to the Supreme Court within 10 days", true, ""},
		{"About 1,200 people have been jailed since 2020, the EU says.", "a crackdown that has seen 1,200 people jailed since 2020", true, ""},
		{"The EU says 1.2 thousand people were jailed.", "a crackdown that has seen 1,200 people jailed since 2020", true, ""},
		{"Belarus will spend 4.5 billion dollars on prisons.", "The government plans to spend $4.5bn on new prisons", false, `"Belarus"`},
		{"The government will spend 4.5 billion dollars on prisons.", "The government plans to spend $4.5bn on new prisons", true, ""},
		{"Prison spending rises 15 percent to $4,500 million.", "The government plans to spend $4.5bn on new prisons, up 15% on last year.", true, ""},
		{"The verdict came on 3 June.", "A court in Minsk on Tuesday, 3 June 2025, sentenced", true, ""},
		{"The US called the ruling a travesty.", `The U.S. State Department called the ruling "a travesty".`, true, ""},
		{"America called the ruling a travesty.", `The U.S. State Department called the ruling "a travesty".`, true, ""},
		// A capital says more than its country: "in Washington" is not "U.S.".
		{"Washington called the ruling a travesty.", `The U.S. State Department called the ruling "a travesty".`, false, `"Washington"`},
		{"The Belarusian court ruled in Minsk.", "A court in Minsk on Tuesday", false, `"Belarusian"`},
		{"Mr Lukashenko met Chinese officials.", "President Lukashenko met Chinese officials in Beijing.", true, ""},
		{"Lukashenko met officials from China.", "President Lukashenko met Chinese officials in Beijing.", true, ""},
		// The sentence before the quote names who "her" is.
		{"Pavel Orlov, Brandt's lawyer, will appeal.", "Her lawyer, Pavel Orlov, said the family would appeal", true, ""},
		// Only one sentence either side: the sentence years are three back.
		{"Pavel Orlov will appeal the 12-year sentence.", "Her lawyer, Pavel Orlov, said the family would appeal", false, `"12-year"`},
		// Unfaithful: a detail changed, the quote real.
		{"Olga Brandt was sentenced to 31 years in prison.", "sentenced the activist Olga Brandt to 12 years in prison", false, `"31 years"`},
		{"Olga Brandt was sentenced to 12 months in prison.", "sentenced the activist Olga Brandt to 12 years in prison", false, `"12 months"`},
		{"The court sentenced Olga Petrova to 12 years.", "sentenced the activist Olga Brandt to 12 years in prison", false, `"Olga Petrova"`},
		{"The verdict came on Wednesday.", "A court in Minsk on Tuesday, 3 June 2025, sentenced", false, `"Wednesday"`},
		{"The verdict came on 3 July 2025.", "A court in Minsk on Tuesday, 3 June 2025, sentenced", false, `"July"`},
		{"The government will spend £4.5bn on prisons.", "The government plans to spend $4.5bn on new prisons", false, `"£4.5bn"`},
		{"The government will spend $4.5m on prisons.", "The government plans to spend $4.5bn on new prisons", false, `"$4.5m"`},
		{"Prosecutors had asked for sixteen years.", "Prosecutors had asked for fifteen years.", false, `"sixteen years"`},
		{"Lukashenko met Chinese officials in Moscow.", "President Lukashenko met Chinese officials in Beijing.", false, `"Moscow"`},
		{"Putin met Chinese officials in Beijing.", "President Lukashenko met Chinese officials in Beijing.", false, `"Putin"`},
		// The quote itself must be in the article.
		{"Olga Brandt was freed.", "Olga Brandt was freed on appeal", false, "not in the article"},
		{"Olga Brandt was freed.", "", false, "no quote"},
	}
	for _, tc := range cases {
		f := c.fact(tc.fact, tc.quote)
		if f.Verified != tc.want {
			t.Errorf("fact(%q, %q): verified = %v (%s), want %v", tc.fact, tc.quote, f.Verified, f.Reason, tc.want)
			continue
		}
		if !tc.want && !strings.Contains(f.Reason, tc.why) {
			t.Errorf("fact(%q): reason %q does not mention %s", tc.fact, f.Reason, tc.why)
		}
		if tc.want && f.Reason != "" {
			t.Errorf("fact(%q): verified with a reason %q", tc.fact, f.Reason)
		}
	}
}

func TestSummaryCheckDropsInventedDetails(t *testing.T) {
	t.Parallel()
	c := newFactChecker(splitArticle2(sentencedArticle))
	kept, dropped, replaced := c.summary("A Minsk court jailed Olga Brandt for 12 years. Her lawyer Pavel Orlov will appeal within 30 days. The EU condemned a crackdown.", 2)
	if kept != "A Minsk court jailed Olga Brandt for 12 years. The EU condemned a crackdown." || replaced {
		t.Fatalf("kept %q (replaced %v)", kept, replaced)
	}
	if len(dropped) != 1 || !strings.Contains(dropped[0].Sentence, "30 days") || !strings.Contains(dropped[0].Reason, `"30 days"`) {
		t.Fatalf("dropped = %+v", dropped)
	}

	// Every sentence invented: the article's own sentences stand in.
	kept, dropped, replaced = c.summary("Vladimir Putin freed 300 prisoners.", 2)
	if !replaced || len(dropped) != 1 || kept == "" || !c.g.supports(strings.SplitAfter(kept, ".")[0]) {
		t.Fatalf("kept %q, dropped %+v, replaced %v", kept, dropped, replaced)
	}

	// A faithful summary is untouched, byte for byte.
	faithful := "Olga Brandt, 41, got twelve years in Minsk.  The U.S. called it a travesty."
	if kept, dropped, _ := c.summary(faithful, 2); kept != faithful || dropped != nil {
		t.Fatalf("faithful summary changed to %q, dropped %+v", kept, dropped)
	}
}

func TestExtractDetails(t *testing.T) {
	t.Parallel()
	common := func(w string) bool { return commonInitial[w] }
	cases := []struct {
		text string
		want []string // rendered details
	}{
		{"She was sentenced to 31 years.", []string{"31 year"}},
		{"A 12-year term.", []string{"12 year"}},
		{"It costs $4.5bn a year.", []string{"4.5e+09 usd"}},
		{"Some 20,000 troops and twenty-five tanks.", []string{"20000 ", "25 "}},
		{"They fell 15 per cent in the third quarter.", []string{"15 percent", "3 ord"}},
		{"One of them left; one year passed.", []string{"1 year"}},
		{"Talks in Istanbul on Thursday, 10 April 2025.", []string{"10 ", "2025 ", "name:istanbul", "date:thursday", "date:april"}},
		{"President Vladimir Putin met Mr. Witkoff's aides.", []string{"name:vladimir putin", "name:witkoff"}},
		{"The U.S. and Russian-American ties.", []string{"name:us", "name:russian american"}},
	}
	for _, tc := range cases {
		var got []string
		for _, d := range extractDetails(tc.text, common) {
			got = append(got, renderDetail(d))
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("extractDetails(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func renderDetail(d detail) string {
	switch d.kind {
	case detailNumber:
		return fmt.Sprintf("%g %s", d.value, d.unit)
	case detailDate:
		return "date:" + strings.Join(d.words, " ")
	}
	return "name:" + strings.Join(d.words, " ")
}

// The check runs on every Brief: seven facts and a summary over an article
// of 10,000 words. go test ./summarize -bench FactCheck -run '^$'
func BenchmarkFactCheck10kWords(b *testing.B) {
	var body strings.Builder
	for i := 0; body.Len() < 60000; i++ {
		fmt.Fprintf(&body, "Report %d: the envoy Steve Witkoff met President Vladimir Putin in St Petersburg on Friday, 11 April 2025, for talks lasting %d hours.\n", i, i%9+1)
		fmt.Fprintf(&body, "Officials said a prisoner serving a %d-year term was freed, and $%d.5bn was pledged.\n", i%20+2, i%7+1)
	}
	text := body.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c := newFactChecker("Talks in St Petersburg", text)
		for i := range 7 {
			q := fmt.Sprintf("Officials said a prisoner serving a %d-year term was freed", i+2)
			c.fact(fmt.Sprintf("A prisoner serving %d years was freed, officials said.", i+2), q)
		}
		c.summary("Witkoff met Putin in St Petersburg on 11 April 2025. A prisoner serving 31 years was freed.", 3)
	}
}
