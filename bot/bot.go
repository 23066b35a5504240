// Package bot is geobrief's slash commands: one route table from which
// registration, dispatch and /help are made, middleware (recover, metrics,
// per-user limit, deferral, a bounded pool for the work), and one file per
// command whose handler returns the answer as a value. The Discord
// transport (package discord) hands it interactions.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/discord"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

// Briefer makes the Brief of a document (the summarizer).
type Briefer interface {
	Brief(ctx context.Context, doc corpus.Document, opts summarize.Options) (summarize.Brief, error)
}

// Library finds documents (the application service).
type Library interface {
	// Find returns the document a user means: by ID, else the best match.
	Find(ctx context.Context, ref string) (app.Match, error)
	Search(ctx context.Context, query string, limit int) ([]store.Hit, error)
	Autocomplete(ctx context.Context, input string, limit int) ([]store.Hit, error)
	Recent(ctx context.Context, limit int) ([]store.Hit, error)
}

// StoryLibrary is what the story features need of the application: the
// stories of a window, one story, a document's story, and search by story.
type StoryLibrary interface {
	Stories(ctx context.Context, since time.Time) ([]app.StoryView, error)
	Story(ctx context.Context, id string) (app.StoryView, error)
	StoryOf(ctx context.Context, docID string) (app.StoryView, error)
	SearchStories(ctx context.Context, query string, limit int) ([]app.StoryHit, error)
}

// StoryBriefer makes the brief of a story (the application, over the
// summarizer).
type StoryBriefer interface {
	StoryBrief(ctx context.Context, storyID string, opts summarize.Options) (app.StoryView, summarize.StoryBrief, error)
}

// Config is what the bot needs besides its dependencies. Zero values get
// the defaults named on each field.
type Config struct {
	// Token is the bot token (DISCORD_TOKEN), with or without "Bot ".
	Token string
	// GuildID (DISCORD_GUILD_ID) registers the commands to one guild.
	GuildID string
	// APIURL (DISCORD_API_URL) sends every Discord call to this base URL.
	APIURL string
	// ShardID and ShardCount (DISCORD_SHARD_ID, DISCORD_SHARD_COUNT) make
	// the gateway connection one shard (see discord.Config); 0 and 0: no
	// sharding. The HTTP endpoint ignores them.
	ShardID, ShardCount int
	// UserRatePerMinute is how many summaries one user may ask for a
	// minute (default 5; negative: no limit).
	UserRatePerMinute int
	// MetricsAddr (METRICS_ADDR), when set, serves /healthz and /metrics.
	MetricsAddr string
	// Registry gets the bot's metrics and is what /metrics serves, so
	// other metrics (LLM, summarizer, Go runtime) can be registered beside
	// them; nil: a registry of the bot's own.
	Registry *prometheus.Registry
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// ShutdownTimeout bounds how long Run waits for interactions in flight
	// (default 10 s).
	ShutdownTimeout time.Duration
	// HandlerTimeout bounds one interaction's work (default 5 min; the
	// interaction token lives 15).
	HandlerTimeout time.Duration
	// ProgressInterval is the least time between two progress edits of one
	// reply (default 1 s).
	ProgressInterval time.Duration
	// StillWorkingAfter is how long a deferred reply may stay on Discord's
	// "thinking…" before the bot says it is still working (default 3 s).
	StillWorkingAfter time.Duration
	// Workers bounds the interactions whose work (search, summaries) runs
	// at once; the others wait, already acknowledged (default 32). Most of
	// a summary is waiting for the LLM, whose client has its own bound and
	// queue: this one keeps a burst from running every handler at once and
	// starving the acknowledgements of the CPU.
	Workers int
	// SourcesText is the /help line telling where documents come from.
	SourcesText string
	// Sources, when set, makes that line when /help is asked for (it may
	// change while the bot runs: feeds come and go); an empty answer
	// falls back to SourcesText.
	Sources func(ctx context.Context) string
	// Digests, when set, enables /digest and /digest-schedule.
	Digests *Digests
	// Feeds, when set, enables /feeds.
	Feeds FeedManager
	// Stories, when set, enables /stories and the story brief button, says
	// under /summarize and /facts which other sources covered the story,
	// and makes /search list one result per story.
	Stories StoryLibrary
	// StoryBriefs, with Stories, makes the story button answer with the
	// story's brief; without it the button lists the story's documents.
	StoryBriefs StoryBriefer
	// AdminUserIDs (DISCORD_ADMIN_USER_IDS) may add and remove feeds with
	// /feeds; everyone may list them.
	AdminUserIDs []string
}

