package extract

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
)

func TestExtractArticle(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	for name, fn := range map[string]func([]byte, string) (Article, error){
		"Extract": Extract, "Readability": Readability, "TrafilaturaFallback": TrafilaturaFallback,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a, err := fn(page, "https://ledger.example/world/harbour-talks?utm_source=feed")
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != "Harbour talks resume in Valletta" {
				t.Errorf("Title = %q", a.Title)
			}
			if a.Byline != "Mara Testwright" {
				t.Errorf("Byline = %q", a.Byline)
			}
			if want := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC); a.Published.UTC().Truncate(24*time.Hour) != want {
				t.Errorf("Published = %v, want 2026-03-04", a.Published)
			}
			if a.Language != "en-GB" && a.Language != "en" {
				t.Errorf("Language = %q, want en-GB or en", a.Language)
			}
			if a.Site != "The Coastal Ledger" {
				t.Errorf("Site = %q", a.Site)
			}
			paras := strings.Split(a.Text, "\n\n")
			var body []string
			for _, p := range paras {
				if strings.HasPrefix(p, "Negotiators") || strings.HasPrefix(p, "The mediator") ||
					strings.HasPrefix(p, "Dock workers") || strings.HasPrefix(p, "Officials declined") {
					body = append(body, p)
				}
			}
			if len(body) != 4 {
				t.Errorf("want the 4 article paragraphs, each its own paragraph; text:\n%s", a.Text)
			}
			for _, junk := range []string{"Subscribe to our newsletter", "Celebrity chef", "do not include this script", "color: red"} {
				if strings.Contains(a.Text, junk) {
					t.Errorf("text contains %q:\n%s", junk, a.Text)
				}
			}
		})
	}
}

func TestExtractCanonicalURL(t *testing.T) {
	t.Parallel()
	page, _ := os.ReadFile("testdata/article.html")
	a, err := Extract(page, "https://ledger.example/world/harbour-talks?utm_source=feed")
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != "https://ledger.example/world/harbour-talks" {
		t.Errorf("URL = %q, want the canonical link", a.URL)
	}
	// Without a canonical link, the page URL is kept.
	bare := strings.Replace(string(page), `<link rel="canonical" href="https://ledger.example/world/harbour-talks">`, "", 1)
	a, err = Extract([]byte(bare), "https://ledger.example/p/1")
	if err != nil {
		t.Fatal(err)
	}
	if a.URL != "https://ledger.example/p/1" {
		t.Errorf("URL = %q, want the page URL", a.URL)
	}
}

func TestExtractNothing(t *testing.T) {
	t.Parallel()
	for name, page := range map[string]string{
		"empty":       "",
		"no body":     "<html><head><title>Only a title</title></head></html>",
		"only script": "<html><body><script>document.write('x')</script></body></html>",
		"binary":      "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	} {
		_, err := Extract([]byte(page), "https://x.example/")
		if !errors.Is(err, ErrNoArticle) {
			t.Errorf("%s: err = %v, want ErrNoArticle", name, err)
		}
	}
}

func TestExtractBadURL(t *testing.T) {
	t.Parallel()
	if _, err := Extract([]byte("<p>hi</p>"), "http://[::1"); err == nil || errors.Is(err, ErrNoArticle) {
		t.Fatalf("err = %v, want a URL error", err)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"<p>One  two\n three</p><p>Four</p>":                            "One two three\n\nFour",
		"<div>a<span>b</span> c<br>d</div>":                             "ab c\n\nd",
		"<ul><li>first</li><li>second</li></ul>":                        "first\n\nsecond",
		"<p>keep</p><script>drop()</script><style>p{}</style><p>me</p>": "keep\n\nme",
		"<table><tr><td>a</td><td>b</td></tr></table>":                  "a b",
		"<h2>Head</h2>text after":                                       "Head\n\ntext after",
		"<p>   </p><p></p>":                                             "",
	}
	for in, want := range cases {
		doc, err := html.Parse(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if got := Text(doc); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	// A tree built in code with tag names only (as trafilatura builds its output).
	list := &html.Node{Type: html.ElementNode, Data: "ul"}
	for _, s := range []string{"x", "y"} {
		li := &html.Node{Type: html.ElementNode, Data: "li"}
		li.AppendChild(&html.Node{Type: html.TextNode, Data: s})
		list.AppendChild(li)
	}
	if got := Text(list); got != "x\n\ny" {
		t.Errorf("Text(built tree) = %q, want %q", got, "x\n\ny")
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"en": "en", "EN": "en", "en-gb": "en-GB", "en_US": "en-US", "zh-hant-tw": "zh-Hant-TW",
		"": "", "english": "", "e": "", "en-": "", "fr-FR,en": "", "x1": "", "es-419": "es-419",
	}
	for in, want := range cases {
		if got := language(in); got != want {
			t.Errorf("language(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExtractLegacyCharset(t *testing.T) {
	t.Parallel()
	// "Переговоры возобновились" and a paragraph, written in windows-1251 as many Russian
	// and Ukrainian sites still serve them.
	text := "Переговоры в порту возобновились во вторник после трёх недель перерыва, сообщили представители обеих делегаций."
	enc, _ := charmap.Windows1251.NewEncoder().String(text)
	page := `<html><head><meta charset="windows-1251"><title>t</title></head><body><article><p>` + enc + `</p><p>` + enc + ` ` + enc + `</p></article></body></html>`
	a, err := Extract([]byte(page), "https://ru.example/a")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Text, "Переговоры в порту возобновились") {
		t.Fatalf("text not decoded from windows-1251: %q", a.Text)
	}
}

func FuzzExtract(f *testing.F) {
	page, _ := os.ReadFile("testdata/article.html")
	f.Add(page, "https://ledger.example/a")
	f.Add([]byte("<p>short</p>"), "")
	f.Add([]byte("<html><body><div><div><p>a<br>b</p></div>"), "http://x/")
	f.Fuzz(func(t *testing.T, page []byte, pageURL string) {
		a, err := Extract(page, pageURL)
		if err != nil {
			return
		}
		if strings.Contains(a.Text, "\n\n\n") || strings.TrimSpace(a.Text) != a.Text {
			t.Errorf("text not in paragraphs: %q", a.Text)
		}
		for _, p := range strings.Split(a.Text, "\n\n") {
			if p == "" || strings.Join(strings.Fields(p), " ") != p {
				t.Errorf("paragraph %q is empty or has unnormalised whitespace", p)
			}
		}
	})
}
