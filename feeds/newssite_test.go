package feeds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/geobrief/geobrief/webfetch"
)

// newsSite is a local news site for tests: feeds and article pages that the test can
// change, answering conditional GETs, counting every request.
type newsSite struct {
	srv     *httptest.Server
	release chan struct{} // closed at cleanup: frees handlers that hang on purpose

	mu          sync.Mutex
	feeds       map[string]string // path -> body
	feedTypes   map[string]string // path -> content type
	feedHeaders map[string]http.Header
	pages       map[string]string // path -> HTML
	requests    map[string]int    // path -> count
	conditional map[string]int    // path -> count of requests with If-None-Match
	notModified int
	statuses    map[string]forcedStatus
}

// forcedStatus makes a path answer with an error status and headers.
type forcedStatus struct {
	code   int
	header http.Header
}

func (s *newsSite) setStatus(path string, code int, header http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.statuses, path)
		return
	}
	s.statuses[path] = forcedStatus{code, header}
}

func (s *newsSite) setFeedHeader(path string, header http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feedHeaders[path] = header
}

func newNewsSite(t *testing.T) *newsSite {
	t.Helper()
	s := &newsSite{
		release:     make(chan struct{}),
		feeds:       map[string]string{},
		feedTypes:   map[string]string{},
		feedHeaders: map[string]http.Header{},
		pages:       map[string]string{},
		requests:    map[string]int{},
		conditional: map[string]int{},
		statuses:    map[string]forcedStatus{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(s.release) }) // runs before Close, which waits for handlers
	return s
}

func (s *newsSite) url(path string) string { return s.srv.URL + path }

func (s *newsSite) setFeed(path, contentType, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feeds[path] = body
	s.feedTypes[path] = contentType
}

func (s *newsSite) setPage(path, html string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = html
}

func (s *newsSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func (s *newsSite) totals() (requests, conditional, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.requests {
		requests += n
	}
	for _, n := range s.conditional {
		conditional += n
	}
	return requests, conditional, s.notModified
}

func (s *newsSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	if r.Header.Get("If-None-Match") != "" {
		s.conditional[r.URL.Path]++
	}
	feed, isFeed := s.feeds[r.URL.Path]
	ctype := s.feedTypes[r.URL.Path]
	extra := s.feedHeaders[r.URL.Path]
	page, isPage := s.pages[r.URL.Path]
	forced, isForced := s.statuses[r.URL.Path]
	s.mu.Unlock()

	switch {
	case isForced:
		for k, v := range forced.header {
			w.Header()[k] = v
		}
		w.WriteHeader(forced.code)
	case isFeed:
		for k, v := range extra {
			w.Header()[k] = v
		}
		sum := sha256.Sum256([]byte(feed))
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			s.mu.Lock()
			s.notModified++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", ctype)
		fmt.Fprint(w, feed)
	case r.URL.Path == "/news/hang":
		w.Header().Set("Content-Type", "text/html")
		w.(http.Flusher).Flush()
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
	case r.URL.Path == "/news/binary":
		w.Header().Set("Content-Type", "application/zip")
		w.Write([]byte("PK\x03\x04\x14\x00\x00\x00"))
	case r.URL.Path == "/news/huge":
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(strings.Repeat("<p>padding words here</p>", 6<<20/26+1)))
	case isPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	default:
		http.NotFound(w, r)
	}
}

