package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/extract"
	"github.com/geobrief/geobrief/webfetch"
)

// Web fetches feeds and article pages under the settings' limits and
// address rules (FETCH_TIMEOUT, FETCH_CONCURRENCY, FETCH_ALLOW_PRIVATE,
// robots.txt for pages) and takes articles out of pages. It needs no
// store: `geobrief extract` uses it alone.
type Web struct {
	fetcher *webfetch.Fetcher
}

// NewWeb makes the fetcher the settings describe. tune, when given, may
// change the fetcher's configuration further (tests drop the per-host delay).
func NewWeb(cfg config.Feeds, tune ...func(*webfetch.Config)) *Web {
	fc := webfetch.Config{
		Timeout:      cfg.FetchTimeout,
		AllowPrivate: cfg.AllowPrivate,
		Concurrency:  cfg.FetchConcurrency,
		Robots:       true,
	}
	for _, t := range tune {
		t(&fc)
	}
	return &Web{fetcher: webfetch.New(fc)}
}

// Article fetches an article page and extracts it.
func (w *Web) Article(ctx context.Context, pageURL string) (extract.Article, error) {
	resp, err := w.fetcher.Fetch(ctx, webfetch.Request{URL: pageURL, Kind: webfetch.Page})
	if err != nil {
		return extract.Article{}, err
	}
	art, err := extract.Extract(resp.Body, resp.URL)
	if err != nil {
		return extract.Article{}, fmt.Errorf("%s: %w", resp.URL, err)
	}
	return art, nil
}

// Extract takes the article out of src: an http(s) URL (fetched as a page
// is), "-" for stdin, else a file. pageURL, when given, is the page's
// address for a file or stdin (it resolves relative links and is the URL
// when the page names none).
func (w *Web) Extract(ctx context.Context, src, pageURL string, stdin io.Reader) (extract.Article, error) {
	if isWebURL(src) {
		return w.Article(ctx, src)
	}
	var r io.Reader
	switch src {
	case "-":
		if stdin == nil {
			return extract.Article{}, errors.New("no standard input to read")
		}
		r = stdin
	default:
		f, err := os.Open(src)
		if err != nil {
			return extract.Article{}, fmt.Errorf("cannot read the page: %w", err)
		}
		defer f.Close()
		r = f
	}
	// The limit of a fetched page applies to a page read from a file too.
	page, err := io.ReadAll(io.LimitReader(r, webfetch.DefaultPageLimit+1))
	if err != nil {
		return extract.Article{}, fmt.Errorf("cannot read the page: %w", err)
	}
	if len(page) > webfetch.DefaultPageLimit {
		return extract.Article{}, fmt.Errorf("the page is over %d MB, the limit for a page", webfetch.DefaultPageLimit>>20)
	}
	return extract.Extract(page, pageURL)
}

// isWebURL says whether ref is meant as a web address rather than words or
// a document ID.
func isWebURL(ref string) bool {
	ref = strings.TrimSpace(ref)
	if strings.ContainsAny(ref, " \t\n") {
		return false
	}
	l := strings.ToLower(ref)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}
