package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/extract"
)

const feedsUsage = "geobrief feeds add URL [--name NAME] | list [--json] | remove URL | import FILE.opml | export | poll [--json]"

// feeds manages the feeds the corpus is filled from.
func (c *cli) feeds(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageErr("feeds: say what to do (usage: %s)", feedsUsage)
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		return c.feedsAdd(ctx, rest)
	case "list":
		return c.feedsList(ctx, rest)
	case "remove":
		return c.feedsRemove(ctx, rest)
	case "import":
		return c.feedsImport(ctx, rest)
	case "export":
		return c.feedsExport(ctx, rest)
	case "poll":
		return c.feedsPoll(ctx, rest)
	case "-h", "--help", "help":
		fmt.Fprintln(c.stdout, "Usage: "+feedsUsage)
		return nil
	}
	return usageErr("feeds: unknown command %s (usage: %s)", clipQuote(sub), feedsUsage)
}

func (c *cli) feedsAdd(ctx context.Context, args []string) error {
	cl := newCmdLine("feeds add", "geobrief feeds add URL [--name NAME]", 1, 1)
	name := cl.flags.String("name", "", "the feed's name (default: the feed's own title)")
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	f, err := lib.AddFeed(ctx, words[0], *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Added %q (%s). The bot polls it every %s; geobrief feeds poll polls every feed now.\n",
		f.Title, f.URL, c.cfg.Feeds.PollInterval)
	return nil
}

// feedJSON is one feed in `feeds list --json`. Times are RFC 3339, "" when
// they have not happened yet.
type feedJSON struct {
	URL        string `json:"url"`
	Title      string `json:"title"`
	LastPolled string `json:"last_polled"`
	Documents  int    `json:"documents"`
	LastStatus string `json:"last_status"`
	Failures   int    `json:"failures"`
	NextPoll   string `json:"next_poll"`
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (c *cli) feedsList(ctx context.Context, args []string) error {
	cl := newCmdLine("feeds list", "geobrief feeds list [--json]", 0, 0)
	asJSON := cl.flags.Bool("json", false, "print the feeds as JSON")
	if _, err := cl.parse(args, c.stdout); err != nil {
		return err
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	list, err := lib.Feeds(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]feedJSON, 0, len(list))
		for _, f := range list {
			out = append(out, feedJSON{URL: f.URL, Title: f.Title, LastPolled: rfc3339(f.LastPolled), Documents: f.Documents,
				LastStatus: f.LastStatus, Failures: f.Failures, NextPoll: rfc3339(f.NextPoll)})
		}
		return printJSON(c.stdout, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "No feeds. Add one with geobrief feeds add URL, or a list with geobrief feeds import feeds.example.opml.")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TITLE\tDOCS\tLAST POLL\tSTATUS\tFAILURES\tNEXT POLL\tURL")
	for _, f := range list {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%s\t%s\n", f.Title, f.Documents, orDash(shortTime(f.LastPolled)),
			orDash(clip(f.LastStatus, 60)), f.Failures, orDash(shortTime(f.NextPoll)), f.URL)
	}
	return tw.Flush()
}

func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (c *cli) feedsRemove(ctx context.Context, args []string) error {
	cl := newCmdLine("feeds remove", "geobrief feeds remove URL", 1, 1)
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	if err := lib.RemoveFeed(ctx, words[0]); err != nil {
		if errors.Is(err, app.ErrNoSuchFeed) {
			return fmt.Errorf("%w; geobrief feeds list shows the feeds", err)
		}
		return err
	}
	fmt.Fprintf(c.stdout, "Removed %s. %s\n", words[0], keptFor(c.cfg.Feeds.MaxAge))
	return nil
}

// keptFor says how long a removed feed's documents stay.
func keptFor(maxAge time.Duration) string {
	switch {
	case maxAge == 0:
		return "Its documents stay (DOCS_MAX_AGE=0 keeps them)."
	case maxAge%(24*time.Hour) == 0:
		return fmt.Sprintf("Its documents stay until they are %d days old (DOCS_MAX_AGE).", maxAge/(24*time.Hour))
	}
	return fmt.Sprintf("Its documents stay until they are %s old (DOCS_MAX_AGE).", maxAge)
}

