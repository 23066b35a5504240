package summarize

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/geobrief/geobrief/corpus"
)

// StorySource is one document of a story and the outlet that published it.
type StorySource struct {
	Doc corpus.Document
	// Outlet names the publisher in the brief ("Reuters"). Empty: the
	// document's Source, else the host of its URL, else its ID.
	Outlet string
	// CopyOf, when set, is the ID of the document this one copies, as the
	// story grouper decided: it is folded into that document when it is
	// among the sources. Copies are found from the texts as well.
	CopyOf string
}

// StoryBrief is the brief of one event told by several sources.
type StoryBrief struct {
	Headline string      `json:"headline"`
	Summary  string      `json:"summary"`
	Facts    []StoryFact `json:"facts"`
	// Disagreements are details the sources state differently, each side
	// quoted from its own source and checked there.
	Disagreements []Disagreement `json:"disagreements,omitempty"`
	// Sources are the distinct sources the brief was made from, in the
	// order they were given to the model; copies of one text are one source
	// (with its Copies).
	Sources []StorySourceInfo `json:"sources"`
	Meta    Meta              `json:"meta"`
}

// StorySourceInfo describes one distinct source of a story.
type StorySourceInfo struct {
	DocID  string `json:"doc_id"`
	Outlet string `json:"outlet"`
	Title  string `json:"title"`
	URL    string `json:"url,omitempty"`
	// Copies are the other documents of the story with (nearly) the same
	// text, such as a wire story republished by other sites. They add no
	// source and no weight.
	Copies []StoryCopy `json:"copies,omitempty"`
}

// StoryCopy is a document recognised as a copy of a source.
type StoryCopy struct {
	DocID  string `json:"doc_id"`
	Outlet string `json:"outlet"`
	URL    string `json:"url,omitempty"`
}

// StoryFact is one key fact of a story and the sources that back it.
type StoryFact struct {
	Text string `json:"text"`
	// Citations are the sources the fact was attributed to, each with its
	// quote and the result of checking that quote against THAT source.
	Citations []Citation `json:"citations"`
	// Verified is true when at least one citation is verified. Unverified
	// facts are never shown; they are kept only for --json, with the Reason.
	Verified bool   `json:"verified"`
	Reason   string `json:"reason,omitempty"`
}

// Citation is a source's words offered in support of a fact.
type Citation struct {
	DocID  string `json:"doc_id"`
	Outlet string `json:"outlet"`
	Quote  string `json:"quote"`
	// Verified: the quote is in this source's text and says what the fact
	// says (the same check as a single document's facts).
	Verified bool   `json:"verified"`
	Reason   string `json:"reason,omitempty"`
}

// Disagreement is a checkable detail the sources state differently.
type Disagreement struct {
	// About says what differs, in a few words ("people killed").
	About string `json:"about"`
	// Sides has one entry per source, at least two, with different values;
	// each quote was found in its own source and states its value.
	Sides []DisagreementSide `json:"sides"`
}

// DisagreementSide is one source's version of a disputed detail.
type DisagreementSide struct {
	Value  string `json:"value"`
	DocID  string `json:"doc_id"`
	Outlet string `json:"outlet"`
	Quote  string `json:"quote"`
}

// String says the disagreement in one line: "Sources differ on people
// killed: 12 (Reuters) / 15 (AP)".
func (d Disagreement) String() string {
	sides := make([]string, len(d.Sides))
	for i, s := range d.Sides {
		sides[i] = fmt.Sprintf("%s (%s)", s.Value, s.Outlet)
	}
	head := "Sources differ"
	if a := strings.TrimSpace(d.About); a != "" {
		head += " on " + a
	}
	return head + ": " + strings.Join(sides, " / ")
}