// Bot serves geobrief's commands. It is a discord.Handler.
type Bot struct {
	cfg     Config
	log     *slog.Logger
	lib     Library
	briefer Briefer
	gw      *discord.Gateway
	metrics *metrics
	limiter *userLimiter
	clock   clock
	// up reports whether the transport is connected, for /healthz.
	up func() bool
	// workers holds a token per interaction doing its work.
	workers chan struct{}
	// acks holds work back while acknowledgements are pending.
	acks *ackGate

	commands map[string]*command
	order    []*command // registration and /help order
	buttons  map[string]*button

	// base is the parent of every interaction's context; it is cancelled
	// when shutdown gives up waiting.
	base       context.Context
	cancelBase context.CancelFunc

	mu       sync.Mutex
	closing  bool
	inFlight sync.WaitGroup

	metricSrv   *http.Server
	metricsAddr string
	closeOnce   sync.Once
	closeErr    error
}

// New builds a bot and its gateway; nothing connects until Open or Run.
func New(cfg Config, lib Library, briefer Briefer) (*Bot, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("bot: DISCORD_TOKEN is required")
	}
	if lib == nil || briefer == nil {
		return nil, errors.New("bot: a library and a briefer are required")
	}
	// The gateway first: a Config error must leave the registry as it was.
	gw, err := discord.New(discord.Config{
		Token: cfg.Token, GuildID: cfg.GuildID, APIURL: cfg.APIURL, Logger: cfg.Logger,
		ShardID: cfg.ShardID, ShardCount: cfg.ShardCount,
	})
	if err != nil {
		return nil, err
	}
	b, err := NewHandler(cfg, lib, briefer)
	if err != nil {
		return nil, err
	}
	b.gw = gw
	b.up = gw.Connected
	return b, nil
}

// NewHandler builds the bot without a transport: for a transport of
// another kind, and for tests that call its handlers directly.
func NewHandler(cfg Config, lib Library, briefer Briefer) (*Bot, error) {
	if cfg.UserRatePerMinute == 0 {
		cfg.UserRatePerMinute = 5
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.HandlerTimeout <= 0 {
		cfg.HandlerTimeout = 5 * time.Minute
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = time.Second
	}
	if cfg.StillWorkingAfter <= 0 {
		cfg.StillWorkingAfter = 3 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 32
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if d := cfg.Digests; d != nil {
		if d.Builder == nil || d.Schedules == nil {
			return nil, errors.New("bot: digests need a builder and a schedule store")
		}
		if d.Window <= 0 {
			d.Window = 24 * time.Hour
		}
		if d.Now == nil {
			d.Now = time.Now
		}
	}
	// Registered last, so that a Config error leaves the registry as it was.
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	base, cancel := context.WithCancel(context.Background())
	b := &Bot{
		cfg:        cfg,
		log:        cfg.Logger,
		lib:        lib,
		briefer:    briefer,
		metrics:    m,
		limiter:    newUserLimiter(cfg.UserRatePerMinute, time.Minute),
		clock:      realClock{},
		up:         func() bool { return false },
		workers:    make(chan struct{}, cfg.Workers),
		acks:       newAckGate(),
		base:       base,
		cancelBase: cancel,
	}
	b.routes()
	return b, nil
}

// Open starts the metrics server (when configured), connects to the gateway
// and registers the commands. It returns once the bot is serving.
func (b *Bot) Open(ctx context.Context) error {
	if b.cfg.MetricsAddr != "" {
		if err := b.serveMetrics(); err != nil {
			return err
		}
	}
	return b.gw.Open(ctx, b)
}

// Channels posts to channels through the bot's gateway (the digest
// scheduler's Poster and Finder).
func (b *Bot) Channels() *discord.Gateway { return b.gw }

// Run opens the bot, serves until ctx is done, then shuts down, waiting up
// to ShutdownTimeout for interactions in flight.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.Open(ctx); err != nil {
		_ = b.Close(context.Background())
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), b.cfg.ShutdownTimeout)
	defer cancel()
	return b.Close(sctx)
}

// Close stops taking interactions, waits for those in flight until ctx is
// done (then cancels them), and closes the gateway and the metrics server.
func (b *Bot) Close(ctx context.Context) error {
	b.closeOnce.Do(func() {
		b.mu.Lock()
		b.closing = true
		b.mu.Unlock()

		drained := make(chan struct{})
		go func() {
			b.inFlight.Wait()
			close(drained)
		}()
		select {
		case <-drained:
		case <-ctx.Done():
			b.log.Warn("discord bot: shutdown timeout, cancelling interactions in flight")
			b.cancelBase()
			<-drained // handlers answer quickly once cancelled
		}
		b.cancelBase()

		if b.gw != nil {
			b.closeErr = b.gw.Close()
		}
		if b.metricSrv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = b.metricSrv.Shutdown(sctx)
		}
	})
	return b.closeErr
}

// track registers an interaction in flight; false once shutting down.
func (b *Bot) track() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.inFlight.Add(1)
	return true
}
