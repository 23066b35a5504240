// Package discord is geobrief's Discord transport: the gateway session,
// command registration, answering interactions (at once, deferred, edits,
// follow-ups, autocomplete) and posting to channels. It knows nothing about
// news: it is handed a Handler and passes it each interaction with a
// Responder to answer through. Two transports serve the same Handler: the
// gateway (Gateway, for `geobrief bot`) and the HTTP interactions endpoint
// (Endpoint, for `geobrief serve`).
package discord

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
)

// Handler serves interactions.
type Handler interface {
	// Commands are the slash commands to register.
	Commands() []*discordgo.ApplicationCommand
	// HandleInteraction serves i, answering through r. The transport calls
	// it on the goroutine that received i, one goroutine per interaction:
	// it must answer or defer before any slow work (Discord's deadline for
	// the first answer is 3 s).
	HandleInteraction(i *discordgo.Interaction, r Responder)
}

// Config is what the gateway needs.
type Config struct {
	// Token is the bot token (DISCORD_TOKEN), with or without "Bot ".
	Token string
	// GuildID (DISCORD_GUILD_ID) registers the commands to one guild, which
	// is instant; empty registers them globally.
	GuildID string
	// APIURL (DISCORD_API_URL) sends every REST call and the gateway
	// discovery to this base URL instead of https://discord.com.
	APIURL string
	// ShardID and ShardCount (DISCORD_SHARD_ID, DISCORD_SHARD_COUNT) make
	// this connection one shard of ShardCount: Discord then sends it only
	// the events of the servers whose (guild_id >> 22) % ShardCount is
	// ShardID (direct messages go to shard 0). A bot must shard once it is
	// in 2,500 servers. ShardCount 0 or 1: no sharding.
	ShardID, ShardCount int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// Gateway is a bot's connection to Discord.
type Gateway struct {
	cfg     Config
	log     *slog.Logger
	session *discordgo.Session
	dialer  *deadlineDialer
	handler Handler // set by Open, before the session can deliver anything

	connected atomic.Bool
}

// New builds a gateway; nothing connects until Open.
func New(cfg Config) (*Gateway, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("discord: DISCORD_TOKEN is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ShardCount > 1 && (cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount) {
		return nil, fmt.Errorf("discord: shard ID %d is not in 0..%d (DISCORD_SHARD_COUNT %d)", cfg.ShardID, cfg.ShardCount-1, cfg.ShardCount)
	}
	s, err := newSession(cfg.Token, cfg.APIURL)
	if err != nil {
		return nil, err
	}
	s.ShardID, s.ShardCount = cfg.ShardID, max(cfg.ShardCount, 1)
	s.Identify.Intents = discordgo.IntentsNone // slash commands need no intents
	s.StateEnabled = false
	dialer := &deadlineDialer{timeout: 30 * time.Second}
	s.Dialer = &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 30 * time.Second,
		NetDialContext:   dialer.dial,
	}
	g := &Gateway{cfg: cfg, log: cfg.Logger, session: s, dialer: dialer}
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		g.handler.HandleInteraction(ic.Interaction, &responder{s: s, i: ic.Interaction})
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Connect) {
		g.dialer.clearDeadline()
		g.connected.Store(true)
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		g.connected.Store(false)
	})
	return g, nil
}

// Open connects to the gateway, registers h's commands and from then on
// hands every interaction to h.
func (g *Gateway) Open(ctx context.Context, h Handler) error {
	g.handler = h
	if err := g.session.Open(); err != nil {
		return fmt.Errorf("discord: cannot connect to the gateway: %w", realError(err, g.cfg.APIURL))
	}
	g.dialer.clearDeadline()
	g.connected.Store(true)
	app := g.session.State.Ready.Application
	if app == nil || app.ID == "" {
		return errors.New("discord: READY carried no application ID")
	}
	// Commands belong to the application, not to a shard: shard 0
	// registers them, so that N shards starting at once do not race to
	// overwrite the same definitions.
	if g.cfg.ShardID == 0 {
		if err := g.register(ctx, app.ID, h.Commands()); err != nil {
			return err
		}
	}
	g.log.Info("discord bot ready", slog.String("application_id", app.ID), slog.String("guild_id", g.cfg.GuildID),
		slog.Int("shard_id", g.cfg.ShardID), slog.Int("shard_count", max(g.cfg.ShardCount, 1)))
	return nil
}

// Connected reports whether the gateway connection is up (for /healthz).
func (g *Gateway) Connected() bool { return g.connected.Load() }

// Close closes the gateway connection.
func (g *Gateway) Close() error {
	g.session.ShouldReconnectOnError = false
	err := g.session.Close()
	g.connected.Store(false)
	if err != nil {
		return fmt.Errorf("discord: closing the gateway: %w", err)
	}
	return nil
}

// newSession makes a discordgo session whose REST calls go to apiURL (when
// set) over a bounded pool of kept connections: both transports use one.
func newSession(token, apiURL string) (*discordgo.Session, error) {
	transport, err := newAPITransport(apiURL)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: transport}
	return s, nil
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