func (c *cli) feedsImport(ctx context.Context, args []string) error {
	cl := newCmdLine("feeds import", "geobrief feeds import FILE.opml", 1, 1)
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	f, err := os.Open(words[0])
	if err != nil {
		return fmt.Errorf("cannot read the OPML file: %w", err)
	}
	defer f.Close()
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	res, err := lib.ImportOPML(ctx, f)
	if err != nil {
		return fmt.Errorf("%s: %w", words[0], err)
	}
	fmt.Fprintf(c.stdout, "Imported %d feeds (%d already in the list). geobrief feeds poll polls them now; geobrief bot polls them every %s.\n",
		res.Added, res.Existing, c.cfg.Feeds.PollInterval)
	return nil
}

func (c *cli) feedsExport(ctx context.Context, args []string) error {
	if _, err := newCmdLine("feeds export", "geobrief feeds export", 0, 0).parse(args, c.stdout); err != nil {
		return err
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	return lib.ExportOPML(ctx, c.stdout)
}

func (c *cli) feedsPoll(ctx context.Context, args []string) error {
	cl := newCmdLine("feeds poll", "geobrief feeds poll [--json]", 0, 0)
	asJSON := cl.flags.Bool("json", false, `print {"feeds","new","updated","skipped","errors"} as JSON`)
	if _, err := cl.parse(args, c.stdout); err != nil {
		return err
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	counts, err := lib.Poll(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := printJSON(c.stdout, counts); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.stdout, "Polled %d feeds: %d new, %d updated, %d skipped, %d errors.\n",
			counts.Feeds, counts.New, counts.Updated, counts.Skipped, counts.Errors)
	}
	switch {
	case counts.Feeds == 0:
		fmt.Fprintln(c.stderr, "geobrief: no feeds to poll: add one with geobrief feeds add URL")
	case counts.FailedFeeds == counts.Feeds:
		return fmt.Errorf("every feed failed (%d); the warnings above say why", counts.Feeds)
	}
	return nil
}

// ingest adds single article pages to the corpus.
func (c *cli) ingest(ctx context.Context, args []string) error {
	cl := newCmdLine("ingest", "geobrief ingest URL...", 1, -1)
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	failed := 0
	for _, r := range lib.Ingest(ctx, words...) {
		if r.Err != nil {
			failed++
			fmt.Fprintf(c.stderr, "geobrief: %s: %v\n", r.URL, r.Err)
			continue
		}
		fmt.Fprintf(c.stdout, "%s\t%s\t%s\n", r.Status, r.Doc.ID, r.Doc.Title)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d pages not added", failed, len(words))
	}
	return nil
}

// articleJSON is `extract --json`: published is RFC 3339 or "".
type articleJSON struct {
	Title     string `json:"title"`
	Byline    string `json:"byline"`
	Published string `json:"published"`
	Language  string `json:"language"`
	Site      string `json:"site"`
	URL       string `json:"url"`
	Text      string `json:"text"`
}

// extract prints what article extraction finds in a page, for people who
// wonder why an article looks wrong. It needs no database.
func (c *cli) extract(ctx context.Context, args []string) error {
	cl := newCmdLine("extract", "geobrief extract [--json] [--url URL] FILE|URL|-", 1, 1)
	asJSON := cl.flags.Bool("json", false, "print the article as JSON")
	pageURL := cl.flags.String("url", "", "the page's address, for a FILE or - (resolves its links)")
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	cfg, _, err := c.settings(false)
	if err != nil {
		return err
	}
	art, err := app.NewWeb(cfg.Feeds).Extract(ctx, words[0], *pageURL, c.stdin)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(c.stdout, toArticleJSON(art))
	}
	j := toArticleJSON(art)
	for _, l := range [][2]string{{"Title", j.Title}, {"Byline", j.Byline}, {"Published", j.Published},
		{"Language", j.Language}, {"Site", j.Site}, {"URL", j.URL}} {
		fmt.Fprintf(c.stdout, "%-10s %s\n", l[0]+":", orDash(l[1]))
	}
	fmt.Fprintf(c.stdout, "Words:     %s\n\n%s\n", strconv.Itoa(len(strings.Fields(art.Text))), art.Text)
	return nil
}

func toArticleJSON(a extract.Article) articleJSON {
	return articleJSON{Title: a.Title, Byline: a.Byline, Published: rfc3339(a.Published), Language: a.Language,
		Site: a.Site, URL: a.URL, Text: a.Text}
}
