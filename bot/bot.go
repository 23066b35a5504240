// Package bot is geobrief's Discord bot: slash commands with autocomplete,
// deferred replies edited with embeds that fit Discord's limits, per-user
// limits, metrics and a graceful shutdown.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/corpus"
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

// Config is what the bot needs besides its dependencies. Zero values get
// the defaults named on each field.
type Config struct {
	// Token is the bot token (DISCORD_TOKEN), with or without "Bot ".
	Token string
	// GuildID (DISCORD_GUILD_ID) registers the commands to one guild, which
	// is instant; empty registers them globally.
	GuildID string
	// APIURL (DISCORD_API_URL) sends every REST call and the gateway
	// discovery to this base URL instead of https://discord.com.
	APIURL string
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
	// SourcesText is the /help line telling where documents come from.
	SourcesText string
}

// Bot is a Discord bot serving geobrief's commands.
type Bot struct {
	cfg      Config
	log      *slog.Logger
	lib      Library
	briefer  Briefer
	session  *discordgo.Session
	dialer   *deadlineDialer
	metrics  *metrics
	limiter  *userLimiter
	digests  *digests // nil unless EnableDigests
	commands map[string]*command
	buttons  map[string]*button
	defs     []*discordgo.ApplicationCommand

	// base is the parent of every interaction's context; it is cancelled
	// when shutdown gives up waiting.
	base       context.Context
	cancelBase context.CancelFunc

	mu       sync.Mutex
	closing  bool
	inFlight sync.WaitGroup

	connected   atomic.Bool
	metricSrv   *http.Server
	metricsAddr string
	closeOnce   sync.Once
	closeErr    error
}

// New builds a bot; nothing connects until Open or Run.
func New(cfg Config, lib Library, briefer Briefer) (*Bot, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("bot: DISCORD_TOKEN is required")
	}
	if lib == nil || briefer == nil {
		return nil, errors.New("bot: a library and a briefer are required")
	}
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
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	transport, err := newAPITransport(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	token := cfg.Token
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: transport}
	s.Identify.Intents = discordgo.IntentsNone // slash commands need no intents
	s.StateEnabled = false
	dialer := &deadlineDialer{timeout: 30 * time.Second}
	s.Dialer = &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 30 * time.Second,
		NetDialContext:   dialer.dial,
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
		session:    s,
		dialer:     dialer,
		metrics:    m,
		limiter:    newUserLimiter(cfg.UserRatePerMinute, time.Minute),
		base:       base,
		cancelBase: cancel,
	}
	b.routes()
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		b.handle(ic.Interaction)
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Connect) {
		b.dialer.clearDeadline()
		b.connected.Store(true)
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		b.connected.Store(false)
	})
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
	if err := b.session.Open(); err != nil {
		return fmt.Errorf("bot: cannot connect to the gateway: %w", err)
	}
	b.dialer.clearDeadline()
	b.connected.Store(true)
	app := b.session.State.Ready.Application
	if app == nil || app.ID == "" {
		return errors.New("bot: READY carried no application ID")
	}
	if err := b.register(ctx, app.ID); err != nil {
		return err
	}
	b.log.Info("discord bot ready", slog.String("application_id", app.ID), slog.String("guild_id", b.cfg.GuildID))
	return nil
}

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

		b.session.ShouldReconnectOnError = false
		if err := b.session.Close(); err != nil {
			b.closeErr = fmt.Errorf("bot: closing the gateway: %w", err)
		}
		b.connected.Store(false)
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

// deadlineDialer dials the gateway with a deadline, so that a server that
// answers the upgrade and then says nothing cannot block Open forever
// (discordgo sets no read deadline); the deadline is cleared once connected.
type deadlineDialer struct {
	timeout time.Duration
	mu      sync.Mutex
	last    net.Conn
}

func (d *deadlineDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{Timeout: d.timeout}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(d.timeout))
	d.mu.Lock()
	d.last = c
	d.mu.Unlock()
	return c, nil
}

func (d *deadlineDialer) clearDeadline() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.last != nil {
		_ = d.last.SetDeadline(time.Time{})
	}
}
