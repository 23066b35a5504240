package corpus

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// frontMatter holds the fields read from the block between the two "---" lines.
type frontMatter struct {
	present   bool
	title     string
	source    string
	url       string
	language  string
	tags      []string
	published time.Time
}

// knownKeys are the front matter keys ParseFile uses; any other key is
// accepted and ignored (e.g. derived_from).
var knownKeys = map[string]bool{
	"title": true, "source": true, "url": true,
	"published": true, "language": true, "tags": true,
}

// splitFrontMatter separates optional front matter from the rest of text.
// text has LF line endings and no BOM. ignored lists the parts of the front
// matter that could not be used and were left out; only front matter with
// no end is an error, since the body cannot be told from it.
func splitFrontMatter(text string) (fm frontMatter, body string, ignored []string, err error) {
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimRight(first, " \t") != "---" {
		return frontMatter{}, text, nil, nil
	}
	var lines []string
	closed := false
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if strings.TrimSpace(line) == "---" {
			body, closed = rest, true
			break
		}
		lines = append(lines, line)
	}
	if !closed {
		return frontMatter{}, "", nil, fail(ErrFrontMatter, "front matter: no closing ---")
	}
	fm, ignored = parseFrontMatter(lines)
	return fm, body, ignored, nil
}

// parseFrontMatter reads "key: value" lines. Line numbers count the opening
// "---" as line 1. Besides plain pairs it accepts comments (# at the start of
// a line, or after a value and a space, as YAML does), blank lines, tags
// written as a list of "- tag" lines, and indented lines under unknown keys,
// which are skipped with their key. A line or a value it cannot use costs
// only that line or field: it is left out and described in ignored, and the
// document is kept.
func parseFrontMatter(lines []string) (fm frontMatter, ignored []string) {
	fm.present = true
	seen := map[string]bool{}
	current := "" // the key of the last "key: value" line
	skip := func(format string, a ...any) {
		ignored = append(ignored, "front matter: "+fmt.Sprintf(format, a...))
	}
	for i, line := range lines {
		n := i + 2
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if trimmed == "-" || strings.HasPrefix(trimmed, "- ") {
			switch {
			case current == "tags":
				tag, err := unquote(cutComment(strings.TrimSpace(trimmed[1:])))
				if err != nil {
					skip("line %d: tag: %v", n, err)
					continue
				}
				fm.tags = addTag(fm.tags, tag)
			case current != "" && !knownKeys[current]:
			default:
				skip("line %d: list item outside tags", n)
			}
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if current == "" || knownKeys[current] {
				skip("line %d: unexpected indented line", n)
			}
			continue
		}
		key, value, ok := strings.Cut(trimmed, ":")
		if !ok {
			skip("line %d: want \"key: value\", got %q", n, clip(trimmed, 40))
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if key == "" {
			skip("line %d: no key before \":\"", n)
			continue
		}
		current = key
		if !knownKeys[key] {
			continue
		}
		if seen[key] {
			skip("line %d: %s given twice; the first is used", n, key)
			continue
		}
		seen[key] = true
		if err := fm.set(key, cutComment(strings.TrimSpace(value))); err != nil {
			skip("%s: %v", key, err)
		}
	}
	return fm, ignored
}

// cutComment removes a trailing YAML comment: a # that follows a space,
// outside quotes. Quotes count only where YAML reads them as quotes, at
// the start of a value or of an item of a [list], so the apostrophe of
// O'Brien is text; a # inside a word (a URL's #fragment) is text too.
func cutComment(v string) string {
	itemStart := true
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case itemStart && (c == '"' || c == '\''):
			i = closingQuote(v, i)
			itemStart = false
		case c == '#' && i > 0 && (v[i-1] == ' ' || v[i-1] == '\t'):
			return strings.TrimRight(v[:i], " \t")
		case c == '[' || c == ',':
			itemStart = true
		case c != ' ' && c != '\t':
			itemStart = false
		}
	}
	return v
}

// closingQuote returns the index of the quote that closes the one at
// v[open], or the last index when it is never closed.
func closingQuote(v string, open int) int {
	q := v[open]
	for i := open + 1; i < len(v); i++ {
		switch {
		case q == '"' && v[i] == '\\':
			i++ // an escaped character, perhaps a quote
		case v[i] == q && q == '\'' && i+1 < len(v) && v[i+1] == '\'':
			i++ // '' is a quote inside single quotes
		case v[i] == q:
			return i
		}
	}
	return len(v) - 1
}

func (fm *frontMatter) set(key, value string) error {
	if key == "tags" {
		return fm.setTags(value)
	}
	v, err := unquote(value)
	if err != nil {
		return err
	}
	switch key {
	case "title":
		fm.title = collapseSpace(v)
	case "source":
		fm.source = collapseSpace(v)
	case "language":
		fm.language = collapseSpace(v)
	case "url":
		fm.url = strings.TrimSpace(v)
	case "published":
		t, err := parseDate(strings.TrimSpace(v))
		if err != nil {
			return err
		}
		fm.published = t
	}
	return nil
}

// setTags reads "[a, b]" or "a, b".
func (fm *frontMatter) setTags(value string) error {
	value = strings.TrimSpace(value)
	value = strings.TrimPrefix(value, "[")
	value = strings.TrimSuffix(value, "]")
	for part := range strings.SplitSeq(value, ",") {
		tag, err := unquote(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		fm.tags = addTag(fm.tags, tag)
	}
	return nil
}

func addTag(tags []string, tag string) []string {
	tag = collapseSpace(tag)
	if tag == "" {
		return tags
	}
	for _, t := range tags {
		if t == tag {
			return tags
		}
	}
	return append(tags, tag)
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("cannot parse %q (want RFC 3339 or YYYY-MM-DD)", clip(s, 40))
}

// unquote removes one pair of double or single quotes around v, as YAML would.
func unquote(v string) (string, error) {
	if len(v) < 2 {
		return v, nil
	}
	switch {
	case v[0] == '"' && v[len(v)-1] == '"':
		s, err := strconv.Unquote(v)
		if err != nil {
			return "", fmt.Errorf("bad quoted value %s", clip(v, 40))
		}
		if !utf8.ValidString(s) {
			return "", fmt.Errorf("quoted value %s is not UTF-8", clip(v, 40))
		}
		return s, nil
	case v[0] == '\'' && v[len(v)-1] == '\'':
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'"), nil
	}
	return v, nil
}

// clip shortens s to at most n runes for quoting it in an error.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
