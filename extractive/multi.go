package extractive

import (
	"math"
	"sort"
	"strings"
)

// Source is one article of a multi-document summary.
type Source struct {
	Title, Body string
}

// Quote is a sentence as one source wrote it.
type Quote struct {
	Source int    // index into the sources given to Multi
	Text   string // verbatim sentence of that source's body
}

// Sentence is one thing the sources say, with every source that says it in
// (nearly) the same words. Quotes[0] is the best-ranked wording; Text is it.
type Sentence struct {
	Text   string
	Quotes []Quote
}

// Sources lists the distinct sources of the sentence, in order of Quotes.
func (s Sentence) Sources() []int {
	out := make([]int, 0, len(s.Quotes))
	for _, q := range s.Quotes {
		out = append(out, q.Source)
	}
	return out
}

// Side is one source's version of a disputed detail.
type Side struct {
	Source int
	Value  string // the number as written, with the word it counts: "12 people"
	Quote  string // the verbatim sentence of that source holding it
}

// Disagreement is a detail the sources state differently: numbers that
// count the same thing in the same context ("killed 12 people" against
// "killed 15 people").
type Disagreement struct {
	// About names the context in a few of the sources' words: "killed people".
	About string
	// Sides holds one entry per source, at least two, with at least two
	// different values among them.
	Sides []Side
}

// MultiSummary is an extractive brief of several articles about one event.
type MultiSummary struct {
	Headline      string
	Summary       []Sentence
	Facts         []Sentence
	Disagreements []Disagreement
}

// Multi summarizes several sources about one event. Each source's sentences
// are ranked as Summarize ranks them; then sentences that different sources
// wrote in nearly the same words are one sentence, counted once and ranked
// higher for every source that carries it (what several outlets report is
// the core of the story), never repeated. Every sentence keeps the verbatim
// wording of each source that carries it, so that a fact can be attributed
// to each of them with its own quote.
//
// Sources should be distinct articles, not copies of one: a copy would count
// as agreement.
func Multi(sources []Source, opts Options) MultiSummary {
	opts = opts.withDefaults()
	tuning := *opts.Tuning
	var out MultiSummary
	cands := multiCandidates(sources, tuning)
	groups := groupNearCopies(cands)
	summary := pickSummary(groups, opts.SummarySentences, tuning.MMRLambda)
	facts := pickFacts(groups, opts.Facts, summary)
	for _, g := range summary {
		out.Summary = append(out.Summary, g.sentence())
	}
	for _, g := range facts {
		out.Facts = append(out.Facts, g.sentence())
	}
	out.Headline = multiHeadline(sources, groups)
	out.Disagreements = NumberDisagreements(sources)
	return out
}

// candidate is one rankable sentence of one source.
type candidate struct {
	source  int
	pos     int // index among the source's choosable sentences
	text    string
	terms   map[string]bool
	score   float64 // the single-document score, in [0, 1]
	words   int
	opener  bool // the sentence that sets the scene of its source
	fact    bool // long enough and standing alone: may be a key fact
	summary bool // may be a summary sentence
}

func multiCandidates(sources []Source, tuning Tuning) []candidate {
	var out []candidate
	for si, src := range sources {
		doc := newDocument(strings.TrimSpace(src.Title), Sentences(src.Body))
		scores := doc.rank(tuning)
		pos, opened := 0, false
		for i, u := range doc.units {
			if u.furniture || u.short {
				continue
			}
			c := candidate{source: si, pos: pos, text: u.text, score: scores[i], words: u.words, terms: map[string]bool{}}
			for _, t := range contentTerms(u.text) {
				c.terms[t] = true
			}
			pos++
			// Sentences leaning on the one before cannot stand in a summary
			// made of several articles: the sentence before is not there.
			c.summary = !u.dangling
			c.fact = !u.dangling && u.words >= 8
			if !opened && c.summary {
				c.opener, opened = true, true
			}
			out = append(out, c)
		}
	}
	return out
}

// group is a sentence and its near-copies in other sources.
type group struct {
	members []candidate // best-scored first; at most one per source
	score   float64
	terms   map[string]bool
	opener  bool
}

func (g *group) sentence() Sentence {
	s := Sentence{Text: g.members[0].text}
	for _, m := range g.members {
		s.Quotes = append(s.Quotes, Quote{Source: m.source, Text: m.text})
	}
	return s
}

