package discordfmt

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeShowsMarkdownLiterally(t *testing.T) {
	t.Parallel()
	got := Escape("**bold** _it_ `code` > q | p [l](u) \\")
	want := `\*\*bold\*\* \_it\_ \` + "`" + `code\` + "`" + ` \> q \| p \[l\](u) \\`
	if got != want {
		t.Fatalf("Escape = %q, want %q", got, want)
	}
}

func TestWebURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://example.org/a": "https://example.org/a",
		" http://x.org ":        "http://x.org",
		"ftp://x.org":           "",
		"/relative":             "",
		"":                      "",
	} {
		if got := WebURL(in); got != want {
			t.Errorf("WebURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPackKeepsOrderAndLimit(t *testing.T) {
	t.Parallel()
	var blocks []string
	for i := range 30 {
		blocks = append(blocks, fmt.Sprintf("block %02d ", i)+strings.Repeat("word ", 40))
	}
	blocks[7] = strings.Repeat("huge ", 1000)
	msgs := Pack(blocks)
	if len(msgs) < 3 {
		t.Fatalf("30 blocks of ~210 characters in %d messages", len(msgs))
	}
	all := strings.Join(msgs, "\n\n")
	last := -1
	for i := range 30 {
		if i == 7 {
			continue
		}
		at := strings.Index(all, fmt.Sprintf("block %02d ", i))
		if at <= last {
			t.Fatalf("block %d out of order or missing", i)
		}
		last = at
	}
	for i, m := range msgs {
		if n := utf8.RuneCountInString(m); n > MaxContent {
			t.Fatalf("message %d has %d characters", i, n)
		}
	}
}
