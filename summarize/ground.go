package summarize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalizer folds the differences that do not change what a quote says:
// case, runs of whitespace, curly versus straight quotes, and the dash
// family. Models routinely "fix" these when copying text.
var foldRunes = map[rune]rune{
	'‘': '\'', '’': '\'', '‚': '\'', '‛': '\'', '′': '\'', '`': '\'',
	'“': '"', '”': '"', '„': '"', '‟': '"', '″': '"', '«': '"', '»': '"',
	'‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
	'\u00a0': ' ',
}

// fold looks r up in foldRunes; ASCII, all but one rune of most text, is
// answered without the map.
func fold(r rune) (rune, bool) {
	if r < 0x80 && r != '`' {
		return r, false
	}
	f, ok := foldRunes[r]
	return f, ok
}

func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if f, ok := fold(r); ok {
			r = f
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// quoteKey is a quote in the form grounding compares: normalized, without
// surrounding quote marks and end punctuation. Two quotes with one key say
// the same thing.
func quoteKey(quote string) string { return strings.Trim(normalize(quote), quoteTrim) }

const quoteTrim = ` "'.,;:!?`

// grounder checks quotes against one article.
type grounder struct {
	article string // normalized
}

func newGrounder(article string) grounder { return grounder{article: normalize(article)} }

// supports reports whether quote appears in the article. Surrounding quote
// marks and end punctuation are ignored, and an ellipsis may stand for
// omitted words as long as every piece appears, in order. Matches must start
// and end on word boundaries: "likely to attend" is not supported by
// "unlikely to attend". A quote too short to mean anything (under three
// words), or with an elided piece of a single word, supports nothing: a
// model could otherwise stitch "Iran ... agreed ... deal" out of scattered
// words and have it verified.
func (g grounder) supports(quote string) bool {
	_, _, ok := g.locate(quote)
	return ok
}

// locate is supports that also says where in the normalized article the
// quote starts and ends.
func (g grounder) locate(quote string) (start, end int, ok bool) {
	q := quoteKey(quote)
	if len(strings.Fields(q)) < 3 {
		return 0, 0, false
	}
	q = strings.ReplaceAll(q, "…", "...")
	pieces := strings.Split(q, "...")
	pos, first := 0, true
	for _, piece := range pieces {
		piece = strings.Trim(piece, quoteTrim)
		if piece == "" {
			continue
		}
		if len(pieces) > 1 && len(strings.Fields(piece)) < 2 {
			return 0, 0, false
		}
		e, found := g.find(piece, pos)
		if !found {
			return 0, 0, false
		}
		if first {
			start, first = e-len(piece), false
		}
		pos = e
	}
	return start, pos, !first
}

// find returns the end of the first occurrence of piece at or after from
// that starts and ends on word boundaries.
func (g grounder) find(piece string, from int) (int, bool) {
	for from <= len(g.article) {
		i := strings.Index(g.article[from:], piece)
		if i < 0 {
			return 0, false
		}
		start, end := from+i, from+i+len(piece)
		if wordBoundary(g.article, start) && wordBoundary(g.article, end) {
			return end, true
		}
		_, size := utf8.DecodeRuneInString(g.article[start:])
		from = start + size
	}
	return 0, false
}

// wordBoundary reports whether position i of s does not split a word: the
// runes on both sides are not both letters or digits.
func wordBoundary(s string, i int) bool {
	if i == 0 || i == len(s) {
		return true
	}
	before, _ := utf8.DecodeLastRuneInString(s[:i])
	after, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(before) || !isWordRune(after)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
