package summarize

import (
	"strings"

	"github.com/geobrief/geobrief/extractive"
)

// offlineStory builds a story brief from the sources' own sentences
// (extractive.Multi): ranked across the sources, a sentence that several
// sources wrote in nearly the same words counted once and ranked higher,
// each fact attributed to every source that carries it, with that source's
// own wording as its quote. The citations still go through the fact check,
// so a source whose wording lacks a name or number of the fact is not
// credited with it; and the sources' differing counts are reported.
func (s *Summarizer) offlineStory(srcs []*storySource, opts Options) StoryBrief {
	ex := extractive.Multi(extractiveSources(srcs), opts.Length.extractiveOptions())
	b := StoryBrief{
		Headline: ex.Headline,
		Sources:  sourceInfos(srcs),
		Meta:     s.offlineMeta(),
	}
	if b.Headline == "" {
		b.Headline = srcs[0].doc.Title
	}
	var summary []string
	for _, sent := range ex.Summary {
		summary = append(summary, sent.Text)
	}
	b.Summary = strings.Join(summary, " ")
	for _, sent := range padFacts(ex.Facts, ex.Summary) {
		if len(b.Facts) == maxFacts {
			break
		}
		cites := make([]modelCitation, len(sent.Quotes))
		for i, q := range sent.Quotes {
			cites[i] = modelCitation{Source: srcs[q.Source].label, Quote: q.Text}
		}
		b.Facts = append(b.Facts, checkStoryFact(srcs, sent.Text, cites))
	}
	for _, d := range ex.Disagreements {
		var sides []DisagreementSide
		for _, side := range d.Sides {
			src := srcs[side.Source]
			sides = append(sides, DisagreementSide{Value: side.Value, DocID: src.doc.ID, Outlet: src.outlet, Quote: side.Quote})
		}
		b.Disagreements = addDisagreement(b.Disagreements, srcs, d.About, sides)
	}
	b.countFacts()
	return b
}

// multiSummary is the offline story summary alone.
func multiSummary(srcs []*storySource, opts Options) string {
	ex := extractive.Multi(extractiveSources(srcs), extractive.Options{SummarySentences: opts.Length.sentences(), Facts: -1})
	var out []string
	for _, sent := range ex.Summary {
		out = append(out, sent.Text)
	}
	return strings.Join(out, " ")
}

func extractiveSources(srcs []*storySource) []extractive.Source {
	out := make([]extractive.Source, len(srcs))
	for i, s := range srcs {
		out[i] = extractive.Source{Title: s.doc.Title, Body: s.doc.Body}
	}
	return out
}
