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
	"time"

	"github.com/joho/godotenv"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/digest"
)

const usage = `geobrief summarizes geopolitics news.

Usage:
  geobrief summarize [--length short|standard|detailed] [--json] QUERY
  geobrief summarize --doc ID [--length ...] [--json]
  geobrief search [--limit N] [--json] QUERY
  geobrief check        show the configuration and test the LLM endpoint
  geobrief digest [--since 24h|7d|DATE] [--json]
                        a digest of the stories added recently (a preview: records nothing)
  geobrief stories [--since 24h|7d|DATE] [--json]
                        the stories (one event, every source that covered it) active recently
  geobrief story [--length ...] [--json] STORY_ID|DOCUMENT_ID
                        a story's brief: one summary from all its sources, facts checked per source
  geobrief usage        LLM token usage per day and guild
  geobrief feeds add URL [--name NAME] | list [--json] | remove URL
  geobrief feeds import FILE.opml | export | poll [--json]
                        the news feeds the corpus fills itself from
  geobrief ingest URL...
                        add single article pages to the corpus
  geobrief extract [--json] [--url URL] FILE|URL|-
                        what article extraction finds in a page
  geobrief bot          run the Discord bot (and poll the feeds)
  geobrief serve        the same on Discord's HTTP interactions endpoint (INTERACTIONS_ADDR)

geobrief COMMAND --help shows a command's flags.
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

// settingChecks are the rules for settings that other packages read, run
// with config's own so that a start finds every problem.
var settingChecks = []config.Check{
	{Key: "DIGEST_TIMES", Valid: func(v string) error { _, err := digest.ParseTimes(v); return err }},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.LookupEnv)
	interrupted := ctx.Err() != nil
	stop()
	os.Exit(exit(err, interrupted, os.Stderr))
}

// exit reports err on stderr and returns the exit code: 0 with no error, 2
// for a mistake on the command line or in the settings, 130 (as shells do)
// when an interrupt cut the work short, which needs no message, 1 otherwise.
func exit(err error, interrupted bool, stderr io.Writer) int {
	var ee *exitError
	var ce *config.Error
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case interrupted:
		return 130
	case errors.As(err, &ce):
		// One line per setting, each saying what is wrong with it.
		for _, p := range ce.Problems {
			fmt.Fprintln(stderr, "geobrief: invalid setting "+p.String())
		}
		return 2
	}
	fmt.Fprintln(stderr, "geobrief: "+err.Error())
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// run is the whole program behind main, with its outside world passed in so
// tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, lookup config.Lookup) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return usageErr("no command given")
		}
		return nil
	}
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, lookup: lookup, dotenv: ".env", waitNotice: waitNotice}
	return c.run(ctx, args)
}

// waitNotice is how long a summary may take before the command line says
// it is waiting for the LLM, so that a slow model does not look like a hang.
const waitNotice = 4 * time.Second

// run runs one subcommand.
func (c *cli) run(ctx context.Context, args []string) error {
	name, rest := args[0], args[1:]
	switch name {
	case "summarize":
		return c.summarize(ctx, rest)
	case "search":
		return c.search(ctx, rest)
	case "stories":
		return c.stories(ctx, rest)
	case "story":
		return c.story(ctx, rest)
	case "check":
		return c.check(ctx, rest)
	case "usage":
		return c.usage(ctx, rest)
	case "digest":
		return c.digest(ctx, rest)
	case "feeds":
		return c.feeds(ctx, rest)
	case "ingest":
		return c.ingest(ctx, rest)
	case "extract":
		return c.extract(ctx, rest)
	case "bot":
		if _, err := newCmdLine("bot", "geobrief bot", 0, 0).parse(rest, c.stdout); err != nil {
			return err
		}
		cfg, log, err := c.settings(true)
		if err != nil {
			return err
		}
		return botCmd(ctx, cfg, log)
	case "serve":
		return c.serve(ctx, rest)
	}
	return usageErr("unknown command %s (try geobrief --help)", clipQuote(name))
}

// cli is what every subcommand gets: where to write, and where its settings
// come from. A subcommand reads its settings only once its command line is
// known to be right, so that `--help` works whatever the settings.
type cli struct {
	stdin          io.Reader // `extract -` reads the page from it
	stdout, stderr io.Writer
	lookup         config.Lookup
	dotenv         string        // the optional .env file
	waitNotice     time.Duration // see waitNotice

	// Once read by open.
	cfg config.Config
	log *slog.Logger
}

// settings reads the configuration and makes the logger, to stderr. A
// command's answer goes to stdout and a person reads it at once: its log
// is at warn unless LOG_LEVEL says otherwise, in plain lines. The bot
// (service) logs at info in slog's text format, for reading later.
func (c *cli) settings(service bool) (config.Config, *slog.Logger, error) {
	lookup, err := c.withDotenv()
	if err != nil {
		return config.Config{}, nil, err
	}
	cfg, err := config.Load(lookup, settingChecks...)
	if err != nil {
		return config.Config{}, nil, err
	}
	level := "warn"
	if service {
		level = "info"
	}
	if cfg.LogLevel != "" {
		level = cfg.LogLevel
	}
	return cfg, newLogger(c.stderr, level, service), nil
}

// withDotenv adds the variables of the .env file, if there is one, behind
// the real environment: a variable set in both keeps its real value.
func (c *cli) withDotenv() (config.Lookup, error) {
	vars, err := godotenv.Read(c.dotenv)
	if errors.Is(err, fs.ErrNotExist) {
		return c.lookup, nil
	}
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("cannot read %s: %v", c.dotenv, err)}
	}
	return func(key string) (string, bool) {
		if v, ok := c.lookup(key); ok {
			return v, true
		}
		v, ok := vars[key]
		return v, ok
	}, nil
}

// newLogger logs to w at level: in slog's text format for a service, whose
// log is read later and by tools, else as one plain line per record for a
// person at a terminal.
func newLogger(w io.Writer, level string, service bool) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // validated by config
	if !service {
		return slog.New(newLineHandler(w, l))
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// open reads the settings and opens the application, for the commands
// that need the corpus.
func (c *cli) open(ctx context.Context) (*app.App, error) {
	cfg, log, err := c.settings(false)
	if err != nil {
		return nil, err
	}
	c.cfg, c.log = cfg, log
	return c.openApp(ctx)
}

// openApp opens the application with the settings already read.
func (c *cli) openApp(ctx context.Context) (*app.App, error) {
	return app.Open(ctx, c.cfg, c.log)
}
