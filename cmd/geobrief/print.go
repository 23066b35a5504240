package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/summarize"
)

// printJSON writes v as indented JSON, as every --json of the command line
// does, so that scripts see one format.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printBrief writes a Brief for a person reading a terminal.
func printBrief(w io.Writer, b summarize.Brief, doc corpus.Document) {
	fmt.Fprintln(w, b.Headline)
	fmt.Fprintln(w, strings.Repeat("=", min(utf8.RuneCountInString(b.Headline), 78)))
	fmt.Fprintln(w)
	fmt.Fprintln(w, wrap(b.Summary, 78, ""))
	if n := len(b.Meta.SummaryDropped); n > 0 {
		fmt.Fprintf(w, "(%d summary sentence(s) left out: they state what the article does not; --json lists them)\n", n)
	}
	fmt.Fprintln(w)

	facts := b.VerifiedFacts()
	fmt.Fprintf(w, "Key facts (%d of %d verified against the article):\n", b.Meta.FactsVerified, b.Meta.FactsGiven)
	if len(facts) == 0 {
		fmt.Fprintln(w, "  (none could be verified)")
	}
	for _, f := range facts {
		fmt.Fprintln(w, wrap("- "+f.Text, 78, "  "))
		if f.Quote != f.Text {
			fmt.Fprintln(w, wrap("  “"+f.Quote+"”", 78, "   "))
		}
	}
	if n := b.Meta.FactsGiven - b.Meta.FactsVerified; n > 0 {
		fmt.Fprintf(w, "  (%d more not shown: the article does not back them; --json says why)\n", n)
	}
	if people := strings.Join(b.People, ", "); people != "" {
		fmt.Fprintln(w, wrap("\nPeople: "+people, 78, "  "))
	}
	if places := strings.Join(b.Places, ", "); places != "" {
		fmt.Fprintln(w, wrap("Places: "+places, 78, "  "))
	}
	if orgs := strings.Join(b.Organizations, ", "); orgs != "" {
		fmt.Fprintln(w, wrap("Organizations: "+orgs, 78, "  "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, wrap("Source: "+describeSource(doc), 78, "  "))
	fmt.Fprintln(w, "Made by: "+describeMaker(b.Meta))
}

func describeSource(doc corpus.Document) string {
	parts := []string{fmt.Sprintf("%s [%s]", doc.Title, doc.ID)}
	if !doc.Published.IsZero() {
		parts = append(parts, "published "+doc.Published.Format("2 Jan 2006"))
	}
	if doc.Source != "" {
		parts = append(parts, doc.Source)
	}
	if doc.URL != "" {
		parts = append(parts, doc.URL)
	}
	return strings.Join(parts, " · ")
}

func describeMaker(m summarize.Meta) string {
	var s string
	switch {
	case m.Fallback:
		s = "offline extractive summarizer (the LLM is unavailable right now)"
	case m.Offline:
		s = "offline extractive summarizer (no LLM configured)"
	default:
		s = "model " + m.Model
		if m.Cached {
			s += ", from cache (no LLM call)"
		} else {
			s += fmt.Sprintf(", %d+%d tokens", m.PromptTokens, m.CompletionTokens)
		}
	}
	if m.Parts > 1 {
		s += fmt.Sprintf(", summarized in %d parts", m.Parts)
	}
	return s
}

// wrap breaks text into lines of at most width runes at spaces; lines after
// the first start with indent.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	for i, para := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := 0
		for j, word := range strings.Fields(para) {
			n := utf8.RuneCountInString(word)
			if j > 0 && line+1+n > width {
				b.WriteString("\n" + indent)
				line = utf8.RuneCountInString(indent)
			} else if j > 0 {
				b.WriteByte(' ')
				line++
			}
			b.WriteString(word)
			line += n
		}
	}
	return b.String()
}
