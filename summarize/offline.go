package summarize

import (
	"strings"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/extractive"
)

// ExtractiveBrief is the offline Brief of doc, whatever the configuration:
// what a caller falls back on when the LLM cannot summarize this document.
func (s *Summarizer) ExtractiveBrief(doc corpus.Document, opts Options) Brief {
	opts.Length = opts.Length.orDefault()
	return s.offline(doc, opts)
}

// offline builds a Brief from the article's own sentences. Its facts are
// article sentences, so they are verified by construction; they still go
// through the grounder so the count means the same thing everywhere.
func (s *Summarizer) offline(doc corpus.Document, opts Options) Brief {
	ex := extractive.Summarize(doc.Title, doc.Body, extractive.Options{
		SummarySentences: opts.Length.sentences(),
		Facts:            opts.Length.facts(),
	})
	check := newFactChecker(doc.Title, doc.Body)
	b := Brief{
		DocID:         doc.ID,
		Headline:      ex.Headline,
		Summary:       strings.Join(ex.Summary, " "),
		People:        cleanNames(ex.People),
		Places:        cleanNames(ex.Places),
		Organizations: cleanNames(ex.Organizations),
		Meta: Meta{
			Model:         OfflineModel,
			Offline:       true,
			Parts:         1,
			PromptVersion: s.prompts.Version(),
			CreatedAt:     s.cfg.Now().UTC(),
		},
	}
	if b.Headline == "" {
		b.Headline = doc.Title
	}
	facts := ex.Facts
	// A short article has few sentences beyond its summary; a Brief with no
	// facts at all helps nobody, so its summary sentences serve as facts too.
	for _, sent := range ex.Summary {
		if len(facts) >= minFacts {
			break
		}
		facts = append(facts, sent)
	}
	for _, sent := range facts {
		if len(b.Facts) == maxFacts {
			break
		}
		b.Facts = append(b.Facts, check.fact(sent, sent))
	}
	check.checkSummary(&b, opts.Length.sentences())
	b.countFacts()
	return b
}
