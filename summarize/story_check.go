package summarize

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/geobrief/geobrief/extractive"
)

// Checking a story brief. Every citation is checked against the text of the
// source it names, with the single-document fact check (support.go): the
// quote must be in that source and state the fact's numbers, dates and
// names.
//
// A quote cited under the wrong source is not moved to the source it came
// from: the citation is dropped, and its Reason names the source that does
// hold the quote. Which outlet said what is itself a claim of the brief; a
// model that mixed up its sources may have mixed up what it says of them,
// so the fact stands only on a citation the model got right. A fact with no
// verified citation is never shown, exactly as for a single document.

// maxDisagreements bounds the disagreements of one brief.
const maxDisagreements = 5

// assembleStory turns the model's story brief into a StoryBrief, checking
// every citation, every side of every disagreement and the summary.
func (s *Summarizer) assembleStory(srcs []*storySource, ms modelStory, opts Options) StoryBrief {
	b := StoryBrief{
		Headline: ms.Headline,
		Summary:  ms.Summary,
		Sources:  sourceInfos(srcs),
		Meta:     Meta{PromptVersion: s.prompts.Version(), CreatedAt: s.cfg.Now().UTC()},
	}
	seen := map[string]bool{}
	for _, f := range ms.KeyFacts {
		if len(b.Facts) == maxFacts {
			break
		}
		cites := f.Sources
		// The same first quote twice is one fact told twice.
		if len(cites) > 0 {
			if q := quoteKey(cites[0].Quote); q != "" {
				if seen[q] {
					continue
				}
				seen[q] = true
			}
		}
		b.Facts = append(b.Facts, checkStoryFact(srcs, f.Fact, cites))
	}
	for _, d := range ms.Disagreements {
		var sides []DisagreementSide
		for _, side := range d.Sides {
			src := bySource(srcs, side.Source)
			if src == nil {
				continue
			}
			sides = append(sides, DisagreementSide{Value: strings.TrimSpace(side.Value), DocID: src.doc.ID, Outlet: src.outlet, Quote: strings.TrimSpace(side.Quote)})
		}
		b.Disagreements = addDisagreement(b.Disagreements, srcs, strings.TrimSpace(d.About), sides)
	}
	// The numbers the sources state differently are found in their text as
	// well: a model that picked one value silently must not hide the other.
	b.Disagreements = addOfflineDisagreements(b.Disagreements, srcs)
	s.checkStorySummary(&b, srcs, opts)
	b.countFacts()
	return b
}

// checkStoryFact checks each citation against its own source. One citation
// per source: a second quote from the same source adds nothing to show.
func checkStoryFact(srcs []*storySource, text string, cites []modelCitation) StoryFact {
	f := StoryFact{Text: strings.TrimSpace(text)}
	cited := map[*storySource]bool{}
	for _, c := range cites {
		src := bySource(srcs, c.Source)
		if src == nil {
			f.Citations = append(f.Citations, Citation{Quote: c.Quote, Reason: fmt.Sprintf("the story has no source %q", c.Source)})
			continue
		}
		if cited[src] {
			continue
		}
		cited[src] = true
		cf := src.checker().fact(f.Text, c.Quote)
		cite := Citation{DocID: src.doc.ID, Outlet: src.outlet, Quote: c.Quote, Verified: cf.Verified, Reason: cf.Reason}
		if !cf.Verified && strings.TrimSpace(c.Quote) != "" && !src.checker().g.supports(c.Quote) {
			cite.Reason = fmt.Sprintf("the quote is not in %s's text", src.outlet)
			if other := holder(srcs, src, c.Quote); other != nil {
				cite.Reason += fmt.Sprintf(" (it is in %s's, which the fact does not cite for it)", other.outlet)
			}
		}
		f.Citations = append(f.Citations, cite)
	}
	for _, c := range f.Citations {
		f.Verified = f.Verified || c.Verified
	}
	switch {
	case len(f.Citations) == 0:
		f.Reason = "no source was cited"
	case !f.Verified:
		f.Reason = "no cited source backs it: " + f.Citations[0].Reason
	}
	return f
}

// holder is another source whose text holds quote, or nil.
func holder(srcs []*storySource, not *storySource, quote string) *storySource {
	for _, s := range srcs {
		if s != not && s.checker().g.supports(quote) {
			return s
		}
	}
	return nil
}

