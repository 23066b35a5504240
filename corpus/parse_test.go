package corpus_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

var modTime = time.Date(2025, 4, 12, 8, 30, 0, 0, time.UTC)

func TestParseFileFrontMatter(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want corpus.Document // ID, Hash and Added are checked elsewhere
	}{
		{
			name: "all keys, quoted values, unknown key",
			raw: "---\n" +
				"title: \"Envoy meets \\\"the\\\" president\"\n" +
				"source: 'Wire service, Geneva desk'\n" +
				"url: https://example.org/a?b=1\n" +
				"published: 2025-04-11\n" +
				"language: en\n" +
				"tags: [diplomacy, \"Russia\", 'United States']\n" +
				"derived_from: 000_x.txt\n" +
				"---\n\nFirst paragraph.\n\nSecond paragraph.\n",
			want: corpus.Document{
				Title:     `Envoy meets "the" president`,
				Source:    "Wire service, Geneva desk",
				URL:       "https://example.org/a?b=1",
				Language:  "en",
				Tags:      []string{"diplomacy", "Russia", "United States"},
				Published: time.Date(2025, 4, 11, 0, 0, 0, 0, time.UTC),
				Body:      "First paragraph.\n\nSecond paragraph.",
			},
		},
		{
			name: "RFC 3339 date, bare tags, case of keys, comments",
			raw: "---\n# a comment\nTitle: Ceasefire stalls\n\nPublished: 2025-04-10T18:05:00+03:00\n" +
				"tags: ceasefire, , ukraine,ceasefire\n---\nBody text here.",
			want: corpus.Document{
				Title:     "Ceasefire stalls",
				Tags:      []string{"ceasefire", "ukraine"},
				Published: time.Date(2025, 4, 10, 15, 5, 0, 0, time.UTC),
				Body:      "Body text here.",
			},
		},
		{
			name: "tags as a YAML list, nested unknown key skipped",
			raw:  "---\ntitle: It's a list\ntags:\n  - navy\n  - \"shipbuilding\"\nextra:\n  nested: value\n  - item\n---\nText.",
			want: corpus.Document{
				Title: "It's a list",
				Tags:  []string{"navy", "shipbuilding"},
				Body:  "Text.",
			},
		},
		{
			name: "single quotes with a doubled quote, white space collapsed",
			raw:  "---\ntitle: '  Moscow''s   offer '\n---\nText.",
			want: corpus.Document{Title: "Moscow's offer", Body: "Text."},
		},
		{
			name: "empty title falls back to the body",
			raw:  "---\ntitle: \"\"\npublished:\n---\nTalks resume in Oman\n\nDelegations met on Saturday.",
			want: corpus.Document{Title: "Talks resume in Oman", Body: "Delegations met on Saturday."},
		},
		{
			name: "BOM and CRLF line endings",
			raw:  "\uFEFF---\r\ntitle: Windows file\r\n---\r\nLine one.\r\nLine two.\r\n",
			want: corpus.Document{Title: "Windows file", Body: "Line one.\nLine two."},
		},
		{
			name: "no front matter, lone CR line endings",
			raw:  "Old Mac headline\rBody line.\r",
			want: corpus.Document{Title: "Old Mac headline", Body: "Body line."},
		},
		{
			name: "a later --- line is body text",
			raw:  "Headline\n---\nMore.",
			want: corpus.Document{Title: "Headline", Body: "---\nMore."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ignored, err := corpus.ParseFile("doc.md", []byte(tt.raw), modTime)
			if err != nil || len(ignored) > 0 {
				t.Fatalf("ParseFile: %v, ignored %q", err, ignored)
			}
			got := doc
			got.ID, got.Hash, got.Added = "", "", time.Time{}
			if !got.Published.Equal(tt.want.Published) {
				t.Errorf("Published = %v, want %v", got.Published, tt.want.Published)
			}
			got.Published, tt.want.Published = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestParseFileTitle(t *testing.T) {
	tests := []struct {
		name, raw, title, body string
	}{
		{
			name:  "short first line is a headline and leaves the body",
			raw:   "Witkoff lands in St Petersburg\n\nThe envoy arrived on Friday. He met officials.",
			title: "Witkoff lands in St Petersburg",
			body:  "The envoy arrived on Friday. He met officials.",
		},
		{
			name:  "Markdown heading, even with a question mark",
			raw:   "## Will the talks hold? ##\nDelegates met again.",
			title: "Will the talks hold?",
			body:  "Delegates met again.",
		},
		{
			name:  "first line ending in a period is a sentence",
			raw:   "The envoy arrived on Friday.\nHe met officials.",
			title: "The envoy arrived on Friday",
			body:  "The envoy arrived on Friday.\nHe met officials.",
		},
		{
			name:  "first line ending in a question mark keeps it",
			raw:   "Who speaks for Europe?\nNobody agrees.",
			title: "Who speaks for Europe?",
			body:  "Who speaks for Europe?\nNobody agrees.",
		},
		{
			name:  "single line is the whole body, not a headline",
			raw:   "Only one line without a period",
			title: "Only one line without a period",
			body:  "Only one line without a period",
		},
		{
			name:  "hard-wrapped paragraph is not a headline",
			raw:   "Officials from both sides met in Istanbul\non Thursday to discuss embassies. More later.",
			title: "Officials from both sides met in Istanbul on Thursday to discuss embassies",
			body:  "Officials from both sides met in Istanbul\non Thursday to discuss embassies. More later.",
		},
		{
			name:  "first line ending in a comma runs on",
			raw:   "In a statement on Friday,\nThe Kremlin said little. Then more.",
			title: "In a statement on Friday, The Kremlin said little",
			body:  "In a statement on Friday,\nThe Kremlin said little. Then more.",
		},
		{
			name:  "abbreviations and initials do not end a sentence",
			raw:   "Mr. Smith of the U.S. Navy and J. Doe met Gen. Ivanov on Jan. 5 in St. Petersburg. Nothing was agreed.",
			title: "Mr. Smith of the U.S. Navy and J. Doe met Gen. Ivanov on Jan. 5 in St. Petersburg",
		},
		{
			name:  "closing quote after the period belongs to the sentence",
			raw:   "He called it “extraordinarily important.” Others disagreed.",
			title: "He called it “extraordinarily important.”",
		},
		{
			name:  "a lower-case word after a period continues the sentence",
			raw:   "Talks on trade, e.g. tariffs, went on. Then lunch.",
			title: "Talks on trade, e.g. tariffs, went on",
		},
		{
			name: "long sentence cut at a word boundary",
			raw: "Negotiators from the two governments spent most of Thursday in a closed room " +
				"discussing the return of diplomats, the reopening of consulates and banking for embassies. Next.",
			title: "Negotiators from the two governments spent most of Thursday in a closed room discussing the return…",
		},
		{
			name:  "long word without spaces is cut hard",
			raw:   strings.Repeat("x", 150) + ". End.",
			title: strings.Repeat("x", 99) + "…",
		},
		{
			name:  "headline longer than 120 characters falls back to a sentence",
			raw:   strings.Repeat("word ", 30) + "\nBody.",
			title: strings.TrimSpace(strings.Repeat("word ", 19)) + " word…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, err := corpus.ParseFile("a.txt", []byte(tt.raw), modTime)
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			if doc.Title != tt.title {
				t.Errorf("Title = %q\nwant    %q", doc.Title, tt.title)
			}
			if tt.body != "" && doc.Body != tt.body {
				t.Errorf("Body = %q\nwant   %q", doc.Body, tt.body)
			}
			if n := len([]rune(doc.Title)); n > 120 {
				t.Errorf("title has %d characters", n)
			}
		})
	}
}

// testdata/geneva-talks.txt has the shape of the original seed: no headline,
// a long first sentence opening with an abbreviation, curly quotes, a
// one-word subheading and a trailing credit line without a final newline.
func TestParseFileSeedShaped(t *testing.T) {
	raw, err := os.ReadFile("testdata/geneva-talks.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := corpus.ParseFile("geneva-talks.txt", raw, time.Time{})
	if err != nil {
		t.Fatalf("ParseFile: %v", err)
	}
	const title = "U.N. Secretary-General’s special coordinator, Maria Lindqvist, landed in Geneva on Tuesday for a…"
	if doc.Title != title {
		t.Errorf("Title = %q\nwant    %q", doc.Title, title)
	}
	if doc.ID != "geneva-talks" {
		t.Errorf("ID = %q", doc.ID)
	}
	if !strings.HasPrefix(doc.Body, "U.N. Secretary-General’s") || !strings.HasSuffix(doc.Body, "(With inputs from Reuters)") {
		t.Errorf("body lost its first or last line: %q … %q", doc.Body[:40], doc.Body[len(doc.Body)-40:])
	}
	if !strings.Contains(doc.Body, "\nNormalisation\n") {
		t.Error("subheading line missing from the body")
	}
	if !doc.Added.IsZero() || !doc.Published.IsZero() {
		t.Errorf("Added = %v, Published = %v; want both zero", doc.Added, doc.Published)
	}
}

func TestParseFileIDHashAdded(t *testing.T) {
	raw := []byte("\uFEFF---\npublished: 2025-04-11\n---\nHeadline\nText.")
	doc, _, err := corpus.ParseFile("2025-04-11-envoy.v2.md", raw, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "2025-04-11-envoy.v2" {
		t.Errorf("ID = %q", doc.ID)
	}
	sum := sha256.Sum256(raw)
	if doc.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("Hash = %q, want the SHA-256 of the raw bytes", doc.Hash)
	}
	if want := time.Date(2025, 4, 11, 0, 0, 0, 0, time.UTC); !doc.Added.Equal(want) {
		t.Errorf("Added = %v, want Published %v when modTime is zero", doc.Added, want)
	}
	doc, _, err = corpus.ParseFile("x", raw, modTime)
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "x" || !doc.Added.Equal(modTime) {
		t.Errorf("ID = %q, Added = %v; want x, %v", doc.ID, doc.Added, modTime)
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name, file string
		raw        []byte
		kind       error
		msg        string
	}{
		{"empty", "a.txt", nil, corpus.ErrEmpty, "empty file"},
		{"only white space and BOM", "a.txt", []byte("\uFEFF \r\n\t\n"), corpus.ErrEmpty, "empty file"},
		{"front matter only", "a.md", []byte("---\ntitle: T\n---\n\n"), corpus.ErrEmpty, "no text after the front matter"},
		{"too large", "a.txt", bytes.Repeat([]byte("a"), 3<<20+100<<10), corpus.ErrTooLarge, "larger than 2 MB (3.1 MB)"},
		{"just over the limit", "a.txt", bytes.Repeat([]byte("a"), corpus.MaxFileSize+1), corpus.ErrTooLarge, "larger than 2 MB (2097153 bytes)"},
		{"NUL byte", "a.txt", []byte("abc\x00def"), corpus.ErrBinary, "looks binary (NUL byte at offset 3)"},
		{"UTF-16", "a.txt", []byte{0xFF, 0xFE, 'a', 0}, corpus.ErrNotUTF8, "not UTF-8 text (UTF-16 byte order mark; save it as UTF-8)"},
		{"Latin-1", "a.txt", []byte("caf\xe9 au lait"), corpus.ErrNotUTF8, "not UTF-8 text (invalid byte at offset 3)"},
		{"long ID", strings.Repeat("é", 101) + ".md", []byte("x"), corpus.ErrBadName, "ID longer than 100 characters (101)"},
		{"no ID", ".md", []byte("x"), corpus.ErrBadName, "file name has no ID before its extension"},
		{"name not UTF-8", "\xff.md", []byte("x"), corpus.ErrBadName, "file name is not UTF-8"},
		{"control character in name", "a\nb.md", []byte("x"), corpus.ErrBadName, "file name contains a control character"},
		{"unclosed front matter", "a.md", []byte("---\ntitle: T\nText."), corpus.ErrFrontMatter, "front matter: no closing ---"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, err := corpus.ParseFile(tt.file, tt.raw, modTime)
			if err == nil {
				t.Fatalf("no error; got %+v", doc)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q is not %v", err, tt.kind)
			}
			if err.Error() != tt.msg {
				t.Errorf("error = %q\nwant    %q", err, tt.msg)
			}
			if !reflect.DeepEqual(doc, corpus.Document{}) {
				t.Errorf("document not empty on error: %+v", doc)
			}
		})
	}
}

// A front matter line or field that cannot be used costs only itself: the
// document is kept with the rest, and ignored says what was left out.
func TestParseFileIgnoresBadFields(t *testing.T) {
	tests := []struct {
		name, raw string
		want      corpus.Document // ID, Hash and Added are not compared
		ignored   string
	}{
		{"bad date", "---\ntitle: T\npublished: x\n---\nText.", corpus.Document{Title: "T", Body: "Text."},
			`front matter: published: cannot parse "x" (want RFC 3339 or YYYY-MM-DD)`},
		{"line without colon", "---\ntitle: T\njust words\n---\nText.", corpus.Document{Title: "T", Body: "Text."},
			`front matter: line 3: want "key: value", got "just words"`},
		{"key twice", "---\ntitle: A\nTITLE: B\n---\nText.", corpus.Document{Title: "A", Body: "Text."},
			"front matter: line 3: title given twice; the first is used"},
		{"list item outside tags", "---\ntitle: A\n- x\n---\nText.", corpus.Document{Title: "A", Body: "Text."},
			"front matter: line 3: list item outside tags"},
		{"indented known key", "---\ntitle: A\n  more\n---\nText.", corpus.Document{Title: "A", Body: "Text."},
			"front matter: line 3: unexpected indented line"},
		{"no key", "---\n: value\nsource: S\n---\nHeadline\nText.", corpus.Document{Title: "Headline", Source: "S", Body: "Text."},
			`front matter: line 2: no key before ":"`},
		{"bad quoting", "---\ntitle: \"a\\qb\"\n---\nHeadline\nText.", corpus.Document{Title: "Headline", Body: "Text."},
			`front matter: title: bad quoted value "a\qb"`},
		{"escape to invalid UTF-8", "---\ntitle: \"\\xff\"\n---\nHeadline\nText.", corpus.Document{Title: "Headline", Body: "Text."},
			`front matter: title: quoted value "\xff" is not UTF-8`},
		{"bad tag item", "---\ntags:\n  - \"a\\q\"\n  - b\n---\nHeadline\nText.", corpus.Document{Title: "Headline", Tags: []string{"b"}, Body: "Text."},
			`front matter: line 3: tag: bad quoted value "a\q"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ignored, err := corpus.ParseFile("a.md", []byte(tt.raw), modTime)
			if err != nil {
				t.Fatalf("the document was rejected: %v", err)
			}
			if len(ignored) != 1 || ignored[0] != tt.ignored {
				t.Errorf("ignored = %q\nwant      [%q]", ignored, tt.ignored)
			}
			doc.ID, doc.Hash, doc.Added = "", "", time.Time{}
			if !reflect.DeepEqual(doc, tt.want) {
				t.Errorf("got  %#v\nwant %#v", doc, tt.want)
			}
		})
	}
}

// YAML comments after a value are not part of it: the README's own example
// (published: 2025-04-12   # or RFC 3339) once cost the whole file.
func TestParseFileTrailingComments(t *testing.T) {
	raw := "---\n" +
		"title: 'O''Brien # 1 talks' # the title\n" +
		"source: O'Brien's wire # apostrophes are text\n" +
		"url: https://example.com/story#part-2   # a fragment is not a comment\n" +
		"published: 2025-04-12   # or RFC 3339\n" +
		"language: en\t# tab before the comment\n" +
		"tags: [iran, \"talks # one\"] # a list\n" +
		"---\n" +
		"Text."
	doc, ignored, err := corpus.ParseFile("a.md", []byte(raw), modTime)
	if err != nil || len(ignored) > 0 {
		t.Fatalf("ParseFile: %v, ignored %q", err, ignored)
	}
	want := corpus.Document{
		Title: "O'Brien # 1 talks", Source: "O'Brien's wire", URL: "https://example.com/story#part-2",
		Language: "en", Tags: []string{"iran", "talks # one"}, Body: "Text.",
		Published: time.Date(2025, 4, 12, 0, 0, 0, 0, time.UTC),
	}
	doc.ID, doc.Hash, doc.Added = "", "", time.Time{}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("got  %#v\nwant %#v", doc, want)
	}
}