// articlePage is a small article page with n sentences of body text.
func articlePage(title, site string, sentences ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><title>%s</title>
<meta property="og:site_name" content="%s"><meta name="author" content="Desk Reporter"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>%s</h1>`, title, site, title)
	for _, s := range sentences {
		fmt.Fprintf(&b, "<p>%s</p>", s)
	}
	b.WriteString(`</article><footer>Copyright the test site</footer></body></html>`)
	return b.String()
}

// words makes a sentence of about n words about topic, different for each topic.
func words(topic string, n int) string {
	base := strings.Fields("officials said the talks on " + topic + " would continue next week after delegates reviewed the draft text and consulted their capitals about the remaining points of disagreement")
	var out []string
	for i := 0; len(out) < n; i++ {
		out = append(out, base[i%len(base)])
	}
	return strings.Join(out, " ") + "."
}

type rssItem struct {
	title, link, guid, description, pubDate string
}

func rssFeed(title string, items ...rssItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>%s</title><link>https://example.invalid/</link>`, title)
	for _, it := range items {
		b.WriteString("<item>")
		fmt.Fprintf(&b, "<title>%s</title>", it.title)
		if it.link != "" {
			fmt.Fprintf(&b, "<link>%s</link>", xmlEscape(it.link))
		}
		if it.guid != "" {
			fmt.Fprintf(&b, `<guid isPermaLink="false">%s</guid>`, it.guid)
		}
		if it.description != "" {
			fmt.Fprintf(&b, "<description>%s</description>", xmlEscape(it.description))
		}
		if it.pubDate != "" {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.pubDate)
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// memSources, memState and memSink are the in-memory stand-ins for the store.
type memSources struct {
	mu    sync.Mutex
	feeds []Source
}

func (m *memSources) Feeds(context.Context) ([]Source, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Source(nil), m.feeds...), nil
}

func (m *memSources) add(s Source) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.feeds = append(m.feeds, s)
}

type memState struct {
	mu sync.Mutex
	m  map[string]FeedState
}

func (m *memState) FeedState(_ context.Context, u string) (FeedState, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.m[u]
	return st, ok, nil
}

func (m *memState) SaveFeedState(_ context.Context, st FeedState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]FeedState{}
	}
	m.m[st.URL] = st
	return nil
}

func (m *memState) get(u string) FeedState {
	st, _, _ := m.FeedState(context.Background(), u)
	return st
}

type memSink struct {
	mu     sync.Mutex
	docs   map[string]Doc    // by ID
	byKey  map[string]string // key or link -> ID
	saves  int
	failOn string // a title whose Save fails
	saved  chan Doc
}

func newMemSink() *memSink {
	return &memSink{docs: map[string]Doc{}, byKey: map[string]string{}}
}

func (m *memSink) Known(_ context.Context, key string) (Known, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.byKey[key]
	if !ok {
		return Known{}, false, nil
	}
	d := m.docs[id]
	return Known{ID: d.ID, ItemHash: d.ItemHash, TextHash: d.TextHash}, true, nil
}

func (m *memSink) Save(_ context.Context, d Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failOn != "" && d.Title == m.failOn {
		return fmt.Errorf("disk full")
	}
	m.saves++
	m.docs[d.ID] = d
	m.byKey[d.Key] = d.ID
	if d.Link != "" {
		m.byKey[d.Link] = d.ID
	}
	if m.saved != nil {
		m.saved <- d
	}
	return nil
}

func (m *memSink) byTitle(title string) []Doc {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Doc
	for _, d := range m.docs {
		if d.Title == title {
			out = append(out, d)
		}
	}
	return out
}

func (m *memSink) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.docs)
}

// testFetcher is the real webfetch.Fetcher, allowed onto loopback, without the per-host
// delay (the tests count requests, they do not time them).
func testFetcher(timeout time.Duration) *webfetch.Fetcher {
	return webfetch.New(webfetch.Config{
		AllowPrivate: true,
		HostDelay:    -1,
		Timeout:      timeout,
		Robots:       true,
		Proxy:        func(*http.Request) (*url.URL, error) { return nil, nil },
	})
}

// lockedWriter lets concurrent log calls share a buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// splitFetcher sends the pages meant to hang to a fetcher with a short timeout and
// everything else to one with a generous timeout: the hanging page is still cut by
// webfetch's own timeout, while ordinary pages never race a short one on a busy machine.
type splitFetcher struct {
	normal, short *webfetch.Fetcher
}

func (s splitFetcher) Fetch(ctx context.Context, req webfetch.Request) (*webfetch.Response, error) {
	if strings.HasSuffix(req.URL, "/news/hang") {
		return s.short.Fetch(ctx, req)
	}
	return s.normal.Fetch(ctx, req)
}
