package webfetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// local is a Fetcher for httptest servers (which listen on 127.0.0.1), without the
// per-host delay so tests do not wait.
func local(cfg Config) *Fetcher {
	cfg.AllowPrivate = true
	if cfg.HostDelay == 0 {
		cfg.HostDelay = -1
	}
	cfg.Proxy = noProxy
	return New(cfg)
}

func noProxy(*http.Request) (*url.URL, error) { return nil, nil }

// counting serves h and counts the requests that reached it.
func counting(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func htmlPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, "<html><body><p>hello</p></body></html>")
}

func TestInternalAddressRefused(t *testing.T) {
	t.Parallel()
	srv, hits := counting(t, htmlPage)
	f := New(Config{Proxy: noProxy, HostDelay: -1})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	for _, raw := range []string{
		srv.URL, // literal 127.0.0.1, refused before dialling
		fmt.Sprintf("http://localhost:%d/", port),          // a name: refused on the address dialled
		fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", port), // IPv4-mapped IPv6
		"http://169.254.169.254/latest/meta-data/",
		"http://[::1]/",
		"http://10.0.0.1/",
	} {
		_, err := f.Fetch(context.Background(), Request{URL: raw, Kind: Page})
		var refused *RefusedError
		if !errors.As(err, &refused) {
			t.Fatalf("%s: err = %v, want *RefusedError", raw, err)
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, "FETCH_ALLOW_PRIVATE") {
			t.Errorf("%s: message %q should be one line naming FETCH_ALLOW_PRIVATE", raw, msg)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the loopback server, want 0", n)
	}

	// AllowPrivate lifts the rule.
	resp, err := local(Config{}).Fetch(context.Background(), Request{URL: fmt.Sprintf("http://localhost:%d/", port), Kind: Page})
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	if !bytes.Contains(resp.Body, []byte("hello")) || resp.ContentType != "text/html" {
		t.Fatalf("with AllowPrivate: got %q (%s)", resp.Body, resp.ContentType)
	}
}

func TestSchemesRefused(t *testing.T) {
	t.Parallel()
	f := local(Config{})
	for _, raw := range []string{"ftp://example.com/x", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)", "http:///nohost"} {
		_, err := f.Fetch(context.Background(), Request{URL: raw})
		var refused *RefusedError
		if !errors.As(err, &refused) {
			t.Errorf("%s: err = %v, want *RefusedError", raw, err)
		}
	}
}

// TestRedirectToInternalRefused: the redirecting server listens on 127.0.0.2, which the
// test's rule treats as public; it redirects to a server on 127.0.0.1, which stays
// internal. A literal address is refused when the redirect is followed; a name
// ("localhost") is refused on the address the dialer resolved it to.
func TestRedirectToInternalRefused(t *testing.T) {
	t.Parallel()
	target, targetHits := counting(t, htmlPage)
	targetPort := target.Listener.Addr().(*net.TCPAddr).Port

	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	redirector := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/literal":
			http.Redirect(w, r, target.URL+"/", http.StatusFound)
		case "/name":
			http.Redirect(w, r, fmt.Sprintf("http://localhost:%d/", targetPort), http.StatusFound)
		default:
			htmlPage(w, r)
		}
	}))
	redirector.Listener.Close()
	redirector.Listener = ln
	redirector.Start()
	t.Cleanup(redirector.Close)

	f := New(Config{Proxy: noProxy, HostDelay: -1})
	f.reason = func(a netip.Addr) string {
		if a.Unmap() == netip.MustParseAddr("127.0.0.2") {
			return ""
		}
		return internalReason(a)
	}
	if _, err := f.Fetch(context.Background(), Request{URL: redirector.URL + "/", Kind: Page}); err != nil {
		t.Fatalf("the redirector itself should be reachable under the test rule: %v", err)
	}
	for _, path := range []string{"/literal", "/name"} {
		_, err := f.Fetch(context.Background(), Request{URL: redirector.URL + path, Kind: Page})
		var refused *RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("%s: err = %v, want a refusal naming 127.0.0.1", path, err)
		}
	}
	if n := targetHits.Load(); n != 0 {
		t.Fatalf("the internal target was reached %d times", n)
	}
}

