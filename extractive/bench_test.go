package extractive

import (
	"fmt"
	"strings"
	"testing"
)

// longArticle generates a deterministic article of about n words, with
// headings, quotes, numbers and names so that every code path runs.
func longArticle(n int) string {
	subjects := []string{"President Volodymyr Zelensky", "The Kremlin", "Mr. Smith of the U.S. State Department",
		"NATO allies", "The European Commission", "Officials in Kyiv", "Dr. Amina Yusuf", "Analysts at the World Bank"}
	verbs := []string{"said", "warned", "announced", "denied", "confirmed", "suggested"}
	objects := []string{"that talks in Geneva would resume on Jan. 12", "a 3.5% rise in defence spending",
		"“a new phase of the war”", "sanctions on 14 companies and 27 people", "that grain exports via the Black Sea had doubled",
		"a ceasefire plan backed by China and Brazil", "that the vote would be held in March"}
	var b strings.Builder
	words := 0
	for i := 0; words < n; i++ {
		if i%25 == 0 {
			fmt.Fprintf(&b, "\nSection %d\n", i/25+1)
			words += 2
		}
		s := fmt.Sprintf("%s %s %s, according to report number %d.", subjects[i%len(subjects)], verbs[(i/3)%len(verbs)], objects[(i*7)%len(objects)], i)
		b.WriteString(s)
		b.WriteString(" ")
		if i%4 == 3 {
			b.WriteString("\n")
		}
		words += len(strings.Fields(s))
	}
	return b.String()
}

func BenchmarkSummarize10kWords(b *testing.B) {
	text := longArticle(10000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Summarize("Ceasefire talks", text, Options{})
	}
}

func BenchmarkSentences10kWords(b *testing.B) {
	text := longArticle(10000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Sentences(text)
	}
}
