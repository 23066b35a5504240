// Package feeds reads news feeds (RSS, Atom, JSON Feed) and OPML lists of them, gives
// each item a stable identity, and polls feeds into a sink of documents: politely,
// conditionally, with backoff, fetching and extracting each new article.
package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

// Feed is a parsed feed.
type Feed struct {
	Title string
	Link  string // the site's home page, when the feed names it
	Items []Item
}

// Item is one entry of a feed.
type Item struct {
	GUID      string
	Link      string // absolute
	Title     string
	Published time.Time // zero when the feed gives none
	Updated   time.Time
	// Content is the item's full content (content:encoded, Atom content, JSON content_html
	// or content_text); Description its summary. Both may hold HTML.
	Content     string
	Description string
}

// ErrNotAFeed: the bytes are not RSS, Atom or JSON Feed.
var ErrNotAFeed = errors.New("feeds: not an RSS, Atom or JSON feed")

// Parse reads an RSS 0.9x/1.0/2.0, Atom or JSON feed fetched from feedURL; relative item
// links are resolved against the feed's own link, else feedURL.
func Parse(data []byte, feedURL string) (Feed, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return Feed{}, ErrNotAFeed
		}
		return Feed{}, fmt.Errorf("feeds: parsing %s: %w", feedURL, err)
	}
	base, _ := url.Parse(feedURL)
	if f.Link != "" && base != nil {
		if l, err := base.Parse(f.Link); err == nil && (l.Scheme == "http" || l.Scheme == "https") && l.Host != "" {
			base = l
		}
	}
	out := Feed{Title: oneLine(f.Title), Link: resolve(base, f.Link)}
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		item := Item{
			GUID:        strings.TrimSpace(it.GUID),
			Link:        resolve(base, firstLink(it)),
			Title:       plainTitle(it.Title),
			Content:     it.Content,
			Description: it.Description,
		}
		if it.PublishedParsed != nil {
			item.Published = it.PublishedParsed.UTC()
		}
		if it.UpdatedParsed != nil {
			item.Updated = it.UpdatedParsed.UTC()
		}
		if item.Published.IsZero() {
			item.Published = item.Updated
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

func firstLink(it *gofeed.Item) string {
	if l := strings.TrimSpace(it.Link); l != "" {
		return l
	}
	for _, l := range it.Links {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	// RSS items without <link> often carry the article URL as a permalink GUID.
	if g := strings.TrimSpace(it.GUID); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
		return g
	}
	return ""
}

func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// plainTitle drops markup from a title (Atom allows type="html" titles): titles are
// shown as plain text.
func plainTitle(s string) string {
	if strings.ContainsRune(s, '<') {
		s = htmlText(s)
	}
	return oneLine(s)
}
