package extractive

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Options changes how much Summarize returns. Zero values take the defaults.
type Options struct {
	// SummarySentences is how many sentences the summary has; default 3.
	SummarySentences int
	// Facts is how many key facts to return; default 5. Negative means none.
	Facts int
	// Tuning overrides the ranking parameters; nil uses DefaultTuning. It
	// exists so that cmd/evalsummary can measure alternatives.
	Tuning *Tuning
}

const (
	defaultSummarySentences = 3
	defaultFacts            = 5
	maxHeadline             = 100
	maxEntities             = 10
)

// Summary is an extractive brief of one article. Every sentence in Summary
// and Facts is verbatim text of the body, so a fact's quote is the fact.
type Summary struct {
	Headline string
	// Summary holds the best-ranked sentences in article order.
	Summary []string
	// Facts holds the next best informative sentences, in article order,
	// none of them also in Summary.
	Facts         []string
	People        []string
	Places        []string
	Organizations []string
}

// Summarize picks the summary and key facts of an article and the people,
// places and organizations it names. title may be empty.
func Summarize(title, body string, opts Options) Summary {
	if opts.SummarySentences <= 0 {
		opts.SummarySentences = defaultSummarySentences
	}
	if opts.Facts < 0 {
		opts.Facts = 0
	} else if opts.Facts == 0 {
		opts.Facts = defaultFacts
	}
	title = strings.TrimSpace(title)
	sents := Sentences(body)
	doc := newDocument(title, sents)
	tuning := DefaultTuning()
	if opts.Tuning != nil {
		tuning = *opts.Tuning
	}
	scores := doc.rank(tuning)
	damp := tuning.DanglingPenalty
	for i, u := range doc.units {
		if i > 0 && opensDangling(u.text) {
			// "His visit was the third..." read alone leaves the reader asking
			// whose: prefer a sentence that stands on its own.
			scores[i] *= 1 - damp
		}
	}

	summary := doc.selectMMR(scores, opts.SummarySentences, nil, tuning.MMRLambda, func(i int) bool {
		return !doc.units[i].boilerplate && (!doc.units[i].short || doc.longCount() < opts.SummarySentences)
	})
	facts := doc.selectFacts(scores, opts.Facts, summary)

	out := Summary{
		Headline: title,
		Summary:  doc.texts(summary),
		Facts:    doc.texts(facts),
	}
	if out.Headline == "" {
		out.Headline = headlineFrom(doc, scores)
	}
	ents := extractEntities(title, sents)
	out.People, out.Places, out.Organizations = ents.people, ents.places, ents.orgs
	return out
}

// Tuning holds the ranking parameters. A sentence scores
// Centroid·cos(sentence, centroid) + Title·(share of title terms)
// + Position/(1+i)^PositionDecay, where i counts body sentences; selection
// then trades score against redundancy by maximal marginal relevance.
type Tuning struct {
	Centroid      float64 // similarity to the document's TF-IDF centroid
	Title         float64 // share of the title's terms in the sentence
	Position      float64 // weight of the lead prior
	PositionDecay float64 // exponent of the lead prior
	MMRLambda     float64 // 1 is pure score, lower favours novelty
	// MinWords scales down sentences shorter than this many words.
	MinWords float64
	// DanglingPenalty scales down (by this share) a sentence, other than the
	// first, that opens with a pronoun or connective pointing back at the
	// previous sentence, since summaries are read out of context.
	DanglingPenalty float64
}

// DefaultTuning returns the parameters chosen by cmd/evalsummary -tune on the
// BBC News Summary sample (see BENCHMARKS.md). On that data the lead prior
// and the title bonus did not help once short sentences were damped, so both
// are off; they stay available for other kinds of text.
func DefaultTuning() Tuning {
	return Tuning{Centroid: 1, Title: 0, Position: 0, PositionDecay: 0.3, MMRLambda: 0.85, MinWords: 12, DanglingPenalty: 0.1}
}

// unit is one sentence of the body with what ranking needs.
type unit struct {
	text        string
	terms       []int  // content term ids, in order
	vec         vector // TF-IDF, unit length
	words       int
	short       bool // a heading, a subheading or a dateline
	boilerplate bool // an attribution or a call to action
}

// vector is a sparse vector sorted by term id.
type vector []entry

type entry struct {
	id int
	w  float64
}

type document struct {
	title     []int // distinct title term ids
	units     []unit
	terms     int // number of distinct terms
	longUnits int
}

