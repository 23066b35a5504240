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
		return []string{discordfmt.FitContent(fmt.Sprintf("**%s**\nNo new documents since %s.", heading, d.Since.UTC().Format("2 Jan 2006 15:04 MST")))}
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
	if it.Source != "" {
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
