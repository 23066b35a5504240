package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/geobrief/geobrief/digest"
)

// digest prints a digest of what entered the corpus recently. It is a
// preview: it records nothing, so channels' digests are unaffected.
func (c *cli) digest(ctx context.Context, args []string) error {
	cl := newCmdLine("digest", "geobrief digest [--since 24h|7d|2025-04-01] [--json]", 0, 0)
	sinceFlag := cl.flags.String("since", "", "how far back: a duration (24h, 90m), a number of days (7d) or a date (2025-04-01); default DIGEST_WINDOW")
	asJSON := cl.flags.Bool("json", false, "print the digest as JSON")
	if _, err := cl.parse(args, c.stdout); err != nil {
		return err
	}
	now := time.Now()
	// A mistake in --since is found before the corpus is opened.
	var since time.Time
	if *sinceFlag != "" {
		var err error
		if since, err = digest.ParseSince(*sinceFlag, now, time.Local); err != nil {
			return cl.usageErr("--since: %v", err)
		}
	}

	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	if *sinceFlag == "" {
		since = now.Add(-c.cfg.Digest.Window)
	}
	cfg := c.cfg
	b := digest.NewBuilder(lib.Store, lib.Summarizer, cfg.Digest.MaxItems, c.log).WithStories(digestStories{lib})
	req := digest.Request{Since: since}
	if isTerminal(c.stderr) {
		req.Progress = func(done, total int) { drawProgress(c.stderr, done, total) }
	}
	d, err := b.Build(ctx, req)
	if err != nil {
		return explainLLMError(err)
	}
	if *asJSON {
		return printJSON(c.stdout, d)
	}
	printDigest(c.stdout, d, "News digest · since "+since.Local().Format("Mon 2 Jan 2006 15:04"))
	return nil
}

// printDigest writes a digest for a person reading a terminal: plain text,
// no Discord markdown, wrapped.
func printDigest(w io.Writer, d digest.Digest, heading string) {
	fmt.Fprintln(w, heading)
	fmt.Fprintln(w, strings.Repeat("=", min(len([]rune(heading)), 78)))
	one, many, first := "document", "documents", "the newest"
	if d.ByStory {
		one, many, first = "story", "stories", "the widest coverage"
	}
	if len(d.Items) == 0 {
		fmt.Fprintf(w, "No new %s since %s.\n", many, d.Since.Local().Format("2 Jan 2006 15:04 MST"))
		return
	}
	count := fmt.Sprintf("%d new %s", d.New, plural(d.New, one, many))
	if len(d.Items) < d.New {
		count = fmt.Sprintf("%d of %d new %s shown (%s; DIGEST_MAX_ITEMS=%d)", len(d.Items), d.New, many, first, len(d.Items))
	}
	if d.Offline {
		count += "; offline summaries"
	}
	fmt.Fprintln(w, count)
	if top := d.Topline; top != "" && !repeatsItems(top, d.Items) {
		fmt.Fprintln(w)
		fmt.Fprintln(w, wrap(top, 78, ""))
	}
	for i, it := range d.Items {
		fmt.Fprintln(w)
		label := fmt.Sprintf("%d. ", i+1)
		indent := strings.Repeat(" ", len(label))
		head := label + it.Headline
		if it.Updated {
			head += " (updated)"
		}
		if it.Offline && !d.Offline {
			head += " (offline summary)"
		}
		fmt.Fprintln(w, wrap(head, 78, indent))
		fmt.Fprintln(w, indent+wrap(it.Sentence, 78-len(indent), indent))
		var src []string
		switch {
		case d.ByStory:
			src = append(src, digest.SourceList(it.Sources))
		case it.Source != "":
			src = append(src, it.Source)
		}
		if !it.Published.IsZero() {
			src = append(src, it.Published.Format("2 Jan 2006"))
		}
		if it.URL != "" {
			src = append(src, it.URL)
		}
		src = append(src, "["+it.DocID+"]")
		fmt.Fprintln(w, indent+wrap(strings.Join(src, " · "), 78-len(indent), indent))
	}
}

// repeatsItems tells whether a top line only says again what the items
// say: the offline top line is made of the first items' first sentences,
// which the items show right below it.
func repeatsItems(top string, items []digest.Item) bool {
	for _, it := range items {
		if s := strings.TrimSpace(it.Sentence); s != "" && strings.Contains(top, s) {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// drawProgress redraws one line: a bar and a count.
func drawProgress(w io.Writer, done, total int) {
	const width = 30
	filled := width * done / max(total, 1)
	fmt.Fprintf(w, "\rsummarizing [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
	if done == total {
		fmt.Fprint(w, "\r\033[K")
	}
}
