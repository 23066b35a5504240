// Command feedbench measures a poll of many feeds from a local news site:
//
//	go run ./cmd/feedbench                       # 20 feeds x 50 items, 50 ms page latency
//	go run ./cmd/feedbench -host-delay 0         # without the per-host spacing
//
// Each feed and its article pages live on their own loopback address (127.0.0.2,
// 127.0.0.3, ...), as feeds of different sites do, so the per-host limits apply per
// feed. Every article page answers after -latency. The poll goes through the real
// webfetch.Fetcher (robots.txt on, default limits), extract.Extract and feeds.Poller,
// into an in-memory sink. It prints the first poll's wall time, requests and new
// documents, then a second poll's (which should be all conditional GETs answered 304,
// and 0 new), and the process's peak RSS (VmHWM; the fake site runs in the same process).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/webfetch"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "feedbench:", err)
		os.Exit(1)
	}
}

type counters struct {
	requests, conditional, notModified, pages, robots atomic.Int64
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("feedbench", flag.ContinueOnError)
	nFeeds := fs.Int("feeds", 20, "feeds, each on its own loopback address")
	nItems := fs.Int("items", 50, "items per feed")
	latency := fs.Duration("latency", 50*time.Millisecond, "how long each article page takes to answer")
	hostDelay := fs.Duration("host-delay", webfetch.DefaultHostDelay, "minimum time between two requests to one host (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var c counters
	var sources []feeds.Source
	for i := range *nFeeds {
		base, stop, err := serveSite(i, *nItems, *latency, &c)
		if err != nil {
			return err
		}
		defer stop()
		sources = append(sources, feeds.Source{URL: base + "/feed.xml", Title: fmt.Sprintf("Site %d", i)})
	}
	hd := *hostDelay
	if hd == 0 {
		hd = -1
	}
	fetcher := webfetch.New(webfetch.Config{
		AllowPrivate: true, // the site is on loopback
		HostDelay:    hd,
		Robots:       true,
		Proxy:        func(*http.Request) (*url.URL, error) { return nil, nil },
	})
	sink := &memSink{byKey: map[string]string{}, hash: map[string]feeds.Known{}}
	p, err := feeds.NewPoller(feeds.Config{
		Sources: staticSources(sources),
		State:   &memState{m: map[string]feeds.FeedState{}},
		Sink:    sink,
		Fetcher: fetcher,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "feedbench: %d feeds x %d items, page latency %s, host delay %s, %s\n",
		*nFeeds, *nItems, *latency, *hostDelay, time.Now().UTC().Format(time.RFC3339))
	for round := 1; round <= 2; round++ {
		before := snapshot(&c)
		start := time.Now()
		counts, err := p.PollAll(context.Background())
		if err != nil {
			return err
		}
		wall := time.Since(start)
		d := snapshot(&c).minus(before)
		fmt.Fprintf(out, "poll %d: wall %.2fs  feeds %d new %d updated %d skipped %d errors %d  requests %d (pages %d, robots.txt %d, conditional %d, answered 304 %d)\n",
			round, wall.Seconds(), counts.Feeds, counts.New, counts.Updated, counts.Skipped, counts.Errors,
			d.requests, d.pages, d.robots, d.conditional, d.notModified)
	}
	fmt.Fprintf(out, "documents stored: %d; peak RSS (VmHWM): %s\n", sink.len(), vmHWM())
	return nil
}

type snap struct{ requests, conditional, notModified, pages, robots int64 }

func snapshot(c *counters) snap {
	return snap{c.requests.Load(), c.conditional.Load(), c.notModified.Load(), c.pages.Load(), c.robots.Load()}
}

func (a snap) minus(b snap) snap {
	return snap{a.requests - b.requests, a.conditional - b.conditional, a.notModified - b.notModified, a.pages - b.pages, a.robots - b.robots}
}

// serveSite starts site i on 127.0.0.(i+2): a feed of n items and their pages.
func serveSite(i, n int, latency time.Duration, c *counters) (string, func(), error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+2))
	if err != nil {
		return "", nil, fmt.Errorf("listening for site %d: %w", i, err)
	}
	base := "http://" + ln.Addr().String()
	var feed strings.Builder
	fmt.Fprintf(&feed, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Site %d</title><link>%s/</link>`, i, base)
	for j := range n {
		fmt.Fprintf(&feed, "<item><title>Site %d story %d: talks continue</title><link>%s/news/%d?utm_source=rss</link><guid>%s/news/%d</guid><pubDate>%s</pubDate><description>Short teaser %d.</description></item>",
			i, j, base, j, base, j, time.Date(2026, 3, 1, 0, j, 0, 0, time.UTC).Format(time.RFC1123Z), j)
	}
	feed.WriteString("</channel></rss>")
	feedBody := feed.String()
	const etag = `"feed-v1"`
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.requests.Add(1)
		if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
			c.conditional.Add(1)
		}
		switch {
		case r.URL.Path == "/robots.txt":
			c.robots.Add(1)
			fmt.Fprint(w, "User-agent: *\nDisallow: /admin/\n")
		case r.URL.Path == "/feed.xml":
			if r.Header.Get("If-None-Match") == etag {
				c.notModified.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			w.Header().Set("Content-Type", "application/rss+xml")
			io.WriteString(w, feedBody)
		case strings.HasPrefix(r.URL.Path, "/news/"):
			c.pages.Add(1)
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, page(i, r.URL.Path))
		default:
			http.NotFound(w, r)
		}
	})}
	go srv.Serve(ln)
	return base, func() { srv.Close() }, nil
}

var vocabulary = strings.Fields(`the minister said negotiations over the border agreement would resume
after delegations from both governments consulted parliament about sanctions trade security grain
shipping ceasefire observers election results coalition budget summit energy prices pipeline
refugees humanitarian corridor talks envoy capital province region army navy drills`)

// page is an article of about 600 words with the usual page furniture around it.
func page(site int, path string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story %s</title>
<meta property="og:site_name" content="Site %d"><meta name="author" content="Desk">
<meta property="article:published_time" content="2026-03-01T08:00:00Z"></head><body>
<header><nav>`, path, site)
	for k := range 30 {
		fmt.Fprintf(&b, `<a href="/section/%d">Section %d</a> `, k, k)
	}
	fmt.Fprintf(&b, `</nav></header><main><article><h1>Story %s</h1>`, path)
	seed := len(path) + site
	for p := range 12 {
		b.WriteString("<p>")
		for w := range 50 {
			b.WriteString(vocabulary[(seed*31+p*17+w*7)%len(vocabulary)])
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s paragraph %d.</p>", path, p)
	}
	b.WriteString(`</article></main><aside><h2>Most read</h2><ul>`)
	for k := range 10 {
		fmt.Fprintf(&b, `<li><a href="/news/x%d">Another story %d</a></li>`, k, k)
	}
	b.WriteString(`</ul></aside><footer>Copyright. All rights reserved.</footer></body></html>`)
	return b.String()
}

type staticSources []feeds.Source

func (s staticSources) Feeds(context.Context) ([]feeds.Source, error) { return s, nil }

type memState struct {
	mu sync.Mutex
	m  map[string]feeds.FeedState
}

func (m *memState) FeedState(_ context.Context, u string) (feeds.FeedState, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.m[u]
	return st, ok, nil
}

func (m *memState) SaveFeedState(_ context.Context, st feeds.FeedState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[st.URL] = st
	return nil
}

type memSink struct {
	mu    sync.Mutex
	byKey map[string]string
	hash  map[string]feeds.Known
}

func (m *memSink) Known(_ context.Context, key string) (feeds.Known, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.byKey[key]
	if !ok {
		return feeds.Known{}, false, nil
	}
	return m.hash[id], true, nil
}

func (m *memSink) Save(_ context.Context, d feeds.Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byKey[d.Key] = d.ID
	if d.Link != "" {
		m.byKey[d.Link] = d.ID
	}
	m.hash[d.ID] = feeds.Known{ID: d.ID, ItemHash: d.ItemHash, TextHash: d.TextHash}
	return nil
}

func (m *memSink) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.hash)
}

func vmHWM() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
