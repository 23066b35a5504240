package discordfmt

import (
	"fmt"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Check lists every Discord limit a message breaks (nil: none), the way
// Discord would refuse it with a 400. The fake Discord uses it, so that a
// message the real one would refuse fails in tests too.
func Check(content string, embeds []*discordgo.MessageEmbed) []string {
	var problems []string
	check := func(what, s string, limit int) {
		if !utf8.ValidString(s) {
			problems = append(problems, what+" is not valid UTF-8")
		}
		if n := utf8.RuneCountInString(s); n > limit {
			problems = append(problems, fmt.Sprintf("%s has %d characters, limit %d", what, n, limit))
		}
	}
	check("content", content, MaxContent)
	if len(embeds) > MaxEmbeds {
		problems = append(problems, fmt.Sprintf("%d embeds, limit %d", len(embeds), MaxEmbeds))
	}
	for _, e := range embeds {
		if e == nil {
			continue
		}
		check("title", e.Title, MaxTitle)
		check("description", e.Description, MaxDescription)
		if e.Footer != nil {
			check("footer", e.Footer.Text, MaxFooter)
		}
		if e.Author != nil {
			check("author", e.Author.Name, MaxAuthor)
		}
		if len(e.Fields) > MaxFields {
			problems = append(problems, fmt.Sprintf("%d fields, limit %d", len(e.Fields), MaxFields))
		}
		for _, f := range e.Fields {
			check("field name", f.Name, MaxFieldName)
			check("field value", f.Value, MaxFieldValue)
			if f.Name == "" || f.Value == "" {
				problems = append(problems, "empty field name or value")
			}
		}
	}
	if n := embedsTotal(embeds); n > MaxEmbedTotal {
		problems = append(problems, fmt.Sprintf("embeds total %d characters, limit %d", n, MaxEmbedTotal))
	}
	return problems
}
