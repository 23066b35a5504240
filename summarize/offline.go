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
	ex := extractive.Summarize(doc.Title, doc.Body, opts.Length.extractiveOptions())
	check := newFactChecker(doc.Title, doc.Body)
	b := Brief{
		DocID:         doc.ID,
		Headline:      ex.Headline,
		Summary:       strings.Join(ex.Summary, " "),
		People:        cleanNames(ex.People),
		Places:        cleanNames(ex.Places),
		Organizations: cleanNames(ex.Organizations),
		Meta:          s.offlineMeta(),
	}
	if b.Headline == "" {
		b.Headline = doc.Title
	}
	for _, sent := range padFacts(ex.Facts, ex.Summary) {
		if len(b.Facts) == maxFacts {
			break
		}
		b.Facts = append(b.Facts, check.fact(sent, sent))
	}
	check.checkSummary(&b, opts.Length.sentences())
	b.countFacts()
	return b
}

// extractiveOptions asks the extractive summarizer for the summary and fact
// counts of this length, for one document and for a story alike.
func (l Length) extractiveOptions() extractive.Options {
	return extractive.Options{SummarySentences: l.sentences(), Facts: l.facts()}
}

// offlineMeta is the Meta of a brief made without the LLM, single-document
// or story: one part, the offline model, made now.
func (s *Summarizer) offlineMeta() Meta {
	return Meta{
		Model:         OfflineModel,
		Offline:       true,
		Parts:         1,
		PromptVersion: s.prompts.Version(),
		CreatedAt:     s.cfg.Now().UTC(),
	}
}

// padFacts tops up an offline brief's facts with its summary sentences
// when there are fewer than minFacts. A short article (or story) has few
// sentences beyond its summary, and a brief with no facts at all helps
// nobody. The opening sentence stays the summary's own unless nothing else
// is left: as a fact it would be read apart from the scene it sets. S is a
// plain sentence for one document, a sentence with its sources' quotes for
// a story.
func padFacts[S any](facts, summary []S) []S {
	for i, sent := range summary {
		if len(facts) >= minFacts {
			break
		}
		if i > 0 || len(summary) == 1 && len(facts) == 0 {
			facts = append(facts, sent)
		}
	}
	return facts
}
