package corpus

import (
	"os"
	"path"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzParseFile(f *testing.F) {
	seed, err := os.ReadFile("testdata/geneva-talks.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("geneva-talks.txt", seed)
	f.Add("a.md", []byte("---\ntitle: \"T\"\ntags: [a, 'b']\npublished: 2025-04-11\n---\nHeadline\n\nText."))
	f.Add("b.txt", []byte("\uFEFF# Heading #\r\nMr. X met the U.S. envoy. More."))
	f.Add("c.md", []byte("---\ntags:\n  - x\nother:\n  k: v\n---\n"))
	f.Add("e.md", []byte("---\npublished: 2025-04-12   # or RFC 3339\ntitle: 'O''Brien # 1' # c\ntags: [a, \"b # c\"] # x\n---\nText."))
	f.Add("d.txt", []byte("word “quoted.” Next… "+strings.Repeat("long ", 40)))

	f.Fuzz(func(t *testing.T, name string, raw []byte) {
		doc, ignored, err := ParseFile(name, raw, time.Time{})
		for _, why := range ignored {
			if why == "" || strings.Contains(why, "\n") {
				t.Fatalf("ignored part described as %q", why)
			}
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if want := strings.TrimSuffix(name, path.Ext(name)); doc.ID != want {
			t.Fatalf("ID = %q, want %q", doc.ID, want)
		}
		fields := append([]string{doc.ID, doc.Title, doc.Source, doc.URL, doc.Language, doc.Body, doc.Hash}, doc.Tags...)
		for _, s := range fields {
			if !utf8.ValidString(s) {
				t.Fatalf("field %q is not UTF-8", s)
			}
		}
		if doc.Title == "" || doc.Body == "" || len(doc.Hash) != 64 {
			t.Fatalf("missing title, body or hash: %+v", doc)
		}
		if doc.Body != strings.TrimSpace(doc.Body) || strings.Contains(doc.Body, "\r") {
			t.Fatalf("body not trimmed or has CR: %q", doc.Body)
		}
		if !doc.Added.Equal(doc.Published) {
			t.Fatalf("Added %v, Published %v with a zero modTime", doc.Added, doc.Published)
		}

		// Titles derived from the body: a headline of at most 120
		// characters, or a sentence of at most 100.
		text := strings.ReplaceAll(strings.ReplaceAll(strings.TrimPrefix(string(raw), utf8BOM), "\r\n", "\n"), "\r", "\n")
		fm, body, _, err := splitFrontMatter(text)
		if err != nil {
			t.Fatalf("ParseFile accepted what splitFrontMatter rejects: %v", err)
		}
		if fm.title != "" {
			return
		}
		title, rest := titleFromBody(strings.TrimSpace(body))
		if title != doc.Title || rest != doc.Body {
			t.Fatalf("titleFromBody disagrees with ParseFile")
		}
		n := utf8.RuneCountInString(doc.Title)
		if rest != strings.TrimSpace(body) {
			if n > maxHeadline {
				t.Fatalf("headline of %d characters", n)
			}
		} else if n > maxSentenceTitle {
			t.Fatalf("sentence title of %d characters: %q", n, doc.Title)
		}
	})
}

// cutComment only ever removes a tail that starts with " #" or "\t#".
func FuzzCutComment(f *testing.F) {
	for _, s := range []string{"2025-04-12   # or RFC 3339", "'a # b' # c", `"a \" # b" # c`, "[a, 'b # c'] # d", "https://x.org/a#b", "O'Brien # x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := cutComment(v)
		if !strings.HasPrefix(v, got) {
			t.Fatalf("cutComment(%q) = %q, not a prefix", v, got)
		}
		if rest := strings.TrimLeft(v[len(got):], " \t"); rest != "" && (rest[0] != '#' || len(rest) == len(v)-len(got)) {
			t.Fatalf("cutComment(%q) cut %q, not a comment after a space", v, v[len(got):])
		}
	})
}