func newDocument(title string, sents []string) *document {
	d := &document{}
	ids := map[string]int{}
	intern := func(ts []string) []int {
		out := make([]int, len(ts))
		for i, t := range ts {
			id, ok := ids[t]
			if !ok {
				id = len(ids)
				ids[t] = id
			}
			out[i] = id
		}
		return out
	}
	d.title = uniqInts(intern(contentTerms(title)))
	for _, s := range sents {
		ws := words(s)
		u := unit{text: s, terms: intern(contentWords(ws)), words: len(ws)}
		u.short = u.words < 6 || !endsSentence(s) && u.words < 10
		u.boilerplate = isBoilerplate(s)
		d.units = append(d.units, u)
		if !u.short {
			d.longUnits++
		}
	}
	d.terms = len(ids)
	df := make([]int, d.terms)
	tf := make([]float64, d.terms)
	for _, u := range d.units {
		for _, t := range uniqInts(u.terms) {
			df[t]++
		}
	}
	n := float64(len(sents))
	for i := range d.units {
		u := &d.units[i]
		for _, t := range u.terms {
			tf[t]++
		}
		var norm float64
		for _, t := range uniqInts(u.terms) {
			w := (1 + math.Log(tf[t])) * math.Log(1+n/float64(df[t]))
			tf[t] = 0
			u.vec = append(u.vec, entry{t, w})
			norm += w * w
		}
		sort.Slice(u.vec, func(a, b int) bool { return u.vec[a].id < u.vec[b].id })
		if norm > 0 {
			norm = math.Sqrt(norm)
			for k := range u.vec {
				u.vec[k].w /= norm
			}
		}
	}
	return d
}

func (d *document) longCount() int { return d.longUnits }

// rank scores every unit; higher is better. Scores are in [0, 1].
func (d *document) rank(w Tuning) []float64 {
	centroid := make([]float64, d.terms)
	for _, u := range d.units {
		for _, e := range u.vec {
			centroid[e.id] += e.w
		}
	}
	var cnorm float64
	for _, v := range centroid {
		cnorm += v * v
	}
	cnorm = math.Sqrt(cnorm)
	inTitle := make([]bool, d.terms)
	for _, t := range d.title {
		inTitle[t] = true
	}

	scores := make([]float64, len(d.units))
	pos := 0
	for i, u := range d.units {
		var c float64
		if cnorm > 0 {
			for _, e := range u.vec {
				c += e.w * centroid[e.id]
			}
			c /= cnorm
		}
		var ts float64
		if len(d.title) > 0 {
			hits := 0
			for _, e := range u.vec {
				if inTitle[e.id] {
					hits++
				}
			}
			ts = float64(hits) / float64(len(d.title))
		}
		p := 1 / math.Pow(float64(1+pos), w.PositionDecay)
		s := w.Centroid*c + w.Title*ts + w.Position*p
		if float64(u.words) < w.MinWords {
			s *= float64(u.words) / w.MinWords
		}
		if u.short || u.boilerplate {
			s *= 0.2
		} else {
			pos++
		}
		scores[i] = s
	}
	var max float64
	for _, s := range scores {
		max = math.Max(max, s)
	}
	if max > 0 {
		for i := range scores {
			scores[i] /= max
		}
	}
	return scores
}

// selectMMR picks k units by maximal marginal relevance, skipping those in
// exclude and those ok rejects. It returns indices in article order.
func (d *document) selectMMR(scores []float64, k int, exclude []int, lambda float64, ok func(int) bool) []int {
	taken := make([]bool, len(d.units))
	for _, i := range exclude {
		taken[i] = true
	}
	var picked []int
	red := make([]float64, len(d.units)) // max similarity to anything picked
	for len(picked) < k {
		best, bestVal := -1, math.Inf(-1)
		for i := range d.units {
			if taken[i] || !ok(i) {
				continue
			}
			if v := lambda*scores[i] - (1-lambda)*red[i]; v > bestVal {
				best, bestVal = i, v
			}
		}
		if best < 0 {
			break
		}
		taken[best] = true
		picked = append(picked, best)
		for i := range d.units {
			if !taken[i] {
				red[i] = math.Max(red[i], cosine(d.units[i].vec, d.units[best].vec))
			}
		}
	}
	sort.Ints(picked)
	return picked
}