// nearCopy is the share of shared content terms (Jaccard) above which two
// sentences of different sources say the same thing in nearly the same
// words. Rewrites that share a few names stay apart.
const nearCopy = 0.6

// agreementBoost is what each further source carrying a sentence adds to
// its score, as a share of the score.
const agreementBoost = 0.25

// groupNearCopies joins each sentence with its near-copies in other sources,
// best-scored first, so that every group's first member is its best wording.
func groupNearCopies(cands []candidate) []*group {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cands[order[a]].score > cands[order[b]].score })
	var groups []*group
	for _, i := range order {
		c := cands[i]
		var home *group
		for _, g := range groups {
			if g.has(c.source) {
				continue
			}
			if jaccard(c.terms, g.members[0].terms) >= nearCopy {
				home = g
				break
			}
		}
		if home == nil {
			groups = append(groups, &group{members: []candidate{c}, terms: c.terms})
			continue
		}
		home.members = append(home.members, c)
	}
	for _, g := range groups {
		best := g.members[0]
		g.score = best.score * (1 + agreementBoost*float64(len(g.members)-1))
		for _, m := range g.members {
			g.opener = g.opener || m.opener
		}
	}
	sort.SliceStable(groups, func(a, b int) bool { return groups[a].score > groups[b].score })
	return groups
}

func (g *group) has(source int) bool {
	for _, m := range g.members {
		if m.source == source {
			return true
		}
	}
	return false
}

// pickSummary opens with the best-ranked sentence that sets the scene of a
// source, then completes k sentences by maximal marginal relevance.
func pickSummary(groups []*group, k int, lambda float64) []*group {
	var picked []*group
	for _, g := range groups {
		if g.opener && g.members[0].summary {
			picked = append(picked, g)
			break
		}
	}
	for len(picked) < k {
		var best *group
		bestVal := math.Inf(-1)
		for _, g := range groups {
			if contains(picked, g) || !g.members[0].summary {
				continue
			}
			if v := lambda*g.score - (1-lambda)*maxSimilarity(g, picked); v > bestVal {
				best, bestVal = g, v
			}
		}
		if best == nil {
			break
		}
		picked = append(picked, best)
	}
	return picked
}

// pickFacts takes the best informative sentences not in the summary and not
// too close to anything chosen.
func pickFacts(groups []*group, k int, summary []*group) []*group {
	type cand struct {
		g *group
		v float64
	}
	var cands []cand
	for _, g := range groups {
		if contains(summary, g) || !g.members[0].fact {
			continue
		}
		cands = append(cands, cand{g, g.score * (1 + informativeness(g.members[0].text))})
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].v > cands[b].v })
	chosen := append([]*group(nil), summary...)
	var facts []*group
	for _, c := range cands {
		if len(facts) == k {
			break
		}
		if maxSimilarity(c.g, chosen) > 0.5 {
			continue
		}
		chosen = append(chosen, c.g)
		facts = append(facts, c.g)
	}
	return facts
}

func contains(gs []*group, g *group) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

func maxSimilarity(g *group, others []*group) float64 {
	var m float64
	for _, o := range others {
		m = math.Max(m, jaccard(g.terms, o.terms))
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	shared := 0
	for t := range a {
		if b[t] {
			shared++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

// multiHeadline is the title that shares most words with the other titles
// (the one closest to what all sources call the event), else the best
// sentence shortened.
func multiHeadline(sources []Source, groups []*group) string {
	best, bestVal := -1, -1.0
	titles := make([]map[string]bool, len(sources))
	for i, s := range sources {
		titles[i] = map[string]bool{}
		for _, t := range contentTerms(s.Title) {
			titles[i][t] = true
		}
	}
	for i, s := range sources {
		if strings.TrimSpace(s.Title) == "" {
			continue
		}
		var v float64
		for j := range sources {
			if j != i {
				v += jaccard(titles[i], titles[j])
			}
		}
		if v > bestVal {
			best, bestVal = i, v
		}
	}
	if best >= 0 {
		return shorten(strings.Join(strings.Fields(sources[best].Title), " "), maxHeadline)
	}
	if len(groups) > 0 {
		return shorten(groups[0].members[0].text, maxHeadline)
	}
	return ""
}
