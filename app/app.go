// Package app is geobrief's application service: the corpus indexed in the
// store, the summarizer over it (through the LLM when one is configured),
// and the one way of finding the document a user means. The command line,
// the Discord bot and the benchmarks all ask it; main only wires.
package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/seeds"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
	"github.com/geobrief/geobrief/webfetch"
)

// App is the corpus, indexed in the store, and the summarizer over it.
// Its fields are for wiring (digests and metrics need the store and the
// summarizer); requests go through its methods.
type App struct {
	Store      *store.Store
	Summarizer *summarize.Summarizer
	LLM        *llm.Client // nil when offline

	cfg      config.Config
	log      *slog.Logger
	seeds    fs.FS
	snapshot corpus.Snapshot // of seeds, taken before the first load

	// Live news: the fetcher, the poller over the store's feeds, and the
	// settings and clock they run by.
	web          *Web
	poller       *feeds.Poller
	pollInterval time.Duration
	maxAge       time.Duration
	now          func() time.Time
	after        func(time.Duration) <-chan time.Time
	// tooOldItems counts feed items not kept for being older than
	// DOCS_MAX_AGE, so that a poll reports them as skipped, not new.
	tooOldItems atomic.Int64

	// stories is the grouper of documents into stories (stories.go).
	stories storyIndex

	mu sync.Mutex
	// warnings are those of the last load: what Document says of a
	// skipped file.
	warnings []corpus.Warning
}

// Close releases the LLM client and the store.
func (a *App) Close() {
	if a.LLM != nil {
		a.LLM.Close()
	}
	a.Store.Close()
}

// Option changes how Open or New sets the app up.
type Option func(*options)

type options struct {
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	tune  []func(*webfetch.Config)
}

// WithClock sets the clock the feed poller and pruning run by: now tells
// the time and after waits (Run waits on it between polls). Tests drive the
// background work with it, without sleeping.
func WithClock(now func() time.Time, after func(time.Duration) <-chan time.Time) Option {
	return func(o *options) { o.now, o.after = now, after }
}

// WithFetchConfig changes the fetcher's configuration after the settings
// have filled it (tests drop the per-host delay between requests).
func WithFetchConfig(tune func(*webfetch.Config)) Option {
	return func(o *options) { o.tune = append(o.tune, tune) }
}

// IndexDirName is the folder inside DATA_DIR that holds a PostgreSQL
// replica's own search index (a SQLite copy of the documents). It is not
// DATA_DIR itself, whose geobrief.db may be the SQLite store the operator
// used before setting DATABASE_URL.
const IndexDirName = "search-index"

// OpenStore opens the store the settings name: the PostgreSQL database of
// DATABASE_URL, with this process's search index in DATA_DIR/search-index,
// or else SQLite in DATA_DIR.
func OpenStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	if cfg.DatabaseURL != "" {
		st, err := store.OpenPostgres(ctx, cfg.DatabaseURL, filepath.Join(cfg.DataDir, IndexDirName))
		if err != nil {
			return nil, fmt.Errorf("cannot open the database (DATABASE_URL): %w", err)
		}
		return st, nil
	}
	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the data folder (DATA_DIR=%q): %w", cfg.DataDir, err)
	}
	return st, nil
}

// Open loads the documents, brings the index up to date (only changed files
// are re-indexed), imports FEEDS_OPML when it is new or changed, and sets up
// the summarizer and the feed poller.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opts ...Option) (*App, error) {
	seedFS := fs.FS(seeds.FS)
	if cfg.SeedsDir != "" {
		// config has checked that it is a folder.
		seedFS = os.DirFS(cfg.SeedsDir)
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// The snapshot comes before the load, so that Watch notices a file that
	// changes while the first load is indexing.
	a := &App{Store: st, cfg: cfg, log: log, seeds: seedFS, snapshot: corpus.TakeSnapshot(seedFS)}
	docs, warnings := corpus.Load(seedFS)
	if err := a.sync(ctx, docs, warnings); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.setUpFeeds(cfg.Feeds, opts); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.importOPMLSetting(ctx); err != nil {
		st.Close()
		return nil, err
	}

	scfg := summarize.Config{
		Model:           cfg.LLM.Model,
		ContextTokens:   cfg.LLM.ContextTokens,
		FallbackOffline: cfg.LLM.Fallback == "offline",
		Timeout:         cfg.LLM.SummaryTimeout,
		Logger:          log,
	}
	if shared(st) {
		// Replicas on one database generate each Brief once between them.
		// On SQLite one process owns the file: its in-process flights are
		// enough, and a claim a crash left behind would only make the first
		// request after a restart wait it out.
		scfg.Claims = st
	}
	var completer summarize.Completer
	if cfg.LLM.Enabled() {
		a.LLM = NewLLMClient(cfg, st, log)
		completer = a.LLM
	} else {
		scfg.Model = summarize.OfflineModel
	}
	a.Summarizer, err = summarize.New(scfg, completer, st)
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// New puts an App together from parts already open, for programs that
// build their own store and summarizer (benchmarks, tests). Watch is a
// no-op for it: it has no folder. Its live news settings are the defaults.
func New(st *store.Store, sum *summarize.Summarizer, log *slog.Logger, opts ...Option) *App {
	if log == nil {
		log = slog.Default()
	}
	a := &App{Store: st, Summarizer: sum, log: log}
	defaults, err := config.Load(config.MapLookup(nil))
	if err == nil {
		err = a.setUpFeeds(defaults.Feeds, opts)
	}
	if err != nil {
		panic("app: the default settings do not set up: " + err.Error()) // a programming error
	}
	return a
}

// setUpFeeds makes the fetcher and the poller over the store's feeds.
func (a *App) setUpFeeds(cfg config.Feeds, opts []Option) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	a.now, a.after = o.now, o.after
	if a.now == nil {
		a.now = time.Now
	}
	if a.after == nil {
		a.after = time.After
	}
	a.pollInterval, a.maxAge = cfg.PollInterval, cfg.MaxAge
	a.web = NewWeb(cfg, o.tune...)
	w := a.webStore()
	fc := feeds.Config{
		Sources:  w,
		State:    w,
		Sink:     w,
		Fetcher:  a.web.fetcher,
		Logger:   a.log,
		Interval: cfg.PollInterval,
		Now:      a.now,
		After:    a.after,
	}
	if a.Store != nil {
		fc.Leases = a.Store // replicas on one database poll each feed one at a time
	}
	p, err := feeds.NewPoller(fc)
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	a.poller = p
	return nil
}

