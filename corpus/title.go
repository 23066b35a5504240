package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// maxHeadline is the longest first line still taken as a headline.
	maxHeadline = 120
	// maxSentenceTitle is the longest title made from a first sentence,
	// counting the "…" added when the sentence is cut.
	maxSentenceTitle = 100
)

// titleFromBody finds a title for a document whose front matter gives none.
// body is trimmed and not empty. It returns the title and the body to keep:
// when the title is the first line, that line is left out of the body so a
// summary does not repeat it.
func titleFromBody(body string) (title, rest string) {
	first, after, _ := strings.Cut(body, "\n")
	next, _, _ := strings.Cut(after, "\n")
	line, heading := headingText(strings.TrimSpace(first))
	after = strings.TrimSpace(after)
	if isHeadline(line, heading, next, after) {
		return collapseSpace(line), after
	}
	if heading {
		return sentenceTitle(line), body
	}
	return sentenceTitle(firstParagraph(body)), body
}

// headingText strips Markdown heading marks ("## Title ##").
func headingText(line string) (string, bool) {
	hashes := len(line) - len(strings.TrimLeft(line, "#"))
	if hashes == 0 || hashes > 6 {
		return line, false
	}
	text := line[hashes:]
	if text != "" && text[0] != ' ' && text[0] != '\t' {
		return line, false // "#hashtag", not a heading
	}
	text = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(text), "#"))
	if text == "" {
		return line, false
	}
	return text, true
}

// isHeadline tells whether the first line of a body reads as a headline:
// short, more text after it, and, unless it is a Markdown heading, not
// ending like a sentence or running on into the next line.
func isHeadline(line string, heading bool, next, after string) bool {
	if line == "" || after == "" || utf8.RuneCountInString(line) > maxHeadline {
		return false
	}
	if heading {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(line, closers))
	if strings.ContainsRune(".!?,;:", last) {
		return false
	}
	// A hard-wrapped paragraph: the next line carries on the same sentence.
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(next))
	return !unicode.IsLower(r)
}

// firstParagraph returns the lines up to the first blank one, joined by spaces.
func firstParagraph(body string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(body, "\n") {
		if strings.TrimSpace(line) == "" {
			break
		}
		b.WriteString(line)
		b.WriteByte(' ')
	}
	return collapseSpace(b.String())
}

// sentenceTitle makes a title of the first sentence of text: without its
// final period, and cut at a word boundary to at most maxSentenceTitle
// characters, "…" included.
func sentenceTitle(text string) string {
	text = collapseSpace(text)
	s := text[:sentenceEnd(text)]
	if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") && len(s) > 1 {
		s = s[:len(s)-1]
	}
	if utf8.RuneCountInString(s) <= maxSentenceTitle {
		return s
	}
	runes := []rune(s)
	keep := maxSentenceTitle - 1 // room for "…"
	cut := string(runes[:keep])
	if runes[keep] != ' ' {
		// Back off to the last space, unless that throws most of it away.
		if i := strings.LastIndexByte(cut, ' '); i > 0 && utf8.RuneCountInString(cut[:i]) >= keep/2 {
			cut = cut[:i]
		}
	}
	if trimmed := strings.TrimRight(cut, " ,;:-–—(["+openers); trimmed != "" {
		cut = trimmed
	}
	return cut + "…"
}

const (
	closers = `"')]»”’`
	openers = `"'«“‘`
)

// sentenceEnd returns the byte offset just past the first sentence of text,
// whose white space is already collapsed, or len(text) when it has one
// sentence only. It does not end a sentence at abbreviations and initials
// ("U.S.", "Mr.", "J."), nor before a word starting in lower case.
func sentenceEnd(text string) int {
	for i, r := range text {
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < len(text) {
			c, size := utf8.DecodeRuneInString(text[j:])
			if !strings.ContainsRune(closers, c) {
				break
			}
			j += size
		}
		if j == len(text) {
			return j
		}
		if text[j] != ' ' {
			continue // "3.5", "U.S", "example.com"
		}
		nextWord, _ := utf8.DecodeRuneInString(text[j+1:])
		if unicode.IsLower(nextWord) {
			continue
		}
		if r == '.' && isAbbreviation(text[strings.LastIndexByte(text[:i], ' ')+1:i]) {
			continue
		}
		return j
	}
	return len(text)
}

// abbreviations often followed by a capitalised word inside a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true,
	"sr": true, "gen": true, "col": true, "lt": true, "sgt": true, "capt": true,
	"cmdr": true, "adm": true, "gov": true, "sen": true, "rep": true,
	"pres": true, "prof": true, "rev": true, "no": true, "vs": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true,
}

func isAbbreviation(word string) bool {
	word = strings.TrimLeft(word, openers+"([")
	if strings.Contains(word, ".") { // U.S, e.g
		return true
	}
	if r, size := utf8.DecodeRuneInString(word); size == len(word) && unicode.IsUpper(r) {
		return true // an initial
	}
	return abbreviations[strings.ToLower(word)]
}
