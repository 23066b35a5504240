package digest

import (
	"fmt"
	"strings"

	"github.com/geobrief/geobrief/discordfmt"
)

// messageLimit is Discord's limit on a message's content, in characters.
const messageLimit = discordfmt.MaxContent

// Render turns a digest into Discord messages, in order, each within
// Discord's limit. Items are never split across messages.
func Render(d Digest, heading string, skipEmpty bool) []string {
	if len(d.Items) == 0 {
		if skipEmpty {
			return nil
		}
		what := "documents"
		if d.ByStory {
			what = "stories"
		}
		return []string{discordfmt.FitContent(fmt.Sprintf("**%s**\nNo new %s since %s.", heading, what, d.Since.UTC().Format("2 Jan 2006 15:04 MST")))}
	}
	head := "**" + heading + "**"
	if d.Offline {
		head += " _(offline summaries)_"
	}
	if d.Topline != "" {
		head += "\n" + discordfmt.Escape(d.Topline)
	}
	blocks := []string{head}
	for i, it := range d.Items {
		blocks = append(blocks, renderItem(i+1, it, d.Offline))
	}
	return discordfmt.Pack(blocks)
}

func renderItem(n int, it Item, allOffline bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%d. %s**", n, discordfmt.Escape(discordfmt.Cut(it.Headline, 256)))
	if it.Updated {
		b.WriteString(" _(Updated)_")
	}
	if it.Offline && !allOffline {
		b.WriteString(" _(offline summary)_")
	}
	b.WriteString("\n" + discordfmt.Escape(discordfmt.Cut(it.Sentence, 600)))
	var src []string
	switch {
	case it.StoryID != "" || len(it.Sources) > 1:
		src = append(src, discordfmt.Escape(SourceList(it.Sources)))
	case it.Source != "":
		src = append(src, discordfmt.Escape(discordfmt.Cut(it.Source, 200)))
	}
	if !it.Published.IsZero() {
		src = append(src, it.Published.Format("2 Jan 2006"))
	}
	if it.URL != "" {
		src = append(src, "<"+discordfmt.Cut(it.URL, 300)+">")
	}
	src = append(src, discordfmt.Code(it.DocID))
	b.WriteString("\n_" + strings.Join(src, " · ") + "_")
	return b.String()
}

// maxSourceNames is how many sources a story item names before it only
// counts the rest: a story covered by forty outlets must not fill the
// message with their names.
const maxSourceNames = 6

// SourceList says how many sources covered a story and names them, in
// plain text: "3 sources: AP, Reuters, CNN".
func SourceList(sources []string) string {
	if len(sources) == 0 {
		return "no named source"
	}
	names := make([]string, 0, min(len(sources), maxSourceNames))
	for _, s := range sources[:min(len(sources), maxSourceNames)] {
		names = append(names, discordfmt.Cut(s, 60))
	}
	list := strings.Join(names, ", ")
	if rest := len(sources) - len(names); rest > 0 {
		list += fmt.Sprintf(" and %d more", rest)
	}
	if len(sources) == 1 {
		return "1 source: " + list
	}
	return fmt.Sprintf("%d sources: %s", len(sources), list)
}
