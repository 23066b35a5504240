// Command mockllm serves a fake OpenAI-compatible chat endpoint, so geobrief
// runs locally with no account and no key, and misbehaves on demand.
//
//	mockllm -mode fence,think -latency 200ms
//	OPENAI_BASE_URL=http://127.0.0.1:8081/v1 geobrief ...
//
// A request's model name can choose modes too, and wins over -mode:
// "mock:429", "mock:fence,think", "mock:latency=2s", "mock:none".
//
// Three modes make the content wrong while the JSON stays valid, as real
// models do: "unquoted" adds a fact whose quote is not in the article,
// "wrong-number" adds a fact with a real quote and a changed number ("12
// years" becomes "31 years"), and "summary-number" changes a number in the
// summary to one the article does not contain.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/geobrief/geobrief/mockllm"
)

const (
	defaultAddr     = "127.0.0.1:8081"
	shutdownTimeout = 5 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "mockllm:", err)
		os.Exit(2)
	}
}

// config is what the flags say.
type config struct {
	addr string
	opts mockllm.Options
}

func parseFlags(args []string, lookup func(string) (string, bool), stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("mockllm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := defaultAddr
	if v, ok := lookup("MOCKLLM_ADDR"); ok && v != "" {
		addr = v
	}
	var cfg config
	var modes string
	fs.StringVar(&cfg.addr, "addr", addr, "address to listen on (env MOCKLLM_ADDR); loopback by default")
	fs.DurationVar(&cfg.opts.Latency, "latency", 0, "wait this long before every answer (a model's latency=D wins)")
	fs.StringVar(&modes, "mode", "", "comma-separated fault modes: "+strings.Join(mockllm.ModeNames, ", ")+" (latency=D takes a duration)")
	fs.Float64Var(&cfg.opts.Rate429, "rate429", 0, "chance (0-1) that a completion request gets a 429")
	fs.Float64Var(&cfg.opts.Rate500, "rate500", 0, "chance (0-1) that a completion request gets a 500")
	fs.Int64Var(&cfg.opts.Seed, "seed", 1, "seed of the random faults")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if _, err := mockllm.ParseModes(modes); err != nil {
		return config{}, fmt.Errorf("-mode: %w", err)
	}
	if modes != "" {
		cfg.opts.Modes = []string{modes}
	}
	if err := cfg.opts.Validate(); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, lookup, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.opts.Logger = logger

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("cannot listen: %w", err)
	}
	srv := &http.Server{
		Handler:           mockllm.New(cfg.opts),
		ReadHeaderTimeout: 10 * time.Second,
		// Requests inherit ctx, so hanging and sleeping answers end on shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
		ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	base := "http://" + ln.Addr().String() + "/v1"
	fmt.Fprintf(stdout, "OPENAI_BASE_URL=%s\n", base)
	logger.Info("listening", slog.String("base_url", base), slog.String("modes", strings.Join(cfg.opts.Modes, ",")),
		slog.Duration("latency", cfg.opts.Latency), slog.Float64("rate429", cfg.opts.Rate429), slog.Float64("rate500", cfg.opts.Rate500))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
