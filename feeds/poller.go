package feeds

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/geobrief/geobrief/extract"
	"github.com/geobrief/geobrief/webfetch"
	"golang.org/x/net/html"
	"golang.org/x/sync/errgroup"
)

// Sources lists the feeds to poll (the store's feed table, in the app).
type Sources interface {
	Feeds(ctx context.Context) ([]Source, error)
}

// FeedState is what the poller remembers about a feed between polls.
type FeedState struct {
	URL          string
	ETag         string
	LastModified string
	LastPolled   time.Time // zero until the first poll
	LastStatus   string    // "200", "304", or the last error in one line
	Failures     int       // consecutive failed polls
	NextPoll     time.Time
}

// StateStore keeps FeedStates. ok is false for a feed never seen.
type StateStore interface {
	FeedState(ctx context.Context, url string) (st FeedState, ok bool, err error)
	SaveFeedState(ctx context.Context, st FeedState) error
}

// Known is what a sink remembers of a stored item.
type Known struct {
	ID       string
	ItemHash string // the feed item as last seen; unchanged means nothing to fetch
	TextHash string // the stored text; changed means the document is updated
}

// Sink stores documents. Known is asked for an item's key and then for its canonical
// link, so Save must make a document findable by both Doc.Key and Doc.Link: that is how
// the same article reached through two feeds is stored once.
type Sink interface {
	Known(ctx context.Context, key string) (Known, bool, error)
	Save(ctx context.Context, doc Doc) error
}

// Leases lets replicas sharing one store poll each feed one at a time (a
// *store.Store): TryLease takes the named lease when it is free, has run
// out, or is owner's already; ReleaseLease gives it up.
type Leases interface {
	TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	ReleaseLease(ctx context.Context, name, owner string) error
}

// DefaultPollLease is the default Config.PollLease: longer than a poll of
// one feed takes (its items' pages are fetched with per-host spacing).
const DefaultPollLease = 10 * time.Minute

// Fetcher is the part of *webfetch.Fetcher the poller uses.
type Fetcher interface {
	Fetch(ctx context.Context, req webfetch.Request) (*webfetch.Response, error)
}

var _ Fetcher = (*webfetch.Fetcher)(nil)

// ExtractFunc takes the article out of a page (extract.Extract in the app).
type ExtractFunc func(page []byte, pageURL string) (extract.Article, error)

// Doc is a document made from a feed item.
type Doc struct {
	ID        string // stable: kept from the first save
	Key       string // ItemKey
	Link      string // canonical link ("" when the item has none)
	URL       string // the link as the feed gave it
	Feed      string // the feed's URL
	Title     string
	Source    string // the site's name, else the feed's title
	Byline    string
	Language  string
	Published time.Time
	Text      string // paragraphs separated by blank lines
	ItemHash  string
	TextHash  string
	// FromFeed is true when Text is the item's own content because the page could not
	// be fetched or extracted.
	FromFeed bool
	// Update is true when a stored document with this ID had different text.
	Update bool
}

// Counts sums up a poll. Errors counts failed feeds and items that could not be stored;
// Skipped counts items without usable text.
type Counts struct {
	Feeds   int `json:"feeds"`
	New     int `json:"new"`
	Updated int `json:"updated"`
	Skipped int `json:"skipped"`
	Errors  int `json:"errors"`
	// FailedFeeds is how many of Feeds failed: the CLI exits 1 when all did.
	FailedFeeds int `json:"-"`
}

func (c *Counts) add(o Counts) {
	c.Feeds += o.Feeds
	c.New += o.New
	c.Updated += o.Updated
	c.Skipped += o.Skipped
	c.Errors += o.Errors
	c.FailedFeeds += o.FailedFeeds
}

// MinWords is how many words an item's own content needs to stand in for its page.
const MinWords = 40

