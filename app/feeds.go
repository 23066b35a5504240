package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/webfetch"
)

// FeedInfo is a feed as `feeds list` and /feeds list show it: what it is,
// its health and how many documents it brought.
type FeedInfo struct {
	URL        string
	Title      string
	Added      time.Time
	LastPolled time.Time // zero until the first poll
	// LastStatus is "200", "304", or the last error in one line; "" before
	// the first poll.
	LastStatus string
	Failures   int       // consecutive failed polls (each doubles the wait)
	NextPoll   time.Time // zero until the bot has scheduled the feed
	Documents  int       // documents first stored from this feed
}

// ErrFeedExists: the feed is in the list already.
var ErrFeedExists = errors.New("the feed is already in the list")

// ErrNoSuchFeed: no feed in the list has this URL.
var ErrNoSuchFeed = errors.New("no feed in the list has this URL")

// feedKey is the canonical form of a feed URL, so that two spellings of one
// feed are one feed. A URL that is not http(s) gets a clear error.
func feedKey(raw string) (string, error) {
	key, err := feeds.CanonicalLink(raw)
	if err != nil {
		return "", fmt.Errorf("%q is not an http(s) URL of a feed", raw)
	}
	return key, nil
}

// AddFeed fetches the feed at url to check that it is one (an RSS, Atom or
// JSON feed, reachable under the address rules) and adds it. name is its
// title; empty, the feed's own title is used. Adding a feed already in the
// list is ErrFeedExists. The bot polls it within FEEDS_POLL_INTERVAL;
// `geobrief feeds poll` polls at once.
func (a *App) AddFeed(ctx context.Context, url, name string) (FeedInfo, error) {
	url = strings.TrimSpace(url)
	key, err := feedKey(url)
	if err != nil {
		return FeedInfo{}, err
	}
	if f, ok, err := a.feedByKey(ctx, key); err != nil {
		return FeedInfo{}, err
	} else if ok {
		return f, fmt.Errorf("%s: %w (as %s)", url, ErrFeedExists, f.URL)
	}
	resp, err := a.web.fetcher.Fetch(ctx, webfetch.Request{URL: url, Kind: webfetch.Feed})
	if err != nil {
		return FeedInfo{}, fmt.Errorf("cannot add the feed: %w", err)
	}
	feed, err := feeds.Parse(resp.Body, resp.URL)
	if err != nil {
		return FeedInfo{}, fmt.Errorf("cannot add %s: %w", url, err)
	}
	f := store.Feed{Key: key, URL: url, Title: firstNonEmpty(oneLine(name), feed.Title, url), Added: a.now().UTC()}
	added, err := a.Store.AddFeed(ctx, f)
	if err != nil {
		return FeedInfo{}, err
	}
	if !added { // added by someone else meanwhile
		return feedInfo(f), fmt.Errorf("%s: %w", url, ErrFeedExists)
	}
	return feedInfo(f), nil
}

func (a *App) feedByKey(ctx context.Context, key string) (FeedInfo, bool, error) {
	list, err := a.Store.Feeds(ctx)
	if err != nil {
		return FeedInfo{}, false, err
	}
	for _, f := range list {
		if f.Key == key {
			return feedInfo(f), true, nil
		}
	}
	return FeedInfo{}, false, nil
}

// RemoveFeed removes a feed (any spelling of its URL). The documents it
// brought stay until DOCS_MAX_AGE. A URL not in the list is ErrNoSuchFeed.
func (a *App) RemoveFeed(ctx context.Context, url string) error {
	key, err := feedKey(url)
	if err != nil {
		return err
	}
	removed, err := a.Store.RemoveFeed(ctx, key)
	if err != nil {
		return err
	}
	if !removed {
		return fmt.Errorf("%s: %w", strings.TrimSpace(url), ErrNoSuchFeed)
	}
	return nil
}

// Feeds lists the feeds in the order they were added, with their health.
func (a *App) Feeds(ctx context.Context) ([]FeedInfo, error) {
	list, err := a.Store.Feeds(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FeedInfo, 0, len(list))
	for _, f := range list {
		out = append(out, feedInfo(f))
	}
	return out, nil
}