// addDisagreement keeps the sides whose quote is in their own source and
// states their value, one side per source, and adds the disagreement when
// at least two sources remain with different values and no disagreement
// already says the same.
func addDisagreement(ds []Disagreement, srcs []*storySource, about string, sides []DisagreementSide) []Disagreement {
	if len(ds) == maxDisagreements {
		return ds
	}
	var kept []DisagreementSide
	seen := map[string]bool{}
	values := map[string]bool{}
	for _, side := range sides {
		src := bySource(srcs, side.DocID)
		if src == nil || seen[side.DocID] || side.Value == "" || !sideHolds(src, side) {
			continue
		}
		seen[side.DocID] = true
		values[valueKey(side.Value)] = true
		kept = append(kept, side)
	}
	if len(kept) < 2 || len(values) < 2 {
		return ds
	}
	d := Disagreement{About: about, Sides: kept}
	for _, old := range ds {
		if sameDisagreement(old, d) {
			return ds
		}
	}
	return append(ds, d)
}

// sideHolds reports whether a side's quote is in its source and states its
// value: the value's numbers, dates and names are in the quote, or the
// value is written in it word for word.
func sideHolds(src *storySource, side DisagreementSide) bool {
	c := src.checker()
	if !c.g.supports(side.Quote) {
		return false
	}
	if strings.Contains(" "+normalize(side.Quote)+" ", " "+strings.Trim(normalize(side.Value), quoteTrim)+" ") {
		return true
	}
	details := extractDetails(side.Value, c.common)
	return len(details) > 0 && len(c.missing(details, newPassage(tokenize(side.Quote)))) == 0
}

// valueKey compares values: the first number when there is one ("12" and
// "12 people" are one value), else the folded text.
func valueKey(v string) string {
	if ns := scanNumbers(tokenize(v), true); len(ns) > 0 {
		return strconv.FormatFloat(ns[0].value, 'g', -1, 64)
	}
	return strings.Trim(normalize(v), quoteTrim)
}

func sameDisagreement(a, b Disagreement) bool {
	if len(a.Sides) != len(b.Sides) {
		return false
	}
	key := func(d Disagreement) map[string]bool {
		m := map[string]bool{}
		for _, s := range d.Sides {
			m[s.DocID+"\x00"+valueKey(s.Value)] = true
		}
		return m
	}
	ka, kb := key(a), key(b)
	for k := range ka {
		if !kb[k] {
			return false
		}
	}
	return true
}

// addOfflineDisagreements adds the counts that the sources' own text states
// differently (extractive.NumberDisagreements), checked like the model's.
func addOfflineDisagreements(ds []Disagreement, srcs []*storySource) []Disagreement {
	if len(srcs) < 2 {
		return ds
	}
	for _, d := range extractive.NumberDisagreements(extractiveSources(srcs)) {
		var sides []DisagreementSide
		for _, side := range d.Sides {
			src := srcs[side.Source]
			sides = append(sides, DisagreementSide{Value: side.Value, DocID: src.doc.ID, Outlet: src.outlet, Quote: side.Quote})
		}
		ds = addDisagreement(ds, srcs, d.About, sides)
	}
	return ds
}

// checkStorySummary drops the summary sentences stating a number, date or
// name that no source contains. When none is left, the offline story
// summary (sentences of the sources) stands in.
func (s *Summarizer) checkStorySummary(b *StoryBrief, srcs []*storySource, opts Options) {
	var all []string
	for _, src := range srcs {
		all = append(all, src.doc.Title, src.doc.Body)
	}
	c := newFactChecker("", strings.Join(all, "\n"))
	var keep []string
	var dropped []DroppedSentence
	for _, sent := range extractive.Sentences(b.Summary) {
		if missing := c.missing(extractDetails(sent, c.common), c.article); len(missing) > 0 {
			dropped = append(dropped, DroppedSentence{Sentence: sent, Reason: "no source says " + strings.Join(missing, ", ")})
			continue
		}
		keep = append(keep, sent)
	}
	b.Meta.SummaryDropped = dropped
	switch {
	case len(dropped) == 0:
	case len(keep) > 0:
		b.Summary = strings.Join(keep, " ")
	default:
		b.Summary = multiSummary(srcs, opts)
		b.Meta.SummaryReplaced = true
	}
}

func (b *StoryBrief) countFacts() {
	b.Meta.setFactCounts(len(b.Facts), func(i int) bool { return b.Facts[i].Verified })
}
