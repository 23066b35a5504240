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

// offline builds a Brief from the article's own sentences: the summary
// opens with the sentence that sets the scene (extractive.Summarize puts it
// first) and reads in article order. Its facts are
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
	// The opening sentence stays the summary's own unless nothing else is
	// left: as a fact it would be read apart from the scene it sets.
	for i, sent := range ex.Summary {
		if len(facts) >= minFacts {
			break
		}
		if i > 0 || len(ex.Summary) == 1 && len(facts) == 0 {
			facts = append(facts, sent)
		}
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