func feedInfo(f store.Feed) FeedInfo {
	return FeedInfo{URL: f.URL, Title: f.Title, Added: f.Added, LastPolled: f.LastPolled, LastStatus: f.LastStatus,
		Failures: f.Failures, NextPoll: f.NextPoll, Documents: f.Documents}
}

// ImportResult counts what an OPML import did.
type ImportResult struct {
	Added    int // feeds new to the list
	Existing int // feeds already in it, left as they were
}

// ImportOPML adds the feeds an OPML file lists (at any depth). Feeds already
// in the list are left as they are, so importing a file twice adds nothing.
// Feeds are not fetched: the first poll says whether each works.
func (a *App) ImportOPML(ctx context.Context, r io.Reader) (ImportResult, error) {
	sources, err := feeds.ReadOPML(r)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	now := a.now().UTC()
	for _, s := range sources {
		key, err := feedKey(s.URL)
		if err != nil {
			return res, err
		}
		added, err := a.Store.AddFeed(ctx, store.Feed{Key: key, URL: s.URL, Title: firstNonEmpty(s.Title, s.URL), Added: now})
		if err != nil {
			return res, err
		}
		if added {
			res.Added++
		} else {
			res.Existing++
		}
	}
	return res, nil
}

// ExportOPML writes the feed list as OPML, which feed readers import.
func (a *App) ExportOPML(ctx context.Context, w io.Writer) error {
	list, err := a.Store.Feeds(ctx)
	if err != nil {
		return err
	}
	sources := make([]feeds.Source, 0, len(list))
	for _, f := range list {
		sources = append(sources, feeds.Source{URL: f.URL, Title: f.Title})
	}
	return feeds.WriteOPML(w, "geobrief feeds", sources)
}

// opmlMetaKey names the fingerprint of the FEEDS_OPML file last imported.
const opmlMetaKey = "feeds_opml"

// importOPMLSetting imports FEEDS_OPML when the file is new or changed
// since its last import. An unchanged file is not imported again, so a feed
// the operator removed with `feeds remove` stays removed across restarts.
func (a *App) importOPMLSetting(ctx context.Context) error {
	path := a.cfg.Feeds.OPML
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read FEEDS_OPML=%q: %w", path, err)
	}
	sum := sha256.Sum256(data)
	mark := path + "\x00" + hex.EncodeToString(sum[:])
	if prev, ok, err := a.Store.Meta(ctx, opmlMetaKey); err != nil {
		return err
	} else if ok && prev == mark {
		return nil
	}
	res, err := a.ImportOPML(ctx, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("FEEDS_OPML=%q: %w", path, err)
	}
	a.log.Info("feeds imported from FEEDS_OPML", slog.String("file", path), slog.Int("added", res.Added), slog.Int("existing", res.Existing))
	return a.Store.SetMeta(ctx, opmlMetaKey, mark)
}

// Poll polls every feed once now, whatever its schedule, stores what is new
// or changed, and prunes web documents older than DOCS_MAX_AGE. Item and
// feed failures are counted (and logged, one line each), not returned;
// Counts.FailedFeeds == Counts.Feeds means every feed failed.
func (a *App) Poll(ctx context.Context) (feeds.Counts, error) {
	old := a.tooOldItems.Load()
	c, err := a.poller.PollAll(ctx)
	a.countTooOld(&c, old)
	if err != nil {
		return c, err
	}
	if _, err := a.Prune(ctx); err != nil {
		return c, err
	}
	return c, nil
}

// Prune removes the web documents published (else added) longer ago than
// DOCS_MAX_AGE; seed documents are never removed. It returns how many.
func (a *App) Prune(ctx context.Context) (int, error) {
	if a.maxAge <= 0 {
		return 0, nil
	}
	now := a.now()
	n, err := a.Store.PruneWebDocuments(ctx, now.Add(-a.maxAge), now)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		a.log.Info("web documents older than DOCS_MAX_AGE removed", slog.Int("documents", n), slog.Duration("max_age", a.maxAge))
	}
	return n, nil
}

// countTooOld moves the items not kept for their age since the count was
// before from New to Skipped: the poller saw them as new, but nothing was
// stored. (Two polls at once in one process may move each other's.)
func (a *App) countTooOld(c *feeds.Counts, before int64) {
	n := int(a.tooOldItems.Load() - before)
	n = min(n, c.New)
	c.New -= n
	c.Skipped += n
}

