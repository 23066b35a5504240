package digest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/geobrief/geobrief/batch"
)

// messageLimit is Discord's limit on a message's content, in characters.
const messageLimit = 2000

// Render turns a digest into Discord messages, in order, each within
// Discord's limit. Items are never split across messages.
func Render(d Digest, heading string, skipEmpty bool) []string {
	if len(d.Items) == 0 {
		if skipEmpty {
			return nil
		}
		return []string{clip(fmt.Sprintf("**%s**\nNo new documents since %s.", heading, d.Since.UTC().Format("2 Jan 2006 15:04 MST")), messageLimit)}
	}
	var blocks []string
	head := "**" + heading + "**"
	if d.Offline {
		head += " _(offline summaries)_"
	}
	if d.Topline != "" {
		head += "\n" + escape(d.Topline)
	}
	blocks = append(blocks, head)
	for i, it := range d.Items {
		blocks = append(blocks, renderItem(i+1, it, d.Offline))
	}
	for i := range blocks {
		blocks[i] = clip(blocks[i], messageLimit)
	}
	var msgs []string
	runes := func(s string) int { return utf8.RuneCountInString(s) }
	for _, group := range batch.Pack(blocks, runes, batch.Limit{Max: messageLimit, Sep: 2}) {
		msgs = append(msgs, strings.Join(group, "\n\n"))
	}
	return msgs
}

func renderItem(n int, it Item, allOffline bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%d. %s**", n, escape(clip(it.Headline, 256)))
	if it.Updated {
		b.WriteString(" _(Updated)_")
	}
	if it.Offline && !allOffline {
		b.WriteString(" _(offline summary)_")
	}
	b.WriteString("\n" + escape(clip(it.Sentence, 600)))
	var src []string
	if it.Source != "" {
		src = append(src, escape(clip(it.Source, 200)))
	}
	if !it.Published.IsZero() {
		src = append(src, it.Published.Format("2 Jan 2006"))
	}
	if it.URL != "" {
		src = append(src, "<"+clip(it.URL, 300)+">")
	}
	src = append(src, "`"+strings.ReplaceAll(it.DocID, "`", "")+"`")
	b.WriteString("\n_" + strings.Join(src, " · ") + "_")
	return b.String()
}

// markdown escapes the characters Discord would read as formatting, so a
// headline or a sentence from a document or a model shows as written.
var markdown = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, ">", `\>`, "[", `\[`, "]", `\]`,
)

func escape(s string) string { return markdown.Replace(s) }

// clip cuts s to at most n characters at a word boundary, with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}
