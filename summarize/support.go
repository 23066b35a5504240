package summarize

import (
	"fmt"
	"slices"
	"strings"

	"github.com/geobrief/geobrief/extractive"
)

// factCheckVersion is part of the cache key: a Brief checked by an older,
// weaker rule must not come back from the cache as verified.
const factCheckVersion = "facts-2"

// factChecker decides whether a fact is backed by the article: its quote
// must be in the article (grounder), and every number, date and name the
// fact states must be in that quote or the sentences next to it. The same
// checker drops summary sentences that state what the article never does.
type factChecker struct {
	title, body string
	g           grounder
	sents       []string // the title, then the body's sentences
	spans       []span   // where each of sents lies in g.article; -1 when not found
	article     passage  // every detail of the article
	// lowerWords are the words the article writes in lower case somewhere:
	// when one starts a sentence of a fact, its capital proves nothing.
	lowerWords map[string]bool
}

func newFactChecker(title, body string) *factChecker {
	c := &factChecker{title: title, body: body, g: newGrounder(title + "\n" + body), lowerWords: map[string]bool{}}
	if t := strings.TrimSpace(title); t != "" {
		c.sents = append(c.sents, t)
	}
	c.sents = append(c.sents, extractive.Sentences(body)...)
	// Where each sentence lies in the normalized article, to find the
	// sentences a quote spans. Sentences are verbatim and in order, so each
	// is searched from the end of the one before.
	c.spans = make([]span, len(c.sents))
	pos := 0
	for i, s := range c.sents {
		c.spans[i] = span{-1, -1}
		key := normalize(s)
		if j := strings.Index(c.g.article[pos:], key); j >= 0 && key != "" {
			c.spans[i] = span{pos + j, pos + j + len(key)}
			pos += j + len(key)
		}
	}
	ws := tokenize(title + "\n" + body)
	c.article = newPassage(ws)
	for _, w := range ws {
		if !w.cap {
			c.lowerWords[w.lower] = true
		}
	}
	return c
}

// fact checks one fact and says why it fails.
func (c *factChecker) fact(text, quote string) Fact {
	f := Fact{Text: text, Quote: quote}
	switch {
	case strings.TrimSpace(quote) == "":
		f.Reason = "no quote was given"
		return f
	case !c.g.supports(quote):
		f.Reason = "the quote is not in the article"
		return f
	}
	p := newPassage(tokenize(c.around(quote)))
	if missing := c.missing(extractDetails(text, c.common), p); len(missing) > 0 {
		f.Reason = "the quote does not say " + strings.Join(missing, ", ")
		return f
	}
	f.Verified = true
	return f
}