// tooOld says whether a web document would be pruned at once.
func (a *App) tooOld(published, added time.Time) bool {
	if a.maxAge <= 0 {
		return false
	}
	t := published
	if t.IsZero() {
		t = added
	}
	return t.Before(a.now().Add(-a.maxAge))
}

// pruneEvery is how often Run prunes old web documents.
const pruneEvery = time.Hour

// Run does the app's background work until ctx ends: it builds the story
// index (documents then join their stories as they are stored), re-indexes the
// documents folder when it changes, polls each feed when it is due (every
// FEEDS_POLL_INTERVAL, first polls spread over the interval), and prunes
// web documents older than DOCS_MAX_AGE every hour.
func (a *App) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() {
		// Built now rather than at the first story asked for, so that
		// documents join their stories as they arrive.
		if _, err := a.storyGrouper(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("stories: cannot build the story index; will retry when stories are asked for", slog.Any("error", err))
		}
	})
	wg.Go(func() { a.Watch(ctx) })
	wg.Go(func() { a.pollLoop(ctx) })
	wg.Wait()
}

func (a *App) pollLoop(ctx context.Context) {
	var lastPrune time.Time
	for {
		if now := a.now(); lastPrune.IsZero() || now.Sub(lastPrune) >= pruneEvery {
			if _, err := a.Prune(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("pruning old web documents failed; will retry", slog.Any("error", err))
			} else {
				lastPrune = now
			}
		}
		old := a.tooOldItems.Load()
		c, next, err := a.poller.PollDue(ctx)
		a.countTooOld(&c, old)
		if err != nil && ctx.Err() == nil {
			a.log.Error("feeds: poll failed; will retry", slog.Any("error", err))
		}
		if c.Feeds > 0 {
			a.log.Info("feeds polled", slog.Int("feeds", c.Feeds), slog.Int("new", c.New),
				slog.Int("updated", c.Updated), slog.Int("skipped", c.Skipped), slog.Int("errors", c.Errors))
		}
		// At most one interval, so that feeds added meanwhile are noticed.
		wait := a.pollInterval
		if !next.IsZero() {
			wait = min(max(next.Sub(a.now()), time.Second), a.pollInterval)
		}
		select {
		case <-ctx.Done():
			return
		case <-a.after(wait):
		}
	}
}

// IngestResult is what Ingest did with one URL.
type IngestResult struct {
	URL string
	Doc corpus.Document // the stored document (when Err is nil)
	// Status is "new", "updated" or "unchanged".
	Status string
	Err    error
}