// VerifiedFacts returns the facts backed by at least one of their sources,
// each with only its verified citations.
func (b StoryBrief) VerifiedFacts() []StoryFact {
	var out []StoryFact
	for _, f := range b.Facts {
		if !f.Verified {
			continue
		}
		g := f
		g.Citations = nil
		for _, c := range f.Citations {
			if c.Verified {
				g.Citations = append(g.Citations, c)
			}
		}
		out = append(out, g)
	}
	return out
}

// ErrNoSources is returned for a story brief asked of no documents.
var ErrNoSources = errors.New("summarize: a story brief needs at least one document")

// storyCheckVersion is part of a story brief's cache key, beside
// factCheckVersion: a change to how citations and disagreements are checked
// must not be hidden by briefs cached under the old rule.
const storyCheckVersion = "story-1"

// StoryBrief summarizes one story from its documents. Copies (near-identical
// texts) count as one source. Each fact carries the sources that support it,
// and each citation is checked against that source's own text; a citation
// whose quote is not in its source is never shown, and a fact with no
// verified citation is never shown. Where sources state a number, date or
// name differently, the brief says so with each side quoted.
//
// With an LLM the brief is cached under the set of distinct sources (their
// content and outlet, in any order), the same request shares one
// generation, sources that do not fit the context are briefed one by one
// and combined, and when the LLM cannot answer, the offline brief stands in
// under the same rules as Brief (Meta.Fallback, Meta.FallbackReason).
func (s *Summarizer) StoryBrief(ctx context.Context, sources []StorySource, opts Options) (StoryBrief, error) {
	if len(sources) == 0 {
		return StoryBrief{}, ErrNoSources
	}
	opts.Length = opts.Length.orDefault()
	srcs := distinctSources(sources)
	if s.llm == nil {
		s.counters.briefsOffline.Add(1)
		return s.offlineStory(srcs, opts), nil
	}
	key := s.storyKey(srcs, opts)
	b, err := generateOnce(ctx, s, &s.stories, key, opts, s.cachedStory,
		func(ctx context.Context) (StoryBrief, error) { return s.generateStory(ctx, srcs, opts) },
		func(ctx context.Context, key string, b StoryBrief) { s.saveStory(ctx, key, srcs[0].doc.ID, b) })
	if err != nil {
		offline := func() StoryBrief { return s.offlineStory(srcs, opts) }
		if b, ok := offlineInstead(ctx, s, err, offline, "story brief",
			slog.String("doc_id", srcs[0].doc.ID), slog.Int("sources", len(srcs))); ok {
			return b, nil
		}
		return StoryBrief{}, fmt.Errorf("summarize story of %s: %w", srcs[0].doc.ID, err)
	}
	// Also from the cache: copies found since it was cached are listed too.
	b.Sources = sourceInfos(srcs)
	return b, nil
}

// ExtractiveStoryBrief is the offline story brief, whatever the
// configuration.
func (s *Summarizer) ExtractiveStoryBrief(sources []StorySource, opts Options) (StoryBrief, error) {
	if len(sources) == 0 {
		return StoryBrief{}, ErrNoSources
	}
	opts.Length = opts.Length.orDefault()
	return s.offlineStory(distinctSources(sources), opts), nil
}

// storyKey is the cache key of a story brief: the distinct sources' content
// hashes and outlets as a set (sorted, so the order the documents come in
// does not matter), the prompts, the model, the length and the check rules.
// Copies do not enter it: a republished copy changes no brief.
func (s *Summarizer) storyKey(srcs []*storySource, opts Options) string {
	return hashKey("story:", sourcesKey(srcs), s.prompts.Version(), s.cfg.Model, string(opts.Length), factCheckVersion, storyCheckVersion)
}

func (s *Summarizer) cachedStory(ctx context.Context, key string) (StoryBrief, bool) {
	return readCache[StoryBrief](ctx, s, key, "story brief")
}

// saveStory stores a story brief under the first source's document, so it
// goes when that document does (a changed source changes the key anyway).
func (s *Summarizer) saveStory(ctx context.Context, key, docID string, b StoryBrief) {
	writeCache(ctx, s, key, docID, "story brief", b)
}