func TestTooManyRedirects(t *testing.T) {
	t.Parallel()
	// /r/N redirects to /r/N-1; /r/0 is the page.
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/r/%d", &n)
		if n == 0 {
			htmlPage(w, r)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusMovedPermanently)
	})
	f := local(Config{})
	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/r/5", Kind: Page})
	if err != nil {
		t.Fatalf("5 redirects: %v", err)
	}
	if !strings.HasSuffix(resp.URL, "/r/0") {
		t.Errorf("final URL = %s, want .../r/0", resp.URL)
	}
	_, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/r/6", Kind: Page})
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "more than 5 redirects") {
		t.Fatalf("6 redirects: err = %v, want a refusal", err)
	}
}

func gzipped(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	chunk := bytes.Repeat([]byte("<p>aaaaaaaa</p>"), 4096)
	for written := 0; written < n; written += len(chunk) {
		zw.Write(chunk)
	}
	zw.Close()
	return buf.Bytes()
}

func TestGzipBombCut(t *testing.T) {
	t.Parallel()
	bomb := gzipped(t, 64<<20) // 64 MB of HTML once decompressed
	small := gzipped(t, 1<<20)
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/bomb" {
			w.Write(bomb)
			return
		}
		w.Write(small)
	})
	if len(bomb) > DefaultPageLimit/10 {
		t.Fatalf("test setup: the bomb is %d bytes compressed, should be far under the limit", len(bomb))
	}
	f := local(Config{})
	_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/bomb", Kind: Page})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("bomb: err = %v, want ErrTooLarge", err)
	}
	resp, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/small", Kind: Page})
	if err != nil {
		t.Fatalf("1 MB gzipped page: %v", err)
	}
	if len(resp.Body) < 1<<20 {
		t.Fatalf("got %d bytes, want the decompressed page", len(resp.Body))
	}
}

func TestSizeLimits(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("x"), 2000)
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/chunked" {
			// No Content-Length: the limit is enforced while reading.
			w.Write(big[:1000])
			w.(http.Flusher).Flush()
			w.Write(big[1000:])
			return
		}
		w.Write(big)
	})
	f := local(Config{PageLimit: 1500, FeedLimit: 3000})
	for _, path := range []string{"/declared", "/chunked"} {
		if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + path, Kind: Page}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("page %s: err = %v, want ErrTooLarge", path, err)
		}
	}
	// The same body is within the feed limit: each kind has its own.
	if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/declared", Kind: Feed}); err != nil {
		t.Errorf("feed: %v", err)
	}
}

func TestHangingPageCutAtTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body><p>start"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: unblocks handlers before Close waits for them
	f := local(Config{Timeout: 100 * time.Millisecond})
	for _, path := range []string{"/headers", "/body"} {
		_, err := f.Fetch(context.Background(), Request{URL: srv.URL + path, Kind: Page})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err = %v, want a timeout", path, err)
		}
	}
}

func TestBinaryRefused(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/png":
			w.Header().Set("Content-Type", "image/png")
		case "/octet":
			w.Header().Set("Content-Type", "application/octet-stream")
		case "/pdf":
			w.Header().Set("Content-Type", "application/pdf")
		}
		w.Write(png)
	})
	f := local(Config{})
	for _, path := range []string{"/png", "/octet", "/pdf"} {
		for _, kind := range []Kind{Page, Feed} {
			if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + path, Kind: kind}); !errors.Is(err, ErrContentType) {
				t.Errorf("%s (kind %d): err = %v, want ErrContentType", path, kind, err)
			}
		}
	}
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/429":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/503":
			w.Header().Set("Retry-After", netipTime().Add(10*time.Minute).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	})
	f := local(Config{})
	f.now = netipTime
	want := map[string]struct {
		status int
		retry  time.Duration
	}{
		"/404": {404, 0},
		"/429": {429, 2 * time.Minute},
		"/503": {503, 10 * time.Minute},
	}
	for path, w := range want {
		_, err := f.Fetch(context.Background(), Request{URL: srv.URL + path, Kind: Feed})
		var se *StatusError
		if !errors.As(err, &se) {
			t.Fatalf("%s: err = %v, want *StatusError", path, err)
		}
		if se.Status != w.status || se.RetryAfter != w.retry {
			t.Errorf("%s: status %d retry %s, want %d %s", path, se.Status, se.RetryAfter, w.status, w.retry)
		}
	}
}

