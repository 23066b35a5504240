// Package extractive is the offline summarizer: it picks sentences from the
// article itself, so everything it returns is verbatim article text. It is the
// default when no LLM is configured and the engine of the mock LLM server.
//
// All functions are pure, deterministic and safe for concurrent use.
package extractive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences splits text into sentences. Each sentence is a verbatim, trimmed
// substring of text, in order. Line structure is respected: in an article
// written one sentence (or heading) per line every line is its own unit,
// while in hard-wrapped prose a line break inside a paragraph is a space.
// Abbreviations (Mr., U.S., e.g., Jan.), initials (J. R. Tolkien), decimals
// (3.5) and quotes closing after the final stop (“… war.”) are handled.
func Sentences(text string) []string {
	var out []string
	for _, u := range lineUnits(text) {
		out = splitUnit(text, u.start, u.end, out)
	}
	return out
}

// span is a byte range [start, end) of the input.
type span struct{ start, end int }

// line is one input line without its line terminator.
type line struct {
	start, end int
	blank      bool
}

func splitLines(text string) []line {
	var lines []line
	start := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' || text[i] == '\r' {
			lines = append(lines, line{start: start, end: i})
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	lines = append(lines, line{start: start, end: len(text)})
	for i := range lines {
		lines[i].blank = strings.TrimSpace(text[lines[i].start:lines[i].end]) == ""
	}
	return lines
}

// lineUnits groups lines into units that sentence splitting never crosses.
// A unit is a paragraph in hard-wrapped text and a single line otherwise.
func lineUnits(text string) []span {
	lines := splitLines(text)
	wrapped := isHardWrapped(text, lines)
	var units []span
	cur := -1 // start of the open unit, -1 when none
	curEnd := 0
	flush := func() {
		if cur >= 0 {
			units = append(units, span{cur, curEnd})
			cur = -1
		}
	}
	for i, l := range lines {
		if l.blank {
			flush()
			continue
		}
		if cur < 0 {
			cur = l.start
		}
		curEnd = l.end
		if !wrapped {
			flush()
			continue
		}
		// Hard-wrapped prose: a line ends its unit only when the next line
		// is blank (handled above) or it looks like a heading.
		if i+1 < len(lines) && !lines[i+1].blank && (isBullet(text[lines[i+1].start:lines[i+1].end]) ||
			isHeadingLine(text[l.start:l.end], text[lines[i+1].start:lines[i+1].end])) {
			flush()
		}
	}
	flush()
	return units
}

// isHardWrapped reports whether the text looks like prose wrapped at a fixed
// width: many long lines end without sentence punctuation and the next line
// goes on with a lowercase word, a number or after a comma.
func isHardWrapped(text string, lines []line) bool {
	nonBlank, open := 0, 0
	for i, l := range lines {
		if l.blank {
			continue
		}
		nonBlank++
		if i+1 >= len(lines) || lines[i+1].blank {
			continue
		}
		s := strings.TrimSpace(text[l.start:l.end])
		if utf8.RuneCountInString(s) < 40 || endsSentence(s) {
			continue
		}
		next, _ := utf8.DecodeRuneInString(strings.TrimSpace(text[lines[i+1].start:lines[i+1].end]))
		last, _ := utf8.DecodeLastRuneInString(s)
		if unicode.IsLower(next) || unicode.IsDigit(next) || last == ',' || last == ';' || isLowerJoiner(lastWord(s)) {
			open++
		}
	}
	return open >= 2 && open*5 >= nonBlank
}

// isBullet reports a line that starts a list item: "- ", "* ", "• ", "1. ".
func isBullet(s string) bool {
	s = strings.TrimSpace(s)
	for _, p := range []string{"- ", "* ", "• ", "– ", "— "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

// isHeadingLine reports whether cur, inside hard-wrapped prose, is a heading:
// short, without final punctuation, followed by a line starting a sentence.
func isHeadingLine(cur, next string) bool {
	cur = strings.TrimSpace(cur)
	next = strings.TrimSpace(next)
	if endsSentence(cur) {
		return utf8.RuneCountInString(cur) < 40
	}
	if utf8.RuneCountInString(cur) >= 40 || cur == "" || next == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(cur)
	n, _ := utf8.DecodeRuneInString(strings.TrimLeft(next, "\"'“‘(["))
	last, _ := utf8.DecodeLastRuneInString(cur)
	return (unicode.IsUpper(r) || unicode.IsDigit(r)) && (unicode.IsUpper(n) || unicode.IsDigit(n)) &&
		last != ',' && last != ';' && !isLowerJoiner(lastWord(cur))
}

func lastWord(s string) string {
	if i := strings.LastIndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[i+1:]
	}
	return s
}

// isLowerJoiner reports words that never end a heading.
func isLowerJoiner(w string) bool {
	switch strings.ToLower(w) {
	case "the", "a", "an", "of", "and", "or", "to", "in", "on", "for", "with", "at", "by", "from", "that", "said":
		return true
	}
	return false
}

// endsSentence reports whether s ends with terminal punctuation, possibly
// followed by closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, isCloser)
	r, _ := utf8.DecodeLastRuneInString(s)
	return isTerminal(r) || r == ':'
}

func isTerminal(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…' || r == '。'
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '}', '»', '›':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '(', '[', '{', '«', '‹', '¿', '¡':
		return true
	}
	return false
}

