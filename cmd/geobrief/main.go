// Command geobrief summarizes geopolitics news: on the command line, as a
// Discord bot, and as scheduled digests.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/joho/godotenv"

	"github.com/geobrief/geobrief/config"
)

const usage = `geobrief summarizes geopolitics news.

Usage:
  geobrief summarize [--doc ID] [--length short|standard|detailed] [--json] QUERY
  geobrief search [--limit N] [--json] QUERY
  geobrief check        show the configuration and test the LLM endpoint
  geobrief digest [--since 24h|7d|DATE] [--json]
                        a digest of the documents added recently (a preview: records nothing)
  geobrief usage        LLM token usage per day and guild
  geobrief bot          run the Discord bot

Settings come from the environment and an optional .env file; see .env.example.
Without OPENAI_BASE_URL or OPENAI_API_KEY, an offline summarizer is used.
`

// exitError carries the exit code for errors a user can cause.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr is a mistake on the command line: exit code 2.
func usageErr(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "geobrief: "+err.Error())
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		os.Exit(code)
	}
}

// run is the whole program behind main, with its outside world passed in so
// tests can drive it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, lookup config.Lookup) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return usageErr("no command given")
		}
		return nil
	}
	// .env never overrides the real environment, and is optional.
	if err := godotenv.Load(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading .env: %w", err)
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("invalid configuration:\n%w", err)}
	}
	log := newLogger(stderr, cfg.LogLevel)

	cmd, rest := args[0], args[1:]
	switch cmd {
	case "summarize":
		return summarizeCmd(ctx, cfg, log, rest, stdout)
	case "search":
		return searchCmd(ctx, cfg, log, rest, stdout)
	case "check":
		return checkCmd(ctx, cfg, log, stdout)
	case "usage":
		return usageCmd(ctx, cfg, log, stdout)
	case "digest":
		return digestCmd(ctx, cfg, log, rest, stdout, stderr)
	case "bot":
		return botCmd(ctx, cfg, log)
	}
	return usageErr("unknown command %q (try geobrief --help)", cmd)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated by config
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