func TestConditionalGetAndHeaders(t *testing.T) {
	t.Parallel()
	const etag = `"v1"`
	const lastMod = "Sun, 01 Mar 2026 10:00:00 GMT"
	var gotUA atomic.Value
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		gotUA.Store(r.UserAgent())
		w.Header().Set("Cache-Control", "public, max-age=600")
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, "<rss><channel><title>t</title></channel></rss>")
	})
	f := local(Config{})
	first, err := f.Fetch(context.Background(), Request{URL: srv.URL, Kind: Feed})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || first.ETag != etag || first.LastModified != lastMod || first.MaxAge != 10*time.Minute {
		t.Fatalf("first fetch: %+v", first)
	}
	if ua, _ := gotUA.Load().(string); !strings.Contains(ua, "geobrief") {
		t.Errorf("User-Agent %q does not name geobrief", ua)
	}
	for _, req := range []Request{
		{URL: srv.URL, Kind: Feed, ETag: first.ETag},
		{URL: srv.URL, Kind: Feed, LastModified: first.LastModified},
	} {
		again, err := f.Fetch(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if !again.NotModified || again.Status != 304 || len(again.Body) != 0 || again.MaxAge != 10*time.Minute {
			t.Fatalf("conditional fetch: %+v", again)
		}
		// The validators carry over, so the next poll is conditional too.
		if again.ETag != req.ETag || again.LastModified != req.LastModified {
			t.Errorf("validators not carried over: %+v", again)
		}
	}
}

func TestRobotsTxt(t *testing.T) {
	t.Parallel()
	var robotsHits atomic.Int64
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			robotsHits.Add(1)
			fmt.Fprint(w, "User-agent: *\nDisallow: /all-bots-out/\n\nUser-agent: geobrief\nDisallow: /private/\n")
			return
		}
		htmlPage(w, r)
	})
	f := local(Config{Robots: true})
	ctx := context.Background()
	if _, err := f.Fetch(ctx, Request{URL: srv.URL + "/news/1", Kind: Page}); err != nil {
		t.Fatalf("allowed page: %v", err)
	}
	if _, err := f.Fetch(ctx, Request{URL: srv.URL + "/all-bots-out/1", Kind: Page}); err != nil {
		t.Fatalf("a group for geobrief replaces the * group: %v", err)
	}
	_, err := f.Fetch(ctx, Request{URL: srv.URL + "/private/2", Kind: Page})
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "robots.txt") {
		t.Fatalf("disallowed page: err = %v, want a robots.txt refusal", err)
	}
	// Feeds are what a site offers to be polled: robots.txt is not consulted for them.
	if _, err := f.Fetch(ctx, Request{URL: srv.URL + "/private/feed", Kind: Feed}); err != nil {
		t.Fatalf("feed under a disallowed path: %v", err)
	}
	if n := robotsHits.Load(); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once (cached)", n)
	}
}

func TestRobotsTxtMissingAllowsAll(t *testing.T) {
	t.Parallel()
	srv, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		htmlPage(w, r)
	})
	f := local(Config{Robots: true})
	if _, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/private/2", Kind: Page}); err != nil {
		t.Fatalf("no robots.txt: %v", err)
	}
}

// TestProxyHonoured: with a proxy configured, the request goes to the proxy (here an
// httptest server, on loopback, which the operator chose and so may be dialled), and the
// target's own address is still checked.
func TestProxyHonoured(t *testing.T) {
	t.Parallel()
	var asked atomic.Value
	proxy, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		asked.Store(r.URL.String())
		htmlPage(w, r)
	})
	pu, _ := url.Parse(proxy.URL)
	f := New(Config{HostDelay: -1, Proxy: http.ProxyURL(pu)})
	if _, err := f.Fetch(context.Background(), Request{URL: "http://93.184.216.34/story", Kind: Page}); err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	if got, _ := asked.Load().(string); got != "http://93.184.216.34/story" {
		t.Errorf("proxy was asked for %q", got)
	}
	_, err := f.Fetch(context.Background(), Request{URL: "http://10.9.8.7/", Kind: Page})
	var refused *RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("internal target through the proxy: err = %v, want refused", err)
	}
}
