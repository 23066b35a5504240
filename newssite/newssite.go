// Package newssite is a local news site for tests and demos: RSS feeds and
// article pages served by an httptest server on loopback, which a test can
// change while it runs. Feeds answer conditional GETs (ETag) as real sites
// do, and every request is counted.
package newssite

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Site is a running news site. Safe for concurrent use.
type Site struct {
	srv *httptest.Server

	mu       sync.Mutex
	feeds    map[string]string // path -> RSS
	pages    map[string]string // path -> HTML
	requests map[string]int    // path -> count
}

// Item is one entry of a feed. Path is the article page's path on the site.
type Item struct {
	Title       string
	Path        string
	GUID        string // "" for none
	Published   time.Time
	Description string
}

// New starts a site; Close stops it.
func New() *Site {
	s := &Site{feeds: map[string]string{}, pages: map[string]string{}, requests: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the site.
func (s *Site) Close() { s.srv.Close() }

// URL is the absolute URL of path on the site.
func (s *Site) URL(path string) string { return s.srv.URL + path }

// SetFeed serves an RSS 2.0 feed at path.
func (s *Site) SetFeed(path, title string, items ...Item) {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title><link>%s</link>`,
		html.EscapeString(title), s.URL("/"))
	for _, it := range items {
		b.WriteString("<item>")
		fmt.Fprintf(&b, "<title>%s</title><link>%s</link>", html.EscapeString(it.Title), html.EscapeString(s.URL(it.Path)))
		if it.GUID != "" {
			fmt.Fprintf(&b, `<guid isPermaLink="false">%s</guid>`, html.EscapeString(it.GUID))
		}
		if it.Description != "" {
			fmt.Fprintf(&b, "<description>%s</description>", html.EscapeString(it.Description))
		}
		if !it.Published.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.Published.UTC().Format(time.RFC1123Z))
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feeds[path] = b.String()
}

// SetPage serves an article page at path: a title, the site's name, a
// byline, navigation and a footer around the paragraphs, as news pages have.
func (s *Site) SetPage(path, title, site string, paragraphs ...string) {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><title>%s</title>
<meta property="og:site_name" content="%s"><meta name="author" content="Desk Reporter"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>%s</h1>`,
		html.EscapeString(title), html.EscapeString(site), html.EscapeString(title))
	for _, p := range paragraphs {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
	}
	b.WriteString(`</article><footer>Copyright the local news site</footer></body></html>`)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = b.String()
}

// Requests counts the requests for path so far.
func (s *Site) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	feed, isFeed := s.feeds[r.URL.Path]
	page, isPage := s.pages[r.URL.Path]
	s.mu.Unlock()
	switch {
	case isFeed:
		sum := sha256.Sum256([]byte(feed))
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, feed)
	case isPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	default:
		http.NotFound(w, r)
	}
}

// Sentence makes a sentence of about n words about topic; different topics
// give different words, so search can tell articles apart.
func Sentence(topic string, n int) string {
	base := strings.Fields("officials said the talks on " + topic +
		" would continue next week after delegates reviewed the draft text and consulted their capitals about the remaining points")
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		out = append(out, base[i%len(base)])
	}
	return strings.Join(out, " ") + "."
}
