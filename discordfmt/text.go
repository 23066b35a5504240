// Package discordfmt formats text for Discord, for the commands and the
// digests alike: Discord's limits, cutting text to a limit at a sentence or
// word end, escaping Markdown, fitting embeds within every limit, packing
// blocks into messages, and the embed colours.
package discordfmt

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/geobrief/geobrief/batch"
)

// The embed colours: one for answers, a grey one for offline summaries so
// they read as different at a glance.
const (
	Color        = 0x2b6cb0
	ColorOffline = 0x718096
)

// markdown escapes the characters Discord reads as formatting.
var markdown = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, ">", `\>`, "[", `\[`, "]", `\]`,
)

// Escape makes text from documents or a model show literally: a headline
// with asterisks must not turn bold.
func Escape(s string) string { return markdown.Replace(s) }

// OneLine collapses whitespace, so titles cannot break a layout.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Code shows s as inline code; backticks, which would end it, are dropped.
func Code(s string) string { return "`" + strings.ReplaceAll(s, "`", "") + "`" }

// WebURL returns u when it is an absolute http(s) URL Discord accepts in an
// embed, else "" (Discord rejects the whole message for a bad URL).
func WebURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || len(u) > 2048 {
		return ""
	}
	return p.String()
}

// blockSep joins the blocks of one message.
const blockSep = "\n\n"

// Pack joins blocks, in order, into as few messages as fit MaxContent each,
// a blank line between blocks; a block is never split across messages (one
// too long alone is cut first).
func Pack(blocks []string) []string {
	fitted := make([]string, len(blocks))
	for i, b := range blocks {
		fitted[i] = Cut(b, MaxContent)
	}
	runes := func(s string) int { return utf8.RuneCountInString(s) }
	var msgs []string
	for _, group := range batch.Pack(fitted, runes, batch.Limit{Max: MaxContent, Sep: utf8.RuneCountInString(blockSep)}) {
		msgs = append(msgs, strings.Join(group, blockSep))
	}
	return msgs
}