// Ingest fetches single article pages (no feed), extracts them and stores
// them as web documents, under the same address rules and limits as feeds.
// One URL's failure is its result's Err; the others go on. The error is
// for the store failing.
func (a *App) Ingest(ctx context.Context, urls ...string) []IngestResult {
	out := make([]IngestResult, 0, len(urls))
	for _, u := range urls {
		doc, status, err := a.ingest(ctx, u)
		out = append(out, IngestResult{URL: u, Doc: doc, Status: status, Err: err})
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

func (a *App) ingest(ctx context.Context, raw string) (corpus.Document, string, error) {
	raw = strings.TrimSpace(raw)
	link, err := feeds.CanonicalLink(raw)
	if err != nil {
		return corpus.Document{}, "", fmt.Errorf("%q is not an http(s) URL", raw)
	}
	art, err := a.web.Article(ctx, raw)
	if err != nil {
		return corpus.Document{}, "", err
	}
	known, found, err := a.webStore().Known(ctx, link)
	if err != nil {
		return corpus.Document{}, "", err
	}
	text := art.Text
	d := feeds.Doc{
		Key:       link,
		Link:      link,
		URL:       raw,
		Title:     firstNonEmpty(art.Title, link),
		Source:    firstNonEmpty(art.Site, hostOf(link)),
		Byline:    art.Byline,
		Language:  art.Language,
		Published: art.Published,
		Text:      text,
		TextHash:  textHash(text),
	}
	status := "new"
	if found {
		d.ID = known.ID
		d.ItemHash = known.ItemHash
		status = "unchanged"
		if known.TextHash != d.TextHash {
			status = "updated"
		}
	} else {
		d.ID = feeds.DocumentID(d.Title, link)
	}
	// Asked for by name, the page is kept whatever its age (DOCS_MAX_AGE
	// prunes it later like any web document).
	if err := a.saveWeb(ctx, d, false); err != nil {
		return corpus.Document{}, "", err
	}
	doc, err := a.Store.Document(ctx, d.ID)
	if err != nil {
		return corpus.Document{}, "", err
	}
	return doc, status, nil
}

func hostOf(link string) string {
	rest, _ := strings.CutPrefix(link, "https://")
	rest, _ = strings.CutPrefix(rest, "http://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

func textHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// saveWeb stores a feeds.Doc. With skipOld, a document older than
// DOCS_MAX_AGE is not kept (it would be pruned at once); its item key is
// remembered so its feed does not make it fetched again.
func (a *App) saveWeb(ctx context.Context, d feeds.Doc, skipOld bool) error {
	now := a.now().UTC()
	if skipOld && a.tooOld(d.Published, now) {
		a.log.Debug("feeds: item older than DOCS_MAX_AGE not kept", slog.String("item", d.URL))
		a.tooOldItems.Add(1)
		return a.Store.RememberWebItem(ctx, d.Key, d.ID, d.ItemHash, d.TextHash, now)
	}
	doc := corpus.Document{
		ID: d.ID, Title: d.Title, Source: d.Source, URL: d.URL, Language: d.Language,
		Published: d.Published, Added: now, Body: d.Text, Hash: d.TextHash,
	}
	if err := a.Store.SaveWebDocument(ctx, store.WebDocument{
		Doc: doc, Key: d.Key, Link: d.Link, Feed: d.Feed, Byline: d.Byline, ItemHash: d.ItemHash,
	}, now); err != nil {
		return err
	}
	a.joinStories(ctx, doc)
	return nil
}

// webStore is the store as the poller sees it: its Sources, StateStore and
// Sink.
type webStore struct{ a *App }

func (a *App) webStore() webStore { return webStore{a} }

var (
	_ feeds.Sources    = webStore{}
	_ feeds.StateStore = webStore{}
	_ feeds.Sink       = webStore{}
)

func (w webStore) Feeds(ctx context.Context) ([]feeds.Source, error) {
	list, err := w.a.Store.Feeds(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]feeds.Source, 0, len(list))
	for _, f := range list {
		out = append(out, feeds.Source{URL: f.URL, Title: f.Title})
	}
	return out, nil
}

func (w webStore) FeedState(ctx context.Context, url string) (feeds.FeedState, bool, error) {
	f, ok, err := w.a.Store.FeedByURL(ctx, url)
	if err != nil || !ok || !f.Scheduled {
		return feeds.FeedState{URL: url}, false, err
	}
	return feeds.FeedState{URL: f.URL, ETag: f.ETag, LastModified: f.LastModified, LastPolled: f.LastPolled,
		LastStatus: f.LastStatus, Failures: f.Failures, NextPoll: f.NextPoll}, true, nil
}

func (w webStore) SaveFeedState(ctx context.Context, st feeds.FeedState) error {
	return w.a.Store.SaveFeedState(ctx, store.Feed{URL: st.URL, ETag: st.ETag, LastModified: st.LastModified,
		LastPolled: st.LastPolled, LastStatus: st.LastStatus, Failures: st.Failures, NextPoll: st.NextPoll})
}

// Known finds an item by its key, else as a stored document's canonical
// link (the poller asks for the key, then the link; ingest asks for the
// link).
func (w webStore) Known(ctx context.Context, key string) (feeds.Known, bool, error) {
	it, ok, err := w.a.Store.WebItem(ctx, key)
	if err == nil && !ok {
		it, ok, err = w.a.Store.WebItemByLink(ctx, key)
	}
	if err != nil || !ok {
		return feeds.Known{}, false, err
	}
	return feeds.Known{ID: it.DocID, ItemHash: it.ItemHash, TextHash: it.TextHash}, true, nil
}

func (w webStore) Save(ctx context.Context, d feeds.Doc) error { return w.a.saveWeb(ctx, d, true) }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
