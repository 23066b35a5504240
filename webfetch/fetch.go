// Package webfetch fetches feeds and article pages from the web, politely and safely:
// timeouts, size limits counted after decompression, few redirects, http(s) only, a
// User-Agent naming geobrief, per-host politeness, robots.txt for pages, conditional
// GET, and no request to an internal address (checked on the address actually dialled).
package webfetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/sync/singleflight"
)

// Kind says what is being fetched; it picks the size limit and the content types accepted.
type Kind int

const (
	// Feed is an RSS, Atom or JSON feed (up to 10 MB).
	Feed Kind = iota
	// Page is an article page (up to 5 MB, HTML only, robots.txt honoured).
	Page
	robots
)

// Default limits, from issue 10.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultFeedLimit    = 10 << 20
	DefaultPageLimit    = 5 << 20
	DefaultMaxRedirects = 5
	DefaultConcurrency  = 8
	DefaultPerHost      = 2
	DefaultHostDelay    = 500 * time.Millisecond
	DefaultUserAgent    = "geobrief/1 (+https://github.com/geobrief/geobrief)"
	robotsLimit         = 512 << 10
	robotsTTL           = time.Hour
	// RobotsAgent is the product token geobrief looks for in robots.txt groups.
	RobotsAgent = "geobrief"
)

// Config holds the fetcher's settings; zero fields take the defaults above. The caller
// fills it from FETCH_TIMEOUT, FETCH_ALLOW_PRIVATE and FETCH_CONCURRENCY.
type Config struct {
	Timeout      time.Duration // per request, headers and body together
	AllowPrivate bool          // lets requests reach loopback and private addresses (local use, tests)
	UserAgent    string
	MaxRedirects int
	Concurrency  int           // requests in flight overall
	PerHost      int           // requests in flight to one host
	HostDelay    time.Duration // minimum time between two request starts to one host; <0 means none
	FeedLimit    int64
	PageLimit    int64
	// Robots makes Page fetches honour the site's robots.txt.
	Robots bool
	// Proxy picks a proxy per request; nil means http.ProxyFromEnvironment
	// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).
	Proxy func(*http.Request) (*url.URL, error)
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = DefaultMaxRedirects
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.PerHost <= 0 {
		c.PerHost = DefaultPerHost
	}
	if c.HostDelay == 0 {
		c.HostDelay = DefaultHostDelay
	} else if c.HostDelay < 0 {
		c.HostDelay = 0
	}
	if c.FeedLimit <= 0 {
		c.FeedLimit = DefaultFeedLimit
	}
	if c.PageLimit <= 0 {
		c.PageLimit = DefaultPageLimit
	}
	if c.Proxy == nil {
		c.Proxy = http.ProxyFromEnvironment
	}
	return c
}

// Request is one fetch. ETag and LastModified, when set, make it conditional.
type Request struct {
	URL          string
	Kind         Kind
	ETag         string
	LastModified string
}

// Response is a successful fetch: 2xx with a body, or 304 with NotModified set.
type Response struct {
	URL          string // after redirects
	Status       int
	NotModified  bool
	Body         []byte
	ContentType  string // media type without parameters
	ETag         string
	LastModified string
	// MaxAge is Cache-Control max-age (0 when absent): the server asks not to be polled
	// again sooner.
	MaxAge time.Duration
}

// Fetcher is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
	gate   *gate
	now    func() time.Time
	// reason is the address rule (internalReason); a field so tests can draw the line
	// between two loopback addresses.
	reason func(netip.Addr) string

	robotsMu    sync.Mutex
	robotsCache map[string]robotsEntry
	robotsGroup singleflight.Group

	proxyMu    sync.Mutex
	proxyAddrs map[string]bool // host:port of proxies the operator configured: dialling them is allowed
}

type robotsEntry struct {
	data    *robotstxt.RobotsData
	expires time.Time
}

