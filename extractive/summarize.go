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

// withDefaults fills in what the caller left unset, the same way for one
// article (Summarize) and for a story (Multi): the default counts, no facts
// for a negative Facts, and DefaultTuning. Tuning is never nil after it.
func (o Options) withDefaults() Options {
	if o.SummarySentences <= 0 {
		o.SummarySentences = defaultSummarySentences
	}
	if o.Facts < 0 {
		o.Facts = 0
	} else if o.Facts == 0 {
		o.Facts = defaultFacts
	}
	if o.Tuning == nil {
		t := DefaultTuning()
		o.Tuning = &t
	}
	return o
}

// Summary is an extractive brief of one article. Every sentence in Summary
// and Facts is verbatim text of the body, so a fact's quote is the fact.
type Summary struct {
	Headline string
	// Summary holds, in article order, the sentence that sets the scene and
	// then the best-ranked sentences; never page furniture.
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
//
// The summary opens with the sentence that sets the scene: the first
// sentence of the article that is neither page furniture nor a heading and
// does not lean on a sentence before it. The rest are the best-ranked
// sentences, and one that leans on the sentence before it ("But ...",
// "He ...") is taken only right after that sentence.
func Summarize(title, body string, opts Options) Summary {
	opts = opts.withDefaults()
	title = strings.TrimSpace(title)
	doc := newDocument(title, Sentences(body))
	tuning := *opts.Tuning
	scores := doc.rank(tuning)
	summary := doc.selectSummary(scores, opts.SummarySentences, tuning)
	facts := doc.selectFacts(scores, opts.Facts, summary)

	out := Summary{
		Headline: title,
		Summary:  doc.texts(summary),
		Facts:    doc.texts(facts),
	}
	if out.Headline == "" {
		out.Headline = headlineFrom(doc, scores)
	}
	ents := extractEntities(title, doc.allTexts())
	out.People, out.Places, out.Organizations = ents.people, ents.places, ents.orgs
	return out
}

// Tuning holds the ranking parameters. A sentence scores
// Centroid·cos(sentence, centroid) + Title·(share of title terms)
// + Position/(1+i)^PositionDecay + Forward·(mean similarity to the
// sentences after it) − Backward·(mean similarity to those before it),
// where i counts body sentences. That forward-minus-backward centrality is
// PacSum's (Zheng and Lapata, 2019): in news, a sentence that later
// sentences elaborate on is a lead-like sentence. Selection then trades
// score against redundancy by maximal marginal relevance.
type Tuning struct {
	Centroid      float64 // similarity to the document's TF-IDF centroid
	Title         float64 // share of the title's terms in the sentence
	Position      float64 // weight of the lead prior
	PositionDecay float64 // exponent of the lead prior
	Forward       float64 // weight of the mean similarity to later sentences
	Backward      float64 // weight taken off for mean similarity to earlier ones
	MMRLambda     float64 // 1 is pure score, lower favours novelty
	// MinWords scales down sentences shorter than this many words.
	MinWords float64
	// DanglingPenalty scales down (by this share) a sentence, other than the
	// first, that opens with a pronoun or connective pointing back at the
	// previous sentence, since facts are read out of context too.
	DanglingPenalty float64
}

// DefaultTuning returns the parameters chosen by cmd/evalsummary -tune on the
// BBC News Summary and CNN/Daily Mail samples together (see BENCHMARKS.md).
func DefaultTuning() Tuning {
	return Tuning{Centroid: 1, Position: 1, PositionDecay: 1, Forward: 3, Backward: 3, MMRLambda: 0.7, MinWords: 8, DanglingPenalty: 0.1}
}

// unit is one sentence of the body with what ranking needs.
type unit struct {
	text      string
	terms     []int  // content term ids, in order
	vec       vector // TF-IDF, unit length
	words     int
	short     bool // a heading, a subheading or a dateline
	furniture bool // a caption, byline, prompt or attribution: never chosen
	dangling  bool // opens by leaning on the sentence before
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
	var pieces []piece
	for _, s := range sents {
		pieces = append(pieces, splitFurniture(s)...)
	}
	ended, text := 0, 0
	for _, p := range pieces {
		if !p.furniture {
			text++
			if endsSentence(p.text) {
				ended++
			}
		}
	}
	// In prose where nearly every unit ends with a full stop, a long one
	// without is a caption (captions have none); lists and one-line-a-
	// heading layouts do not qualify.
	prose := ended >= 3 && ended*10 >= text*8
	for _, p := range pieces {
		ws := words(p.text)
		u := unit{text: p.text, terms: intern(contentWords(ws)), words: len(ws), furniture: p.furniture}
		u.short = u.words < 6 || !endsSentence(p.text) && u.words < 10
		if prose && !u.short && !endsSentence(p.text) && !isBullet(p.text) {
			u.furniture = true
		}
		u.dangling = LeansBack(p.text)
		d.units = append(d.units, u)
		if !u.short && !u.furniture {
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
	n := float64(len(d.units))
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
		if u.furniture {
			continue // captions repeat the article's words and would weigh them twice
		}
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

	forward, backward := d.directedCentrality(w)
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
		s := w.Centroid*c + w.Title*ts + w.Position*p + w.Forward*forward[i] - w.Backward*backward[i]
		s = math.Max(s, 0)
		if float64(u.words) < w.MinWords {
			s *= float64(u.words) / w.MinWords
		}
		if u.short || u.furniture {
			s *= 0.2
		} else {
			pos++
		}
		if i > 0 && u.dangling {
			// "His visit was the third..." read alone leaves the reader asking
			// whose: prefer a sentence that stands on its own.
			s *= 1 - w.DanglingPenalty
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

// centralityWindow bounds directed centrality to the first sentences: the
// pairs grow with the square of the length (a 10,000-word article has 600
// sentences), and the lead prior keeps later sentences out of a summary of
// a few sentences anyway.
const centralityWindow = 120

// directedCentrality returns, for each sentence that can be chosen among
// the first centralityWindow, its mean similarity to those after it and to
// those before it; zero for the rest, and nothing is computed when neither
// is weighed.
func (d *document) directedCentrality(w Tuning) (forward, backward []float64) {
	forward = make([]float64, len(d.units))
	backward = make([]float64, len(d.units))
	if w.Forward == 0 && w.Backward == 0 {
		return forward, backward
	}
	var idx []int
	for i, u := range d.units {
		if !u.short && !u.furniture && len(idx) < centralityWindow {
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return forward, backward
	}
	for a, i := range idx {
		for _, j := range idx[a+1:] {
			c := cosine(d.units[i].vec, d.units[j].vec)
			forward[i] += c
			backward[j] += c
		}
	}
	norm := 1 / float64(len(idx)-1)
	for _, i := range idx {
		forward[i] *= norm
		backward[i] *= norm
	}
	return forward, backward
}

// selectSummary picks k units in article order: the scene-setting opener
// first, then by maximal marginal relevance, taking a sentence that leans on
// the one before only when that one is taken.
func (d *document) selectSummary(scores []float64, k int, w Tuning) []int {
	eligible := func(i int) bool {
		u := d.units[i]
		return !u.furniture && (!u.short || d.longCount() < k)
	}
	// prev[i] is the choosable unit before i, -1 for none.
	prev := make([]int, len(d.units))
	last := -1
	for i, u := range d.units {
		prev[i] = last
		if !u.furniture {
			last = i
		}
	}
	var picked []int
	for i, u := range d.units {
		if eligible(i) && !u.dangling {
			picked = append(picked, i)
			break
		}
	}
	return d.selectMMR(scores, k, picked, w.MMRLambda, func(i int, taken []bool) bool {
		return eligible(i) && (!d.units[i].dangling || prev[i] >= 0 && taken[prev[i]])
	})
}

// selectMMR completes picked to k units by maximal marginal relevance,
// among those ok accepts given what is taken so far. It returns indices in
// article order.
func (d *document) selectMMR(scores []float64, k int, picked []int, lambda float64, ok func(i int, taken []bool) bool) []int {
	taken := make([]bool, len(d.units))
	red := make([]float64, len(d.units)) // max similarity to anything picked
	mark := func(p int) {
		taken[p] = true
		for i := range d.units {
			if !taken[i] {
				red[i] = math.Max(red[i], cosine(d.units[i].vec, d.units[p].vec))
			}
		}
	}
	picked = picked[:min(len(picked), k)]
	for _, p := range picked {
		mark(p)
	}
	for len(picked) < k {
		best, bestVal := -1, math.Inf(-1)
		for i := range d.units {
			if taken[i] || !ok(i, taken) {
				continue
			}
			if v := lambda*scores[i] - (1-lambda)*red[i]; v > bestVal {
				best, bestVal = i, v
			}
		}
		if best < 0 {
			break
		}
		picked = append(picked, best)
		mark(best)
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
		if taken[i] || u.short || u.furniture || u.words < 8 {
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

// allTexts returns the text of every unit, furniture included: captions
// name people and places too.
func (d *document) allTexts() []string {
	out := make([]string, 0, len(d.units))
	for _, u := range d.units {
		out = append(out, u.text)
	}
	return out
}

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
		if u.furniture {
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

// danglingOpeners are first words that lean on the sentence before:
// pronouns and connectives. Words that lean back only when a comma follows
// them ("Still, ...", "There, ...") are in danglingWithComma.
var danglingOpeners = setOf("he", "she", "it", "they", "his", "her", "its", "their", "him", "them", "this", "these",
	"that", "those", "but", "however", "and", "or", "nor", "so", "yet", "meanwhile", "moreover", "furthermore",
	"nevertheless", "nonetheless", "instead", "besides", "otherwise", "thus", "hence", "therefore", "such", "which")

var danglingWithComma = setOf("also", "there", "still", "then", "here", "again", "likewise", "similarly", "later",
	"now", "indeed", "even so", "in addition", "as well")

// LeansBack reports whether a sentence opens by leaning on the one before
// it (a pronoun, a connective, "One of them"), so that read alone it leaves
// the reader asking who or what. Such a sentence never opens a summary.
func LeansBack(s string) bool {
	s = strings.TrimLeft(s, "\"'“‘([-–— ")
	first, _, _ := strings.Cut(s, " ")
	w := strings.ToLower(strings.TrimRight(first, ",;:"))
	if strings.HasSuffix(first, ",") && danglingWithComma[w] {
		return true
	}
	if quantifiers[w] {
		// "One of them is ...", "Both of those ...": which ones is in the
		// sentence before.
		f := strings.Fields(strings.ToLower(s))
		return len(f) >= 3 && f[1] == "of" && backReferents[strings.TrimRight(f[2], ",;:")]
	}
	return danglingOpeners[w]
}

var quantifiers = setOf("one", "two", "three", "four", "some", "both", "many", "most", "all", "none", "neither",
	"either", "few", "several", "each", "half", "any")

var backReferents = setOf("them", "those", "these", "whom", "which", "us")