// splitUnit splits text[start:end] into sentences appended to out.
func splitUnit(text string, start, end int, out []string) []string {
	sentStart := start
	i := start
	for i < end {
		r, size := utf8.DecodeRuneInString(text[i:end])
		if !isTerminal(r) {
			i += size
			continue
		}
		// Extend over a run of terminals ("?!", "...") and closing marks.
		j := i + size
		for j < end {
			r2, s2 := utf8.DecodeRuneInString(text[j:end])
			if !isTerminal(r2) && !isCloser(r2) {
				break
			}
			j += s2
		}
		if j < end {
			r2, _ := utf8.DecodeRuneInString(text[j:end])
			if !unicode.IsSpace(r2) {
				// "3.5", "U.S.", "example.com": no break inside a token.
				i = j
				continue
			}
		}
		if j >= end || isBoundary(text, sentStart, i, r, j, end) {
			if s := strings.TrimSpace(text[sentStart:j]); s != "" {
				out = append(out, s)
			}
			sentStart = j
		}
		i = j
	}
	if s := strings.TrimSpace(text[sentStart:end]); s != "" {
		out = append(out, s)
	}
	return out
}

// isBoundary decides whether the terminal rune term at text[at] (its run of
// marks ending at after) ends the sentence that began at sentStart.
func isBoundary(text string, sentStart, at int, term rune, after, end int) bool {
	next := nextWord(text[after:end])
	if next == "" {
		return true
	}
	first, _ := utf8.DecodeRuneInString(next)
	if unicode.IsLower(first) {
		// "e.g. the", "“Why?” he asked", "wait... and": not a boundary.
		return false
	}
	if term != '.' || text[at:after] != strings.TrimRightFunc(text[at:after], isCloser) {
		// "!", "?", "…" or a period followed by a closing quote.
		return true
	}
	if after-at > 1 && strings.Trim(text[at:after], ".") == "" {
		// Ellipsis "..." followed by a capital: a boundary.
		return true
	}
	prev := prevToken(text[sentStart:at])
	if prev == "" {
		return true
	}
	low := strings.ToLower(prev)
	if neverFinal[low] {
		return false
	}
	isDigitNext := unicode.IsDigit(first)
	if months[low] && isDigitNext {
		return false // "Jan. 5"
	}
	if (low == "no" || low == "nos" || low == "art" || low == "p" || low == "pp") && isDigitNext {
		return false // "No. 10"
	}
	if isInitialOrDotted(prev) || maybeFinal[low] || months[low] {
		// "J. R. Tolkien", "U.S. Army" versus "in the U.S. The ...":
		// break only before a word that typically starts a sentence.
		return sentenceStarters[strings.ToLower(strings.TrimRightFunc(next, isCloser))]
	}
	return true
}

// nextWord returns the first word after leading spaces and opening marks.
func nextWord(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || isOpener(r) || r == '-' || r == '—' || r == '–' })
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' || r == '.' }); i >= 0 {
		return s[:i]
	}
	return s
}

// prevToken returns the token just before a terminal period, without the
// period itself and without leading opening marks: "U.S", "Mr", "J".
func prevToken(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || isOpener(r) || r == '(' || r == '—' || r == '–' })
	if i >= 0 {
		_, size := utf8.DecodeRuneInString(s[i:])
		s = s[i+size:]
	}
	return s
}

// isInitialOrDotted reports a single capital letter ("J") or a dotted
// abbreviation ("U.S", "e.g", "a.m").
func isInitialOrDotted(tok string) bool {
	if utf8.RuneCountInString(tok) == 1 {
		r, _ := utf8.DecodeRuneInString(tok)
		return unicode.IsLetter(r)
	}
	if !strings.Contains(tok, ".") {
		return false
	}
	for _, part := range strings.Split(tok, ".") {
		if utf8.RuneCountInString(part) > 2 {
			return false
		}
	}
	return true
}

// neverFinal abbreviations are followed by a name or a number, never by the
// end of a sentence.
var neverFinal = setOf("mr", "mrs", "ms", "dr", "prof", "st", "mt", "ft", "gen", "col", "lt", "maj", "sgt", "capt", "cpt",
	"cmdr", "adm", "brig", "spc", "pfc", "pvt", "cpl", "sen", "rep", "gov", "rev", "hon", "fr", "messrs", "mme", "mlle", "pres", "supt", "insp",
	"vs", "v", "cf", "approx", "ca", "fig", "vol", "ch", "sec", "dept", "est", "e.g", "i.e", "viz", "ave", "blvd", "rd")

// maybeFinal abbreviations often end a sentence ("... Acme Inc. The ...").
var maybeFinal = setOf("inc", "ltd", "co", "corp", "plc", "llc", "jr", "sr", "etc", "al", "bros", "a.m", "p.m", "u.s", "u.k", "u.n", "e.u")

var months = setOf("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

// sentenceStarters are words that, after an ambiguous abbreviation, signal a
// new sentence.
var sentenceStarters = setOf("the", "a", "an", "it", "its", "he", "she", "they", "we", "i", "you", "this", "that", "these",
	"those", "there", "his", "her", "their", "our", "but", "and", "or", "so", "yet", "however", "meanwhile", "in", "on",
	"at", "for", "as", "after", "before", "when", "while", "if", "since", "although", "though", "officials", "analysts",
	"critics", "some", "many", "most", "both", "all", "no", "not", "what", "why", "how", "who", "where", "still", "also",
	"now", "then", "earlier", "later", "last", "next", "one", "two", "three", "according", "despite", "under", "with")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