// selectFacts picks up to k informative units not in summary and not
// near-duplicates of anything already chosen.
func (d *document) selectFacts(scores []float64, k int, summary []int) []int {
	if k == 0 {
		return nil
	}
	taken := make([]bool, len(d.units))
	for _, i := range summary {
		taken[i] = true
	}
	type cand struct {
		i int
		v float64
	}
	var cands []cand
	for i, u := range d.units {
		if taken[i] || u.short || u.boilerplate || u.words < 8 {
			continue
		}
		cands = append(cands, cand{i, scores[i]})
	}
	// Only the best-scored candidates can win once informativeness (at most
	// doubling a score) is counted; weighing just those keeps long
	// articles fast.
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].v > cands[b].v })
	cands = cands[:min(len(cands), 4*k+20)]
	for n := range cands {
		cands[n].v *= 1 + informativeness(d.units[cands[n].i].text)
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].v > cands[b].v })
	chosen := append([]int(nil), summary...)
	var facts []int
	for _, c := range cands {
		if len(facts) == k {
			break
		}
		dup := false
		for _, j := range chosen {
			if cosine(d.units[c.i].vec, d.units[j].vec) > 0.6 || d.units[c.i].text == d.units[j].text {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		chosen = append(chosen, c.i)
		facts = append(facts, c.i)
	}
	sort.Ints(facts)
	return facts
}

// informativeness is a bonus in [0, 1] for sentences that carry checkable
// facts: numbers, dates, names and direct quotes.
func informativeness(s string) float64 {
	var b float64
	if strings.IndexFunc(s, unicode.IsDigit) >= 0 {
		b += 0.3
	}
	if strings.ContainsAny(s, "\"“”") {
		b += 0.2
	}
	caps, date := 0, false
	for i, w := range strings.Fields(s) {
		r, _ := utf8.DecodeRuneInString(w)
		if i == 0 || !unicode.IsUpper(r) {
			continue
		}
		caps++
		if !date && len(w) <= 10 {
			w = strings.ToLower(strings.TrimRight(w, ".,;:"))
			date = months[w] || monthNames[w]
		}
	}
	if date {
		b += 0.1
	}
	b += math.Min(float64(caps)*0.1, 0.4)
	return math.Min(b, 1)
}

var monthNames = setOf("january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

func (d *document) texts(idx []int) []string {
	out := make([]string, 0, len(idx))
	for _, i := range idx {
		out = append(out, d.units[i].text)
	}
	return out
}

// headlineFrom returns the best sentence shortened at a word boundary.
func headlineFrom(d *document, scores []float64) string {
	best := -1
	for i, u := range d.units {
		if u.boilerplate {
			continue
		}
		if best < 0 || scores[i] > scores[best] {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return shorten(d.units[best].text, maxHeadline)
}

// shorten cuts s at a word boundary so that it has at most max runes,
// ending with "…" when something was cut.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	cut := max - 1 // room for the ellipsis
	end := cut
	for end > 0 && !unicode.IsSpace(rs[end]) {
		end--
	}
	if end == 0 {
		end = cut
	}
	head := strings.TrimRightFunc(string(rs[:end]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"' && r != '”'
	})
	return head + "…"
}

var boilerplatePrefixes = []string{
	"(with inputs", "with inputs from", "(reporting by", "reporting by", "editing by", "additional reporting",
	"(additional reporting", "writing by", "copyright", "all rights reserved", "click here", "read more",
	"follow us", "subscribe", "sign up", "share this", "related:", "advertisement", "image caption",
	"image source", "media caption", "getty images", "photo:", "file photo",
}

// isBoilerplate reports attributions and calls to action that are never
// summary material.
func isBoilerplate(s string) bool {
	low := strings.ToLower(strings.TrimSpace(s))
	for _, p := range boilerplatePrefixes {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	return strings.HasPrefix(low, "(") && strings.HasSuffix(low, ")") && len(low) < 80
}

func cosine(a, b vector) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id < b[j].id:
			i++
		case a[i].id > b[j].id:
			j++
		default:
			s += a[i].w * b[j].w
			i++
			j++
		}
	}
	return s
}

func uniqInts(ts []int) []int {
	out := make([]int, 0, len(ts))
	if len(ts) > 32 {
		seen := make(map[int]bool, len(ts))
		for _, t := range ts {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
		return out
	}
	for i, t := range ts {
		if !slices.Contains(ts[:i], t) {
			out = append(out, t)
		}
	}
	return out
}

// danglingOpeners are first words that lean on the sentence before.
var danglingOpeners = map[string]bool{
	"he": true, "she": true, "it": true, "they": true, "his": true, "her": true, "its": true, "their": true,
	"this": true, "these": true, "that": true, "those": true, "but": true, "however,": true, "also,": true,
	"and": true, "meanwhile,": true, "there,": true, "him": true, "them": true,
}

func opensDangling(s string) bool {
	s = strings.TrimLeft(s, "\"'“‘([ ")
	first, _, _ := strings.Cut(s, " ")
	return danglingOpeners[strings.ToLower(first)]
}