// Config holds a Poller's dependencies and settings.
type Config struct {
	Sources Sources
	State   StateStore
	Sink    Sink
	Fetcher Fetcher
	Extract ExtractFunc // nil: extract.Extract
	Logger  *slog.Logger

	Interval    time.Duration // FEEDS_POLL_INTERVAL, default 15m
	MaxBackoff  time.Duration // longest wait after failures, default 24h
	FeedWorkers int           // feeds polled at once, default 32: the fetcher bounds requests in flight, and feeds on different hosts wait out their per-host spacing side by side
	ItemWorkers int           // items of one feed processed at once, default 2 (the per-host limit)

	Now   func() time.Time                       // default time.Now
	After func(d time.Duration) <-chan time.Time // default time.After; Run waits on it

	// Leases, when set, makes each feed polled by one replica at a time: a
	// replica takes the feed's lease (for PollLease, default
	// DefaultPollLease) before polling it, and skips a feed whose lease
	// another replica holds. nil: no coordination (one process).
	Leases    Leases
	PollLease time.Duration
	Owner     string // names this replica in its leases; default a random name
}

// Poller polls feeds into a Sink. Safe for concurrent use.
type Poller struct {
	cfg Config

	keysMu sync.Mutex
	keys   map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

// NewPoller checks cfg and fills in defaults.
func NewPoller(cfg Config) (*Poller, error) {
	if cfg.Sources == nil || cfg.State == nil || cfg.Sink == nil || cfg.Fetcher == nil {
		return nil, errors.New("feeds: a poller needs Sources, State, Sink and Fetcher")
	}
	if cfg.Extract == nil {
		cfg.Extract = extract.Extract
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 15 * time.Minute
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 24 * time.Hour
	}
	if cfg.FeedWorkers <= 0 {
		cfg.FeedWorkers = 32
	}
	if cfg.ItemWorkers <= 0 {
		cfg.ItemWorkers = 2
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.PollLease <= 0 {
		cfg.PollLease = DefaultPollLease
	}
	if cfg.Owner == "" {
		cfg.Owner = "poller-" + rand.Text()
	}
	return &Poller{cfg: cfg, keys: make(map[string]*keyLock)}, nil
}

// PollAll polls every feed once now, whatever its schedule (`geobrief feeds poll`).
func (p *Poller) PollAll(ctx context.Context) (Counts, error) {
	c, _, err := p.poll(ctx, true)
	return c, err
}

// PollDue polls the feeds whose next poll has come, and returns when the next one is
// due. A feed seen for the first time is not polled at once: it is given a first poll
// time spread over the interval, so that a hundred new feeds do not all go out together.
func (p *Poller) PollDue(ctx context.Context) (Counts, time.Time, error) {
	return p.poll(ctx, false)
}

// Run polls due feeds until ctx ends, sleeping until the next one is due (at most one
// interval, so feeds added meanwhile are noticed).
func (p *Poller) Run(ctx context.Context) error {
	for {
		c, next, err := p.PollDue(ctx)
		if err != nil && ctx.Err() == nil {
			p.cfg.Logger.Error("feeds: poll failed", slog.String("error", err.Error()))
		}
		if c.Feeds > 0 {
			p.cfg.Logger.Info("feeds: polled", slog.Int("feeds", c.Feeds), slog.Int("new", c.New),
				slog.Int("updated", c.Updated), slog.Int("skipped", c.Skipped), slog.Int("errors", c.Errors))
		}
		wait := p.cfg.Interval
		if !next.IsZero() {
			wait = min(max(next.Sub(p.cfg.Now()), time.Second), p.cfg.Interval)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.cfg.After(wait):
		}
	}
}

func (p *Poller) poll(ctx context.Context, all bool) (Counts, time.Time, error) {
	sources, err := p.cfg.Sources.Feeds(ctx)
	if err != nil {
		return Counts{}, time.Time{}, fmt.Errorf("feeds: listing feeds: %w", err)
	}
	now := p.cfg.Now()
	var (
		mu    sync.Mutex
		total Counts
		next  time.Time
	)
	noteNext := func(t time.Time) {
		mu.Lock()
		if next.IsZero() || t.Before(next) {
			next = t
		}
		mu.Unlock()
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.cfg.FeedWorkers)
	for _, src := range sources {
		st, ok, err := p.cfg.State.FeedState(ctx, src.URL)
		if err != nil {
			return total, next, fmt.Errorf("feeds: reading state of %s: %w", src.URL, err)
		}
		if !ok {
			st = FeedState{URL: src.URL}
			if !all {
				st.NextPoll = now.Add(p.spread(src.URL))
				if err := p.cfg.State.SaveFeedState(ctx, st); err != nil {
					return total, next, fmt.Errorf("feeds: saving state of %s: %w", src.URL, err)
				}
				noteNext(st.NextPoll)
				continue
			}
		}
		if !all && st.NextPoll.After(now) {
			noteNext(st.NextPoll)
			continue
		}
		release, st, ok, err := p.lease(ctx, src, st, all, now)
		if err != nil {
			// Skipped this time, not the whole poll: polling a feed without
			// its lease could poll it twice.
			p.cfg.Logger.Error("feeds: feed not polled", slog.String("feed", src.URL), slog.String("error", err.Error()))
			mu.Lock()
			total.Errors++
			mu.Unlock()
			continue
		}
		if !ok {
			if !all && st.NextPoll.After(now) {
				noteNext(st.NextPoll)
			}
			continue
		}
		g.Go(func() error {
			defer release()
			c, st := p.pollFeed(gctx, src, st)
			if err := p.cfg.State.SaveFeedState(gctx, st); err != nil {
				p.cfg.Logger.Error("feeds: cannot save feed state", slog.String("feed", src.URL), slog.String("error", err.Error()))
				c.Errors++
			}
			noteNext(st.NextPoll)
			mu.Lock()
			total.add(c)
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	return total, next, ctx.Err()
}

// lease takes the feed's lease when leases are in use; ok is false when
// another replica holds it, or polled the feed since st was read (st is
// then the state it saved). release gives the lease up; call it after the
// feed's new state is saved, so that the next replica to look sees it.
func (p *Poller) lease(ctx context.Context, src Source, st FeedState, all bool, now time.Time) (release func(), _ FeedState, ok bool, err error) {
	if p.cfg.Leases == nil {
		return func() {}, st, true, nil
	}
	name := "feed:" + src.URL
	held, err := p.cfg.Leases.TryLease(ctx, name, p.cfg.Owner, now, now.Add(p.cfg.PollLease))
	if err != nil {
		return nil, st, false, fmt.Errorf("feeds: taking the poll lease of %s: %w", src.URL, err)
	}
	if !held {
		p.cfg.Logger.Debug("feeds: another replica is polling this feed", slog.String("feed", src.URL))
		return nil, st, false, nil
	}
	release = func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := p.cfg.Leases.ReleaseLease(rctx, name, p.cfg.Owner); err != nil {
			p.cfg.Logger.Warn("feeds: cannot release a poll lease; other replicas wait for it to run out",
				slog.String("feed", src.URL), slog.String("error", err.Error()))
		}
	}
	// Another replica may have polled the feed between our read of its
	// state and our lease: read it again under the lease.
	fresh, found, err := p.cfg.State.FeedState(ctx, src.URL)
	if err != nil {
		release()
		return nil, st, false, fmt.Errorf("feeds: reading state of %s: %w", src.URL, err)
	}
	if found {
		st = fresh
	}
	if !all && st.NextPoll.After(now) {
		release()
		return nil, st, false, nil
	}
	return release, st, true, nil
}

// spread is a feed's stable offset within the interval, from a hash of its URL.
func (p *Poller) spread(url string) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(url))
	return time.Duration(h.Sum64() % uint64(p.cfg.Interval))
}

// pollFeed fetches one feed (conditionally), processes its items, and returns the
// counts and the feed's new state.
func (p *Poller) pollFeed(ctx context.Context, src Source, st FeedState) (Counts, FeedState) {
	c := Counts{Feeds: 1}
	now := p.cfg.Now()
	st.LastPolled = now
	resp, err := p.cfg.Fetcher.Fetch(ctx, webfetch.Request{URL: src.URL, Kind: webfetch.Feed, ETag: st.ETag, LastModified: st.LastModified})
	if err == nil && !resp.NotModified {
		var feed Feed
		feed, err = Parse(resp.Body, resp.URL)
		if err == nil {
			st.ETag, st.LastModified = resp.ETag, resp.LastModified
			p.processItems(ctx, src, feed, &c)
		}
	}
	if err != nil {
		st.Failures++
		st.LastStatus = oneLine(err.Error())
		wait := p.cfg.Interval << min(st.Failures-1, 16)
		wait = min(wait, p.cfg.MaxBackoff)
		var se *webfetch.StatusError
		if errors.As(err, &se) && se.RetryAfter > wait {
			wait = min(se.RetryAfter, p.cfg.MaxBackoff)
		}
		st.NextPoll = now.Add(wait)
		c.Errors++
		c.FailedFeeds++
		p.cfg.Logger.Warn("feeds: feed failed", slog.String("feed", src.URL), slog.Int("failures", st.Failures),
			slog.Time("next_poll", st.NextPoll), slog.String("error", st.LastStatus))
		return c, st
	}
	if resp.NotModified {
		st.LastStatus = "304"
		if resp.ETag != "" {
			st.ETag = resp.ETag
		}
		if resp.LastModified != "" {
			st.LastModified = resp.LastModified
		}
	} else {
		st.LastStatus = fmt.Sprint(resp.Status)
	}
	st.Failures = 0
	st.NextPoll = now.Add(max(p.cfg.Interval, min(resp.MaxAge, p.cfg.MaxBackoff)))
	return c, st
}

func (p *Poller) processItems(ctx context.Context, src Source, feed Feed, c *Counts) {
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.cfg.ItemWorkers)
	for _, it := range feed.Items {
		g.Go(func() error {
			r := p.processItem(gctx, src, feed, it)
			mu.Lock()
			c.add(r)
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
}

// processItem stores one item if it is new or its text changed. It never fails the
// poll: every problem is counted and logged on one line.
func (p *Poller) processItem(ctx context.Context, src Source, feed Feed, it Item) Counts {
	log := p.cfg.Logger.With(slog.String("feed", src.URL), slog.String("item", firstNonEmpty(it.Link, it.GUID, it.Title)))
	key := ItemKey(it)
	if key == "" {
		log.Warn("feeds: item skipped: it has neither a GUID nor a usable link")
		return Counts{Skipped: 1}
	}
	link, _ := CanonicalLink(it.Link)
	// Two feeds carrying the same article must not both find it unknown and store it
	// twice: items are processed one at a time per article.
	unlock := p.lock(firstNonEmpty(link, key))
	defer unlock()

	known, found, err := p.cfg.Sink.Known(ctx, key)
	if err == nil && !found && link != "" && link != key {
		known, found, err = p.cfg.Sink.Known(ctx, link)
	}
	if err != nil {
		log.Error("feeds: item not stored: looking it up failed", slog.String("error", err.Error()))
		return Counts{Errors: 1}
	}
	ih := itemHash(it)
	if found && known.ItemHash == ih {
		return Counts{} // seen before, unchanged in the feed: nothing to fetch
	}
	art, fromFeed, why := p.articleText(ctx, it)
	if art.Text == "" {
		log.Warn("feeds: item skipped: " + why)
		return Counts{Skipped: 1}
	}
	doc := Doc{
		Key:       key,
		Link:      link,
		URL:       firstNonEmpty(it.Link, art.URL),
		Feed:      src.URL,
		Title:     firstNonEmpty(it.Title, art.Title, headline(art.Text)),
		Source:    firstNonEmpty(art.Site, feed.Title, src.Title),
		Byline:    art.Byline,
		Language:  art.Language,
		Published: it.Published,
		Text:      art.Text,
		ItemHash:  ih,
		TextHash:  hashOf(art.Text),
		FromFeed:  fromFeed,
	}
	if doc.Published.IsZero() {
		doc.Published = art.Published
	}
	if found {
		doc.ID = known.ID
		doc.Update = known.TextHash != doc.TextHash
	} else {
		doc.ID = DocumentID(doc.Title, firstNonEmpty(link, key))
	}
	if err := p.cfg.Sink.Save(ctx, doc); err != nil {
		log.Error("feeds: item not stored", slog.String("error", err.Error()))
		return Counts{Errors: 1}
	}
	switch {
	case !found:
		return Counts{New: 1}
	case doc.Update:
		return Counts{Updated: 1}
	}
	return Counts{} // the feed entry changed, the text did not
}

// articleText fetches and extracts the item's page; when that fails or yields less than
// MinWords, the item's own content or description stands in if it has MinWords. why
// says, in one line, why nothing usable was found.
func (p *Poller) articleText(ctx context.Context, it Item) (art extract.Article, fromFeed bool, why string) {
	var pageErr error
	if it.Link == "" {
		pageErr = errors.New("no link")
	} else if resp, err := p.cfg.Fetcher.Fetch(ctx, webfetch.Request{URL: it.Link, Kind: webfetch.Page}); err != nil {
		pageErr = err
	} else if a, err := p.cfg.Extract(resp.Body, resp.URL); err != nil {
		pageErr = fmt.Errorf("extracting %s: %w", resp.URL, err)
	} else {
		art = a
		if wordCount(a.Text) >= MinWords {
			return art, false, ""
		}
		pageErr = fmt.Errorf("the page has only %d words of article text", wordCount(a.Text))
	}
	own := htmlText(firstNonEmpty(it.Content, it.Description))
	if wordCount(own) >= MinWords {
		art.Text = own
		return art, true, ""
	}
	if art.Text != "" {
		return art, false, "" // a short article is still the article
	}
	return extract.Article{}, false, fmt.Sprintf("%s; the item's own text has %d words (at least %d needed)", oneLine(pageErr.Error()), wordCount(own), MinWords)
}

// lock serialises work on one article key across goroutines.
func (p *Poller) lock(key string) func() {
	p.keysMu.Lock()
	l, ok := p.keys[key]
	if !ok {
		l = &keyLock{}
		p.keys[key] = l
	}
	l.refs++
	p.keysMu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		p.keysMu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(p.keys, key)
		}
		p.keysMu.Unlock()
	}
}

// itemHash fingerprints what a feed says about an item, so an unchanged item costs no
// page fetch.
func itemHash(it Item) string {
	// The canonical link, so that the same article in two feeds, with different
	// tracking parameters, has the same fingerprint and is fetched once.
	link, err := CanonicalLink(it.Link)
	if err != nil {
		link = it.Link
	}
	return hashOf(strings.Join([]string{it.GUID, link, it.Title, it.Published.Format(time.RFC3339),
		it.Updated.Format(time.RFC3339), it.Description, it.Content}, "\x00"))
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// htmlText is the text of an HTML fragment (feed content is HTML or plain text; plain
// text parses as itself), in paragraphs.
func htmlText(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return oneLine(s)
	}
	return extract.Text(doc)
}

// headline stands in for a missing title: the text's first sentence, cut at a word
// boundary to at most 120 characters.
func headline(text string) string {
	first, _, _ := strings.Cut(text, "\n\n")
	if i := strings.IndexAny(first, ".!?"); i > 0 {
		first = first[:i]
	}
	w := strings.Fields(first)
	var b strings.Builder
	for _, word := range w {
		if b.Len()+len(word)+1 > 120 {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(word)
	}
	return b.String()
}
