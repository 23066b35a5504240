package summarize

import (
	"strings"
	"unicode"
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

func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if f, ok := foldRunes[r]; ok {
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

// grounder checks quotes against one article.
type grounder struct {
	article string // normalized
}

func newGrounder(article string) grounder { return grounder{article: normalize(article)} }

// supports reports whether quote appears in the article. Surrounding quote
// marks and end punctuation are ignored, and an ellipsis may stand for
// omitted words as long as every piece appears, in order. A quote too short
// to mean anything (under three words) supports nothing.
func (g grounder) supports(quote string) bool {
	q := normalize(quote)
	q = strings.Trim(q, ` "'.,;:!?`)
	if len(strings.Fields(q)) < 3 {
		return false
	}
	q = strings.ReplaceAll(q, "…", "...")
	pos := 0
	for _, piece := range strings.Split(q, "...") {
		piece = strings.Trim(piece, ` "'.,;:!?`)
		if piece == "" {
			continue
		}
		i := strings.Index(g.article[pos:], piece)
		if i < 0 {
			return false
		}
		pos += i + len(piece)
	}
	return true
}