// around returns the sentences that hold quote and one sentence either side:
// a fact may name who "he" is from the sentence before. A quote whose
// sentences cannot be placed stands alone.
func (c *factChecker) around(quote string) string {
	qs, qe, ok := c.g.locate(quote)
	if !ok {
		return quote
	}
	first, last := -1, -1
	for i, r := range c.spans {
		if r.start < qe && qs < r.end {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return quote
	}
	from, to := max(first-1, 0), min(last+2, len(c.sents))
	return strings.Join(c.sents[from:to], "\n")
}

// summary keeps the sentences of the model's summary whose details are all
// in the article and lists the others with the reason. It never returns an
// empty summary for a non-empty one: when every sentence fails, the
// offline summary (n sentences taken from the article) stands in: no
// second LLM call, and it passes the check by construction.
func (c *factChecker) summary(s string, n int) (kept string, dropped []DroppedSentence, replaced bool) {
	var keep []string
	for _, sent := range extractive.Sentences(s) {
		if missing := c.missing(extractDetails(sent, c.common), c.article); len(missing) > 0 {
			dropped = append(dropped, DroppedSentence{Sentence: sent, Reason: "the article does not say " + strings.Join(missing, ", ")})
			continue
		}
		keep = append(keep, sent)
	}
	if len(dropped) == 0 {
		return s, nil, false
	}
	if len(keep) > 0 {
		return strings.Join(keep, " "), dropped, false
	}
	ex := extractive.Summarize(c.title, c.body, extractive.Options{SummarySentences: n, Facts: -1})
	return strings.Join(ex.Summary, " "), dropped, true
}

// checkSummary applies the summary check to a Brief.
func (c *factChecker) checkSummary(b *Brief, sentences int) {
	b.Summary, b.Meta.SummaryDropped, b.Meta.SummaryReplaced = c.summary(b.Summary, sentences)
}

// common reports whether a capitalised word starting a sentence is an
// ordinary word rather than a name.
func (c *factChecker) common(lower string) bool {
	if commonInitial[lower] || c.lowerWords[lower] || c.lowerWords[strings.TrimSuffix(lower, "s")] || c.lowerWords[lower+"s"] {
		return true
	}
	for _, suf := range commonSuffixes {
		if strings.HasSuffix(lower, suf) && len(lower) > len(suf)+2 {
			return true
		}
	}
	return false
}

// missing lists, quoted, the details not found in p.
func (c *factChecker) missing(details []detail, p passage) []string {
	var out []string
	for _, d := range details {
		if !c.found(d, p) {
			out = append(out, fmt.Sprintf("%q", d.text))
		}
	}
	return out
}

func (c *factChecker) found(d detail, p passage) bool {
	switch d.kind {
	case detailNumber:
		return p.hasNumber(d.value, d.unit)
	case detailDate:
		// Spelled out by canonicalName; no demonyms or aliases for dates.
		pool := p.names
		if d.initial {
			pool = p.words
		}
		return pool[d.words[0]]
	}
	// A name: an alias of the whole name will do ("United States" for
	// "Washington"); otherwise its last word (the surname) must be here,
	// and its other words here or elsewhere in the article ("Vladimir
	// Putin" for the quote's "Mr Putin").
	if p.hasAlias(d.words) {
		return true
	}
	last := len(d.words) - 1
	if !p.hasName(d.words[last], d.initial && last == 0) {
		return false
	}
	for i, w := range d.words[:last] {
		if !p.hasName(w, d.initial && i == 0) && !c.article.hasName(w, d.initial && i == 0) {
			return false
		}
	}
	return true
}

// span is a byte range [start, end) of a normalized text.
type span struct{ start, end int }

// passage is what a stretch of article text can back: its numbers and the
// words it writes with a capital (names) or at all.
type passage struct {
	numbers []number
	names   map[string]bool // canonical capitalised words
	words   map[string]bool // every word, canonical
}

func newPassage(ws []word) passage {
	p := passage{numbers: scanNumbers(ws, true), names: map[string]bool{}, words: map[string]bool{}}
	for _, w := range ws {
		name := canonicalName(w.lower)
		p.words[name] = true
		if w.cap {
			p.names[name] = true
		}
	}
	return p
}

// hasNumber: the same value, and the same unit when the fact gives one.
func (p passage) hasNumber(value float64, unit string) bool {
	for _, n := range p.numbers {
		if sameValue(n.value, value) && (unit == "" || unit == n.unit) {
			return true
		}
	}
	return false
}

// hasName matches a name word with a capitalised word of the passage, or
// with any word when the fact's word only had a capital for starting a
// sentence. "Russian" matches "Russia", "Iranian" "Iran" (demonyms), and
// a country matches its capital or its short form ("U.S.", "Washington").
func (p passage) hasName(w string, anyCase bool) bool {
	pool := p.names
	if anyCase {
		pool = p.words
	}
	if pool[w] {
		return true
	}
	if p.hasAlias([]string{w}) {
		return true
	}
	for n := range p.names {
		if demonym(w, n) {
			return true
		}
	}
	return false
}

// hasAlias reports whether name is a country (or its people, or its short
// form) of which the passage names some form, its capital included: the
// article's "Washington accused" backs a fact's "the US accused". A capital
// in the fact is not backed by its country in the passage: "in Moscow"
// says more than "in Russia".
func (p passage) hasAlias(name []string) bool {
	key := strings.Join(name, " ")
	for _, g := range aliasGroups {
		if !slices.Contains(g.names, key) {
			continue
		}
		for _, m := range append(slices.Clone(g.names), g.seats...) {
			if p.hasAllNames(strings.Fields(m)) {
				return true
			}
		}
	}
	return false
}

func (p passage) hasAllNames(words []string) bool {
	for _, w := range words {
		if !p.names[w] {
			return false
		}
	}
	return true
}

// aliasGroup is what news writing calls one country: names (its name,
// short form, people) and seats (capital, seat of government), which stand
// for the country but not the other way round.
type aliasGroup struct {
	names, seats []string
}

var aliasGroups = []aliasGroup{
	{[]string{"united states", "us", "usa", "america", "american", "americans"}, []string{"washington", "white house"}},
	{[]string{"united kingdom", "uk", "britain", "british"}, []string{"london"}},
	{[]string{"russia", "russian", "russians", "russian federation"}, []string{"moscow", "kremlin"}},
	{[]string{"ukraine", "ukrainian", "ukrainians"}, []string{"kyiv", "kiev"}},
	{[]string{"iran", "iranian", "iranians"}, []string{"tehran"}},
	{[]string{"china", "chinese"}, []string{"beijing"}},
	{[]string{"european union", "eu"}, []string{"brussels"}},
	{[]string{"united nations", "un"}, nil},
	{[]string{"north atlantic treaty organization", "nato"}, nil},
}

// demonym reports whether a and b are a place and its people's adjective:
// "Russia" and "Russian", "Iran" and "Iranian", "China" and "Chinese".
// Only the usual endings count: "Marc" is not "March".
func demonym(a, b string) bool {
	a, b = dropFinalVowel(a), dropFinalVowel(b)
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 4 || !strings.HasPrefix(b, a) {
		return false
	}
	return a == b || demonymEndings[b[len(a):]]
}

var demonymEndings = set("n", "an", "ian", "ean", "ese", "i", "ish", "ns", "ans", "ians", "is")

func dropFinalVowel(s string) string {
	if len(s) > 4 && strings.ContainsRune("aeiouy", rune(s[len(s)-1])) {
		return s[:len(s)-1]
	}
	return s
}