// Web is the app's fetcher and extractor.
func (a *App) Web() *Web { return a.web }

// NewLLMClient makes the LLM client the settings describe; ledger keeps
// its token usage for the budgets.
func NewLLMClient(cfg config.Config, ledger llm.Ledger, log *slog.Logger) *llm.Client {
	retries := cfg.LLM.MaxRetries
	if retries == 0 {
		retries = -1 // the client reads 0 as "default"; the user said none
	}
	return llm.New(llm.Config{
		BaseURL:               cfg.LLM.BaseURL,
		APIKey:                cfg.LLM.APIKey,
		Model:                 cfg.LLM.Model,
		JSONMode:              cfg.LLM.JSONMode,
		Timeout:               cfg.LLM.Timeout,
		MaxRetries:            retries,
		MaxConcurrency:        cfg.LLM.MaxConcurrency,
		DailyTokenBudget:      cfg.LLM.DailyTokenBudget,
		GuildDailyTokenBudget: cfg.LLM.GuildTokenBudget,
		Logger:                log,
	}, ledger)
}

// sync brings the index in line with the documents just loaded; only
// changed files are written. A file's problem is logged when it is new: the
// same skipped file is not reported again by every re-index, command or
// restart (geobrief check lists them all).
func (a *App) sync(ctx context.Context, docs []corpus.Document, warnings []corpus.Warning) error {
	for _, w := range warnings {
		if w.File == "" {
			// The folder itself could not be read. Syncing the empty list would
			// drop every indexed document, so keep the index as it is.
			return fmt.Errorf("cannot read the documents folder: %s", w.Reason)
		}
	}
	a.mu.Lock()
	a.warnings = warnings
	a.mu.Unlock()
	fresh, err := a.Store.SyncWarnings(ctx, warnings)
	if err != nil {
		return err
	}
	for _, w := range fresh {
		msg := "document skipped"
		if w.Kept {
			msg = "part of a document left out"
		}
		a.log.Warn(msg, slog.String("file", w.File), slog.String("reason", w.Reason))
	}
	start := time.Now()
	stats, err := a.Store.SyncDocuments(ctx, docs)
	if err != nil {
		return fmt.Errorf("cannot index the documents: %w", err)
	}
	if stats.Added > 0 {
		a.joinStories(ctx, docs...)
	}
	a.log.Debug("index up to date",
		slog.Int("added", stats.Added), slog.Int("updated", stats.Updated),
		slog.Int("removed", stats.Removed), slog.Int("unchanged", stats.Unchanged),
		slog.Duration("took", time.Since(start)))
	return nil
}

// Watch re-indexes the corpus whenever its folder changes, until ctx ends.
// The embedded documents never change, so there is nothing to watch then.
func (a *App) Watch(ctx context.Context) {
	if a.cfg.SeedsDir == "" {
		return
	}
	corpus.Poll(ctx, a.seeds, a.cfg.SeedsPoll, a.snapshot, func(docs []corpus.Document, warnings []corpus.Warning) error {
		if err := a.sync(ctx, docs, warnings); err != nil {
			a.log.Error("re-indexing failed; will retry", slog.Any("error", err))
			return err
		}
		a.log.Info("documents changed; index updated", slog.Int("documents", len(docs)))
		return nil
	})
}

// Warnings are the problems of the last load: files skipped, and front
// matter fields left out of documents that were kept.
func (a *App) Warnings() []corpus.Warning {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.warnings)
}

// skipped returns why the file with this ID was skipped by the last load.
func (a *App) skipped(id string) (corpus.Warning, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, w := range a.warnings {
		if !w.Kept && w.File != "" && w.ID() == id {
			return w, true
		}
	}
	return corpus.Warning{}, false
}

// emptyCorpus describes an empty corpus: where documents were looked for,
// and how many files there were skipped.
func (a *App) emptyCorpus() error {
	e := &EmptyCorpusError{Folder: a.cfg.SeedsDir}
	a.mu.Lock()
	for _, w := range a.warnings {
		if !w.Kept && w.File != "" {
			e.Skipped++
		}
	}
	a.mu.Unlock()
	return e
}

// shared reports whether the store is a database that several replicas use
// at once (PostgreSQL) rather than a file one process owns (SQLite).
func shared(st *store.Store) bool { return st.Dialect() == "postgres" }

// SchedulerOwner names this process in the digest editions its scheduler
// claims. On SQLite one process owns the database, so every start is the
// same owner and resumes an edition a crash interrupted at once; on
// PostgreSQL it is "" and the scheduler gives each replica a name of its
// own, so that a live replica's edition is left to it until its lease ends.
func (a *App) SchedulerOwner() string {
	if shared(a.Store) {
		return ""
	}
	return "local"
}
