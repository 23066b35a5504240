package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/bot"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/discord"
)

// The HTTP server's limits. An interaction is a few KiB, answered within
// Discord's 3 s: a client that takes longer to send one is not Discord.
// The write timeout covers a request waiting for its first answer
// (discord.EndpointConfig.AckTimeout, 3 s) with room to spare.
var serveLimits = httpLimits{
	readHeader: 5 * time.Second,
	read:       10 * time.Second,
	write:      15 * time.Second,
	idle:       2 * time.Minute,
	// Discord's headers are well under 1 KiB; Go's default allows 1 MiB
	// per request before any signature is checked.
	maxHeaderBytes: 16 << 10,
}

// serveDrainTimeout bounds the shutdown: requests answered, then the work
// of deferred interactions (their edits) finished.
const serveDrainTimeout = 20 * time.Second

// httpLimits bound what one client can hold of the server: time to send
// its headers and body, to read the answer, between requests on a kept
// connection, and header bytes.
type httpLimits struct {
	readHeader, read, write, idle time.Duration
	maxHeaderBytes                int
}

// newHTTPServer is the interactions server with its limits; its errors
// (a client cut off by a timeout, a TLS-less probe) are logged at warn.
func newHTTPServer(h http.Handler, lim httpLimits, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.readHeader,
		ReadTimeout:       lim.read,
		WriteTimeout:      lim.write,
		IdleTimeout:       lim.idle,
		MaxHeaderBytes:    lim.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serve is `geobrief serve`: it takes no arguments.
func (c *cli) serve(ctx context.Context, args []string) error {
	if _, err := newCmdLine("serve", "geobrief serve", 0, 0).parse(args, c.stdout); err != nil {
		return err
	}
	cfg, log, err := c.settings(true)
	if err != nil {
		return err
	}
	return serveCmd(ctx, cfg, log)
}

// serveCmd runs geobrief on Discord's HTTP interactions endpoint: an HTTP
// server on INTERACTIONS_ADDR with /interactions, /healthz and /metrics,
// plus the digest scheduler and the corpus watcher as `geobrief bot` runs
// them. On ctx's end it stops taking requests, answers those in flight,
// waits for deferred work to finish, then stops the rest.
func serveCmd(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.Discord.Token == "" {
		return &exitError{code: 2, err: errors.New("DISCORD_TOKEN is not set: create a bot in the Discord developer portal (see the README) and put its token in .env")}
	}
	if cfg.Discord.PublicKey == "" {
		return &exitError{code: 2, err: errors.New("DISCORD_PUBLIC_KEY is not set: copy PUBLIC KEY from your application's General Information page in the developer portal")}
	}
	lib, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()

	// The handler is built as botCmd builds it, without the gateway: one
	// route table for both transports.
	reg := newMetricsRegistry(lib)
	builder := digest.NewBuilder(lib.Store, lib.Summarizer, cfg.Digest.MaxItems, log).WithStories(digestStories{lib})
	bcfg := handlerConfig(cfg, lib, builder, log)
	bcfg.Registry = reg
	h, err := bot.NewHandler(bcfg, lib, lib.Summarizer)
	if err != nil {
		return err
	}
	if err := ensureDefaultSchedule(ctx, cfg, lib.Store); err != nil {
		return err
	}
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "geobrief_interactions_refused_total",
		Help: "Requests to /interactions refused before any handler, by reason (headers, signature, stale, too_large, bad_body, method, not_serving). Only refusals: a wrong DISCORD_PUBLIC_KEY looks like this.",
	}, []string{"reason"})
	if err := reg.Register(refused); err != nil {
		return err
	}
	ep, err := discord.NewEndpoint(discord.EndpointConfig{
		Token:     cfg.Discord.Token,
		PublicKey: cfg.Discord.PublicKey,
		GuildID:   cfg.Discord.GuildID,
		APIURL:    cfg.Discord.APIURL,
		Logger:    log,
		Refused:   func(reason string) { refused.WithLabelValues(reason).Inc() },
	})
	if err != nil {
		return &exitError{code: 2, err: err}
	}

	// Listen before registering: Discord checks the endpoint with a PING
	// when its URL is saved in the developer portal, and the PING needs no
	// handler.
	ln, err := net.Listen("tcp", cfg.Discord.InteractionsAddr)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("INTERACTIONS_ADDR=%s: %w", cfg.Discord.InteractionsAddr, err)}
	}
	var ready atomic.Bool
	srv := newHTTPServer(serveMux(ep, reg, lib, &ready, log), serveLimits, log)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("interactions endpoint listening", slog.String("addr", ln.Addr().String()), slog.String("path", "/interactions"))

	if err := ep.Open(ctx, h); err != nil {
		_ = srv.Close()
		_ = h.Close(context.Background())
		return err
	}
	ready.Store(true)

	work, stopWork := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { lib.Run(work) }) // the corpus watcher, the feed poller and pruning
	scheduler := digest.NewScheduler(lib.Store, builder, ep, schedulerConfig(cfg, lib, log))
	wg.Go(func() { scheduler.Run(work) })

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
		serveErr = fmt.Errorf("interactions endpoint stopped: %w", serveErr)
	}
	log.Info("shutting down")
	ready.Store(false)
	sctx, cancel := context.WithTimeout(context.Background(), serveDrainTimeout)
	defer cancel()
	// In order: no new requests and every request answered; then the
	// handler's work in flight (edits after deferrals) finished, or
	// cancelled at the timeout; then the transport's goroutines.
	errs := []error{serveErr}
	if err := srv.Shutdown(sctx); err != nil {
		errs = append(errs, fmt.Errorf("interactions endpoint: %w", err))
	}
	log.Info("waiting for interactions in flight")
	errs = append(errs, h.Close(sctx))
	errs = append(errs, ep.Wait(sctx))
	stopWork()
	wg.Wait()
	return errors.Join(errs...)
}

// dbPinger is what /healthz checks: the database answers.
type dbPinger interface {
	Ping(ctx context.Context) error
}

// serveMux routes /interactions to the endpoint, /healthz to the readiness
// check and /metrics to the registry.
func serveMux(ep http.Handler, reg *prometheus.Registry, lib *app.App, ready *atomic.Bool, log *slog.Logger) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/interactions", ep)
	mux.Handle("GET /healthz", healthz(lib.Store, ready))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	}))
	return mux
}

// healthz answers 200 when the commands are registered and the database
// answers, else 503: a load balancer sends interactions only to a ready
// replica.
func healthz(db dbPinger, ready *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			http.Error(w, "not ready: starting or shutting down", http.StatusServiceUnavailable)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			http.Error(w, "not ready: database unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
}
