// Package extract takes the article out of a web page: title, byline, published time,
// language, site name and the main text, as paragraphs.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"
)

// Article is what extraction found. Zero fields were not found.
type Article struct {
	Title     string
	Byline    string
	Published time.Time
	Language  string // BCP 47, e.g. "en" or "pt-BR"
	Site      string
	URL       string // the page's canonical URL when it names one, else the page URL
	// Text is the main text: paragraphs separated by one blank line.
	Text string
}

// ErrNoArticle: the page has no text that reads as an article.
var ErrNoArticle = errors.New("extract: no article text found")

// Extract returns the article in page, fetched from pageURL (used to resolve relative
// links and as the URL when the page names none). It uses go-trafilatura, and
// go-readability when trafilatura finds no text; BENCHMARKS.md "Article extraction"
// has the measurements behind that choice.
func Extract(page []byte, pageURL string) (art Article, err error) {
	// Pages are hostile input and the extractors are large third-party code: a panic on
	// one page must cost that page, not the process.
	defer func() {
		if p := recover(); p != nil {
			art, err = Article{}, fmt.Errorf("%w: extractor panicked: %v", ErrNoArticle, p)
		}
	}()
	a, err := Trafilatura(page, pageURL)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, ErrNoArticle) {
		return Article{}, err
	}
	b, rerr := Readability(page, pageURL)
	if rerr != nil {
		return a, err // trafilatura's reason is the one worth showing
	}
	// trafilatura's metadata is kept where it found some: it reads JSON-LD and more meta
	// tags than readability does.
	b.Title = firstNonEmpty(a.Title, b.Title)
	b.Byline = firstNonEmpty(a.Byline, b.Byline)
	b.Language = firstNonEmpty(a.Language, b.Language)
	b.Site = firstNonEmpty(a.Site, b.Site)
	if !a.Published.IsZero() {
		b.Published = a.Published
	}
	if a.URL != "" {
		b.URL = a.URL
	}
	return b, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Trafilatura extracts with github.com/markusmobius/go-trafilatura alone.
func Trafilatura(page []byte, pageURL string) (Article, error) {
	return trafilaturaWith(page, pageURL, trafilatura.Options{})
}

// TrafilaturaFallback is trafilatura with its own fallback on: it also runs its bundled
// readability and DOM Distiller ports and keeps the best candidate. Measured for
// comparison (slower, see BENCHMARKS.md).
func TrafilaturaFallback(page []byte, pageURL string) (Article, error) {
	return trafilaturaWith(page, pageURL, trafilatura.Options{EnableFallback: true})
}

func trafilaturaWith(page []byte, pageURL string, opts trafilatura.Options) (Article, error) {
	doc, u, err := parse(page, pageURL)
	if err != nil {
		return Article{}, err
	}
	opts.OriginalURL = u
	opts.ExcludeComments = true // reader comments are not the article
	res, err := trafilatura.ExtractDocument(doc, opts)
	if err != nil {
		return Article{}, fmt.Errorf("%w: %v", ErrNoArticle, err)
	}
	a := Article{
		Title:     clean(res.Metadata.Title),
		Byline:    clean(res.Metadata.Author),
		Published: res.Metadata.Date,
		Language:  language(res.Metadata.Language),
		Site:      clean(res.Metadata.Sitename),
		URL:       res.Metadata.URL,
	}
	if res.ContentNode != nil {
		a.Text = Text(res.ContentNode)
	}
	return finish(a, pageURL)
}

// Readability extracts with codeberg.org/readeck/go-readability/v2; it is here so that
// cmd/extracteval measures both through the same text rendering.
func Readability(page []byte, pageURL string) (Article, error) {
	doc, u, err := parse(page, pageURL)
	if err != nil {
		return Article{}, err
	}
	p := readability.NewParser()
	res, err := p.ParseAndMutate(doc, u)
	if err != nil {
		return Article{}, fmt.Errorf("%w: %v", ErrNoArticle, err)
	}
	a := Article{
		Title:    clean(res.Title()),
		Byline:   clean(res.Byline()),
		Language: language(res.Language()),
		Site:     clean(res.SiteName()),
	}
	if t, err := res.PublishedTime(); err == nil {
		a.Published = t
	}
	if res.Node != nil {
		a.Text = Text(res.Node)
	}
	return finish(a, pageURL)
}

// parse decodes page to UTF-8 (BOM, then <meta charset>, then a guess, as browsers do)
// and parses it. Bytes that are not text at all (an image, a PDF) are refused.
func parse(page []byte, pageURL string) (*html.Node, *url.URL, error) {
	var u *url.URL
	if pageURL != "" {
		var err error
		if u, err = url.Parse(pageURL); err != nil {
			return nil, nil, fmt.Errorf("extract: page URL %q: %w", pageURL, err)
		}
	}
	if ct := http.DetectContentType(page); !strings.HasPrefix(ct, "text/") {
		return nil, nil, fmt.Errorf("%w: the page is %s, not HTML", ErrNoArticle, ct)
	}
	var r io.Reader = bytes.NewReader(page)
	if enc, name, _ := charset.DetermineEncoding(page, ""); name != "utf-8" {
		r = transform.NewReader(r, enc.NewDecoder())
	}
	doc, err := html.Parse(r)
	if err != nil {
		return nil, nil, fmt.Errorf("extract: parsing HTML: %w", err)
	}
	return doc, u, nil
}

// finish applies what every extractor's result must satisfy: a URL, and some text
// beyond the title (extractors fall back to whatever text the page has, which on an
// empty page is its title).
func finish(a Article, pageURL string) (Article, error) {
	if a.URL == "" {
		a.URL = pageURL
	}
	hasText := false
	for _, p := range strings.Split(a.Text, "\n\n") {
		if p != "" && p != a.Title && strings.IndexFunc(p, unicode.IsLetter) >= 0 {
			hasText = true
			break
		}
	}
	if !hasText {
		return a, ErrNoArticle
	}
	return a, nil
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// language keeps a value only when it looks like a BCP 47 tag ("en", "en-GB", "zh-Hant"),
// normalising "en_GB" to "en-GB"; pages put all sorts of things in lang attributes.
func language(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	parts := strings.Split(s, "-")
	if len(parts[0]) < 2 || len(parts[0]) > 3 {
		return ""
	}
	for i, p := range parts {
		if p == "" || len(p) > 8 {
			return ""
		}
		for _, r := range p {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
				return ""
			}
		}
		switch {
		case i == 0:
			parts[i] = strings.ToLower(p)
		case len(p) == 2:
			parts[i] = strings.ToUpper(p)
		case len(p) == 4:
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		}
	}
	return strings.Join(parts, "-")
}
