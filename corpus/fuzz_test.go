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
	f.Add("d.txt", []byte("word “quoted.” Next… "+strings.Repeat("long ", 40)))

	f.Fuzz(func(t *testing.T, name string, raw []byte) {
		doc, err := ParseFile(name, raw, time.Time{})
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
		fm, body, err := splitFrontMatter(text)
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
