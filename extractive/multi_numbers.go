package extractive

import (
	"sort"
	"strconv"
	"strings"
)

// NumberDisagreements finds numbers that different sources give for the
// same thing: the same counted word right after the number ("12 people",
// "15 people") and at least one content word shared around it ("killed").
// Context is what keeps "12 people were arrested" apart from "15 people were
// injured". A source that itself gives several values in one context (a
// toll that rose from 12 to 15) takes no side: it does not disagree with
// either. Years, ordinals and ranges are not counts and are skipped.
func NumberDisagreements(sources []Source) []Disagreement {
	var ms []mention
	for si, src := range sources {
		for _, sent := range Sentences(src.Body) {
			ms = append(ms, sentenceMentions(si, sent)...)
		}
	}
	// Link mentions of different sources that count the same thing in the
	// same context; the linked groups are the candidate disagreements.
	parent := make([]int, len(ms))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			if ms[i].source != ms[j].source && ms[i].anchor == ms[j].anchor && shares(ms[i].context, ms[j].context) {
				parent[find(j)] = find(i)
			}
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i := range ms {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	// What each source counts, and with which values, anywhere in its text.
	stated := map[statedKey]bool{}
	for _, m := range ms {
		stated[statedKey{m.source, m.anchor, m.value}] = true
	}
	var out []Disagreement
	for _, r := range roots {
		if d, ok := disagreement(ms, groups[r], stated); ok {
			out = append(out, d)
		}
	}
	return out
}

// mention is one number of one source with what it counts.
type mention struct {
	source  int
	value   float64
	text    string // "12 people"
	anchor  string // the term counted: "people"
	context map[string]bool
	// anchorWord, before and after are the counted word and the context
	// words as written (lower case), to name the disagreement.
	anchorWord    string
	before, after []string
	quote         string
}

func shares(a, b map[string]bool) bool {
	for t := range a {
		if b[t] {
			return true
		}
	}
	return false
}

type statedKey struct {
	source int
	anchor string
	value  float64
}

// disagreement makes the disagreement of one linked group, if any. A source
// takes no side when it gives several values itself, in this context or
// anywhere else for the same counted word ("$974 billion over five years
// or $1.2 trillion over eight years" does not disagree with "eight years").
func disagreement(ms []mention, idx []int, stated map[statedKey]bool) (Disagreement, bool) {
	values := map[int]map[float64]bool{} // source -> values
	first := map[int]int{}               // source -> first mention
	var order []int
	for _, i := range idx {
		m := ms[i]
		if values[m.source] == nil {
			values[m.source] = map[float64]bool{}
			first[m.source] = i
			order = append(order, m.source)
		}
		values[m.source][m.value] = true
	}
	all := map[float64]bool{}
	for _, i := range idx {
		all[ms[i].value] = true
	}
	anchor := ms[idx[0]].anchor
	both := func(s int) bool {
		for v := range all {
			if !values[s][v] && stated[statedKey{s, anchor, v}] {
				return true
			}
		}
		return false
	}
	var d Disagreement
	distinct := map[float64]bool{}
	for _, s := range order {
		if len(values[s]) != 1 || both(s) {
			continue // this source gives several values itself
		}
		m := ms[first[s]]
		distinct[m.value] = true
		d.Sides = append(d.Sides, Side{Source: s, Value: m.text, Quote: m.quote})
	}
	if len(d.Sides) < 2 || len(distinct) < 2 {
		return Disagreement{}, false
	}
	sort.SliceStable(d.Sides, func(a, b int) bool { return d.Sides[a].Source < d.Sides[b].Source })
	d.About = about(ms, idx)
	return d, true
}

// about names a disagreement in the words of its first mention: the
// context words every mention shares, in order, around the counted word
// ("flood killed people").
func about(ms []mention, idx []int) string {
	first := ms[idx[0]]
	sharedByAll := func(w string) bool {
		for _, i := range idx {
			if !ms[i].context[term(w)] {
				return false
			}
		}
		return true
	}
	var out []string
	for _, w := range first.before {
		if sharedByAll(w) {
			out = append(out, w)
		}
	}
	out = append(out, first.anchorWord)
	for _, w := range first.after {
		if sharedByAll(w) {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// contextWords is how many words either side of a number are its context.
const contextWords = 4

func sentenceMentions(source int, sent string) []mention {
	ws := words(sent)
	var out []mention
	for i := 0; i < len(ws); i++ {
		v, ok := countValue(ws[i])
		if !ok || isRange(ws, i) {
			continue
		}
		text := []string{ws[i]}
		j := i + 1
		for ; j < len(ws); j++ {
			s, ok := scales[ws[j]]
			if !ok {
				break
			}
			v *= s
			text = append(text, ws[j])
		}
		// The counted word comes right after the number, or after "more",
		// "other" and the like ("12 more people").
		a := -1
		switch {
		case j < len(ws) && isCountable(ws[j]):
			a = j
		case j+1 < len(ws) && countModifiers[ws[j]] && isCountable(ws[j+1]):
			a = j + 1
		}
		if a < 0 || isDate(ws, i, j) {
			continue
		}
		anchor := term(ws[a])
		ctx := map[string]bool{}
		add := func(from, to int) []string {
			var kept []string
			for _, w := range ws[max(from, 0):min(to, len(ws))] {
				if isCountable(w) {
					if t := term(w); t != anchor && !ctx[t] {
						ctx[t] = true
						kept = append(kept, w)
					}
				}
			}
			return kept
		}
		before := add(i-contextWords, i)
		after := add(a+1, a+1+contextWords)
		out = append(out, mention{
			source: source, value: v, anchor: anchor, context: ctx, quote: sent,
			anchorWord: ws[a], before: before, after: after,
			text: strings.Join(append(text, ws[j:a+1]...), " "),
		})
		i = a
	}
	return out
}

// isCountable is a content word that is not a number: what a number can
// count and what gives it context.
func isCountable(w string) bool {
	if stopwords[w] && !countNouns[w] || len(w) < 2 || monthNames[w] || qualifiers[w] {
		return false
	}
	_, num := countValue(w)
	_, scale := scales[w]
	return !num && !scale
}

// countNouns are stopwords (too common to rank sentences by) that numbers
// count all the time.
var countNouns = setOf("people", "year", "years")

// countModifiers may stand between a number and what it counts.
var countModifiers = setOf("more", "other", "new", "additional", "extra", "further")

// qualifiers hedge or relate a number; they neither are counted nor tell
// what is ("at least 12", "nearly 15", "3,000 per child", "including three
// children").
var qualifiers = setOf("least", "nearly", "almost", "approximately", "roughly", "estimated", "per", "up", "total",
	"including", "include", "includes", "among")

// isDate reports a number written as a day of a month: "June 12", "12 June".
func isDate(ws []string, i, j int) bool {
	isMonth := func(w string) bool { return monthNames[w] || months[w] }
	return i > 0 && isMonth(ws[i-1]) || j < len(ws) && isMonth(ws[j])
}

var scales = map[string]float64{"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"bn": 1e9, "mn": 1e6}

var smallNumbers = map[string]float64{"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"dozen": 12, "dozens": 24, "hundreds": 200}

// countValue reads a count: "12", "12,000", "4.5", "4.5bn", "twelve". Years
// (1800-2100 written as four digits) and ordinals ("12th") are not counts.
func countValue(w string) (float64, bool) {
	if v, ok := smallNumbers[w]; ok && w != "dozens" && w != "hundreds" {
		return v, true
	}
	if w == "" || w[0] < '0' || w[0] > '9' {
		return 0, false
	}
	mult := 1.0
	for suf, m := range map[string]float64{"bn": 1e9, "m": 1e6, "k": 1e3} {
		if rest, ok := strings.CutSuffix(w, suf); ok && rest != "" && rest[len(rest)-1] >= '0' && rest[len(rest)-1] <= '9' {
			w, mult = rest, m
			break
		}
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(w, ",", ""), 64)
	if err != nil {
		return 0, false
	}
	if mult == 1 && len(w) == 4 && v >= 1800 && v <= 2100 {
		return 0, false
	}
	return v * mult, true
}

// isRange reports a number that is one end of a range or a change: "12 to
// 15", "between 12 and 15", "from 12".
func isRange(ws []string, i int) bool {
	if i+2 < len(ws) && (ws[i+1] == "to" || ws[i+1] == "and" || ws[i+1] == "or") {
		if _, ok := countValue(ws[i+2]); ok {
			return true
		}
	}
	if i >= 1 && (ws[i-1] == "between" || ws[i-1] == "from") {
		return true
	}
	if i >= 2 && (ws[i-1] == "to" || ws[i-1] == "and" || ws[i-1] == "or") {
		if _, ok := countValue(ws[i-2]); ok {
			return true
		}
	}
	return false
}