// New builds a Fetcher from cfg.
func New(cfg Config) *Fetcher {
	cfg = cfg.withDefaults()
	f := &Fetcher{
		cfg:         cfg,
		gate:        newGate(cfg.Concurrency, cfg.PerHost, cfg.HostDelay),
		now:         time.Now,
		reason:      internalReason,
		robotsCache: make(map[string]robotsEntry),
		proxyAddrs:  make(map[string]bool),
	}
	checked := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	if !cfg.AllowPrivate {
		// Control runs after name resolution, on each address really dialled: DNS that
		// answers differently the second time, and redirects, cannot slip past it.
		checked.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return &blockedDial{addr: address, reason: "not an IP address"}
			}
			if why := f.reason(ap.Addr()); why != "" {
				return &blockedDial{addr: ap.Addr().String(), reason: why}
			}
			return nil
		}
	}
	plain := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	base := &http.Transport{
		Proxy: f.proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if f.isProxyAddr(addr) {
				return plain.DialContext(ctx, network, addr)
			}
			return checked.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   cfg.PerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	f.client = &http.Client{
		Transport: &politeTransport{base: base, gate: f.gate},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > cfg.MaxRedirects {
				return &RefusedError{URL: via[0].URL.String(), Reason: fmt.Sprintf("more than %d redirects", cfg.MaxRedirects)}
			}
			if err := f.checkURL(req.URL); err != nil {
				return &RefusedError{URL: via[0].URL.String(), Reason: "redirect to " + req.URL.Redacted() + ": " + err.Error()}
			}
			return nil
		},
	}
	return f
}

// proxy wraps the configured proxy function. With a proxy the proxy resolves the target,
// so our dialer never sees the target's address: the target host is resolved and checked
// here instead, and the proxy's own address (chosen by the operator) may be dialled.
func (f *Fetcher) proxy(req *http.Request) (*url.URL, error) {
	pu, err := f.cfg.Proxy(req)
	if err != nil || pu == nil {
		return pu, err
	}
	if !f.cfg.AllowPrivate {
		if err := f.resolveAndCheck(req.Context(), req.URL.Hostname()); err != nil {
			return nil, err
		}
	}
	port := pu.Port()
	if port == "" {
		port = map[string]string{"https": "443", "socks5": "1080"}[pu.Scheme]
		if port == "" {
			port = "80"
		}
	}
	f.proxyMu.Lock()
	f.proxyAddrs[net.JoinHostPort(pu.Hostname(), port)] = true
	f.proxyMu.Unlock()
	return pu, nil
}

func (f *Fetcher) isProxyAddr(addr string) bool {
	f.proxyMu.Lock()
	defer f.proxyMu.Unlock()
	return f.proxyAddrs[addr]
}

func (f *Fetcher) resolveAndCheck(ctx context.Context, host string) error {
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolving %s: %w", host, err)
	}
	for _, a := range addrs {
		if why := f.reason(a); why != "" {
			return &blockedDial{addr: a.String(), reason: why}
		}
	}
	return nil
}

// checkURL refuses what can be refused before dialling: other schemes, and hosts that
// are literal internal addresses. Names are left to the dialer, which checks the
// addresses they resolve to.
func (f *Fetcher) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("only http and https URLs are fetched, not %q", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return errors.New("the URL has no host")
	}
	if f.cfg.AllowPrivate {
		return nil
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if why := f.reason(a); why != "" {
			return &blockedDial{addr: a.String(), reason: why}
		}
	}
	return nil
}

// Fetch performs req. Errors: *RefusedError (nothing was sent), *StatusError (an HTTP
// error status, with Retry-After), ErrTooLarge and ErrContentType (wrapped), or a
// network error or timeout (wrapped).
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, &RefusedError{URL: req.URL, Reason: "not a valid URL: " + err.Error()}
	}
	if err := f.checkURL(u); err != nil {
		return nil, &RefusedError{URL: u.Redacted(), Reason: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	if req.Kind == Page && f.cfg.Robots {
		ok, err := f.robotsAllow(ctx, u)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &RefusedError{URL: u.Redacted(), Reason: "disallowed by the site's robots.txt"}
		}
	}
	return f.do(ctx, u, req)
}

func (f *Fetcher) do(ctx context.Context, u *url.URL, req Request) (*Response, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("webfetch: building request for %s: %w", u.Redacted(), err)
	}
	hreq.Header.Set("User-Agent", f.cfg.UserAgent)
	hreq.Header.Set("Accept", accept(req.Kind))
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := f.client.Do(hreq)
	if err != nil {
		return nil, f.explain(u, err)
	}
	defer resp.Body.Close()

	out := &Response{
		URL:          resp.Request.URL.String(),
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		MaxAge:       maxAge(resp.Header.Get("Cache-Control")),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = req.ETag
		}
		if out.LastModified == "" {
			out.LastModified = req.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, &StatusError{
			URL:        u.Redacted(),
			Status:     resp.StatusCode,
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), f.now()),
		}
	}

	limit := f.limit(req.Kind)
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("webfetch: %s is %d bytes, over the %d-byte limit: %w", u.Redacted(), resp.ContentLength, limit, ErrTooLarge)
	}
	// resp.Body is already decompressed by the transport (it asked for gzip itself), so
	// the limit counts the bytes a gzip bomb would expand to, and stops reading there.
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, f.explain(u, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("webfetch: %s is over the %d-byte limit (counted after decompression): %w", u.Redacted(), limit, ErrTooLarge)
	}
	ct, err := acceptable(req.Kind, resp.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, fmt.Errorf("webfetch: %s: %w", u.Redacted(), err)
	}
	out.Body = body
	out.ContentType = ct
	return out, nil
}

