package discordfmt

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits, counted in characters (runes), not bytes.
const (
	MaxContent     = 2000
	MaxTitle       = 256
	MaxDescription = 4096
	MaxFieldName   = 256
	MaxFieldValue  = 1024
	MaxFooter      = 2048
	MaxAuthor      = 256
	MaxFields      = 25
	MaxEmbeds      = 10
	MaxEmbedTotal  = 6000

	// When the total is over, descriptions first shrink to this many
	// characters before any field is touched; a field value is cut to no
	// less than minFieldValue before the field is dropped instead.
	softDescription = 1500
	minFieldValue   = 200
)

// EmptyField stands in for a field name or value that would otherwise be
// empty: Discord rejects fields without both.
const EmptyField = "\u200b"

// FitContent cuts message content to Discord's 2000 characters.
func FitContent(s string) string {
	return Cut(s, MaxContent)
}

// FitEmbeds returns copies of embeds that respect every Discord limit: each
// title, description, field, footer and author name, at most 25 fields and 10
// embeds, and at most 6000 characters over all of them. Text is cut at a
// sentence or word boundary and marked with an ellipsis; invalid UTF-8 is
// replaced.
//
// Order is priority: when the total is over, descriptions are first cut down
// to 1500 characters, then fields are shortened and dropped starting with the
// last field of the last embed, and only then the remaining text.
func FitEmbeds(embeds []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	var out []*discordgo.MessageEmbed
	for _, e := range embeds {
		if e == nil {
			continue
		}
		if len(out) == MaxEmbeds {
			break
		}
		out = append(out, fitEach(e))
	}

	over := embedsTotal(out) - MaxEmbedTotal
	// Pass 1: long descriptions down to their soft size.
	for _, e := range out {
		if over <= 0 {
			break
		}
		over -= shrink(&e.Description, softDescription, over)
	}
	// Pass 2: fields from the lowest priority up: cut the value, or drop.
	for k := len(out) - 1; k >= 0 && over > 0; k-- {
		e := out[k]
		for len(e.Fields) > 0 && over > 0 {
			f := e.Fields[len(e.Fields)-1]
			n := utf8.RuneCountInString(f.Value)
			if n-over >= minFieldValue {
				over -= shrink(&f.Value, minFieldValue, over)
				break
			}
			over -= utf8.RuneCountInString(f.Name) + n
			e.Fields = e.Fields[:len(e.Fields)-1]
		}
	}
	// Pass 3: whatever is left, lowest priority first.
	for k := len(out) - 1; k >= 0 && over > 0; k-- {
		e := out[k]
		if e.Footer != nil {
			over -= shrink(&e.Footer.Text, 0, over)
		}
		if e.Author != nil && over > 0 {
			over -= shrink(&e.Author.Name, 0, over)
		}
		if over > 0 {
			over -= shrink(&e.Description, 0, over)
		}
		if over > 0 {
			over -= shrink(&e.Title, 0, over)
		}
	}
	return out
}

// fitEach copies e with every per-item limit applied.
func fitEach(e *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	c := *e
	c.Title = Cut(e.Title, MaxTitle)
	c.Description = Cut(e.Description, MaxDescription)
	if e.Footer != nil {
		f := *e.Footer
		f.Text = Cut(f.Text, MaxFooter)
		c.Footer = &f
	}
	if e.Author != nil {
		a := *e.Author
		a.Name = Cut(a.Name, MaxAuthor)
		c.Author = &a
	}
	c.Fields = nil
	for _, f := range e.Fields {
		if f == nil {
			continue
		}
		if len(c.Fields) == MaxFields {
			break
		}
		nf := *f
		nf.Name = nonEmpty(Cut(f.Name, MaxFieldName))
		nf.Value = nonEmpty(Cut(f.Value, MaxFieldValue))
		c.Fields = append(c.Fields, &nf)
	}
	return &c
}

func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return EmptyField
	}
	return s
}

// shrink cuts *s by about want characters, never below floor, and returns
// how many characters it removed.
func shrink(s *string, floor, want int) int {
	n := utf8.RuneCountInString(*s)
	target := max(n-want, floor)
	if target >= n {
		return 0
	}
	*s = Cut(*s, target)
	return n - utf8.RuneCountInString(*s)
}

// embedsTotal counts the characters Discord adds up against the 6000 limit.
func embedsTotal(embeds []*discordgo.MessageEmbed) int {
	total := 0
	for _, e := range embeds {
		total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		if e.Footer != nil {
			total += utf8.RuneCountInString(e.Footer.Text)
		}
		if e.Author != nil {
			total += utf8.RuneCountInString(e.Author.Name)
		}
		for _, f := range e.Fields {
			total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
	}
	return total
}

// Cut returns s in at most limit characters. A cut text ends at the last
// sentence end, else the last word end, found in its second half, followed
// by "…"; text without such a boundary is cut mid-word.
func Cut(s string, limit int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	if limit <= 0 {
		return ""
	}
	runes := []rune(s)
	if limit == 1 {
		return "…"
	}
	head := runes[:limit-1] // room for the ellipsis
	half := len(head) / 2

	// A sentence end: terminal punctuation followed by a space in the
	// original (CJK punctuation needs none).
	for i := len(head) - 1; i >= half; i-- {
		if isSentenceEnd(head[i]) && (head[i] > unicode.MaxLatin1 || unicode.IsSpace(runes[i+1])) {
			if i+2 <= len(head) { // room for " …"
				return string(head[:i+1]) + " …"
			}
		}
	}
	// A word end.
	for i := len(head); i > half; i-- {
		if unicode.IsSpace(runes[i]) {
			w := strings.TrimRightFunc(string(head[:i]), func(r rune) bool {
				return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':'
			})
			if w != "" {
				return w + "…"
			}
		}
	}
	return string(head) + "…"
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', '。', '！', '？':
		return true
	}
	return false
}