// explain turns a client error into one line: a refusal keeps its own message, a
// timeout says so.
func (f *Fetcher) explain(u *url.URL, err error) error {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return refused
	}
	var blocked *blockedDial
	if errors.As(err, &blocked) {
		return &RefusedError{URL: u.Redacted(), Reason: blocked.Error()}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("webfetch: %s took longer than %s: %w", u.Redacted(), f.cfg.Timeout, context.DeadlineExceeded)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // url.Error repeats the method and URL
	}
	return fmt.Errorf("webfetch: fetching %s: %w", u.Redacted(), err)
}

func (f *Fetcher) limit(k Kind) int64 {
	switch k {
	case Page:
		return f.cfg.PageLimit
	case robots:
		return robotsLimit
	default:
		return f.cfg.FeedLimit
	}
}

func accept(k Kind) string {
	switch k {
	case Page:
		return "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
	case robots:
		return "text/plain,*/*;q=0.1"
	default:
		return "application/rss+xml,application/atom+xml,application/feed+json,application/json;q=0.9,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"
	}
}

// acceptable checks the declared media type (sniffed when missing or generic) against
// what kind k may be, and returns it.
func acceptable(k Kind, header string, body []byte) (string, error) {
	mt, _, err := mime.ParseMediaType(header)
	if err != nil || mt == "" || mt == "application/octet-stream" {
		mt, _, _ = mime.ParseMediaType(http.DetectContentType(body))
	}
	if k == robots {
		return mt, nil
	}
	textual := strings.HasPrefix(mt, "text/") || mt == "application/xhtml+xml"
	switch k {
	case Page:
		if textual {
			return mt, nil
		}
	default:
		if textual || strings.HasSuffix(mt, "xml") || strings.HasSuffix(mt, "json") {
			return mt, nil
		}
	}
	return "", fmt.Errorf("%w %q", ErrContentType, mt)
}

// retryAfter reads Retry-After as seconds or an HTTP date; 0 when absent or unusable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// maxAge reads max-age from Cache-Control; 0 when absent, or when no-store/no-cache ask
// for nothing to be kept.
func maxAge(v string) time.Duration {
	for _, part := range strings.Split(v, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		if strings.EqualFold(name, "max-age") {
			n, err := strconv.Atoi(strings.Trim(val, `"`))
			if err == nil && n > 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return 0
}

// robotsAllow fetches (once per host per hour) and applies the site's robots.txt. A
// missing one (4xx) allows everything; a 5xx disallows everything for the hour (the
// robotstxt package's reading of the standard), since the site says it is in trouble; a
// network error allows this request and is not remembered.
func (f *Fetcher) robotsAllow(ctx context.Context, u *url.URL) (bool, error) {
	key := strings.ToLower(u.Scheme + "://" + u.Host)
	f.robotsMu.Lock()
	e, ok := f.robotsCache[key]
	f.robotsMu.Unlock()
	if !ok || f.now().After(e.expires) {
		v, _, _ := f.robotsGroup.Do(key, func() (any, error) {
			ru := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
			var data *robotstxt.RobotsData
			resp, err := f.do(ctx, ru, Request{URL: ru.String(), Kind: robots})
			var se *StatusError
			answered := true
			switch {
			case err == nil:
				data, err = robotstxt.FromStatusAndBytes(resp.Status, resp.Body)
			case errors.As(err, &se):
				data, err = robotstxt.FromStatusAndBytes(se.Status, nil)
			default:
				answered = false // a network error or timeout: ask again next time
			}
			if err != nil || data == nil {
				data, _ = robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
			}
			if answered {
				f.robotsMu.Lock()
				f.robotsCache[key] = robotsEntry{data: data, expires: f.now().Add(robotsTTL)}
				f.robotsMu.Unlock()
			}
			return data, nil
		})
		e = robotsEntry{data: v.(*robotstxt.RobotsData)}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return e.data.TestAgent(path, RobotsAgent), nil
}
