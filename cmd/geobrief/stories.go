package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/digest"
)

// storyJSON is one story in `geobrief stories --json`.
type storyJSON struct {
	ID        string    `json:"id"`
	Headline  string    `json:"headline"`
	Documents []string  `json:"documents"`
	Sources   []string  `json:"sources"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// stories lists the stories active in a window, the widest coverage first.
func (c *cli) stories(ctx context.Context, args []string) error {
	cl := newCmdLine("stories", "geobrief stories [--since 24h|7d|2025-04-01] [--json]", 0, 0)
	sinceFlag := cl.flags.String("since", "24h", "how far back: a duration (24h, 90m), a number of days (7d) or a date (2025-04-01); a document counts by its published time, else when it was added")
	asJSON := cl.flags.Bool("json", false, "print the stories as JSON")
	if _, err := cl.parse(args, c.stdout); err != nil {
		return err
	}
	// A mistake in --since is found before the corpus is opened.
	since, err := digest.ParseSince(*sinceFlag, time.Now(), time.Local)
	if err != nil {
		return cl.usageErr("--since: %v", err)
	}

	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	views, err := lib.Stories(ctx, since)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]storyJSON, 0, len(views))
		for _, v := range views {
			out = append(out, storyJSON{
				ID: v.ID, Headline: v.Headline, Documents: v.DocumentIDs(), Sources: nonNil(v.Sources),
				FirstSeen: v.FirstSeen, LastSeen: v.LastSeen,
			})
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printStories(c.stdout, views, since)
	return nil
}

// printStories writes the stories for a person at a terminal.
func printStories(w io.Writer, views []app.StoryView, since time.Time) {
	heading := "Stories since " + since.Local().Format("Mon 2 Jan 2006 15:04")
	fmt.Fprintln(w, heading)
	fmt.Fprintln(w, strings.Repeat("=", min(len([]rune(heading)), 78)))
	if len(views) == 0 {
		fmt.Fprintln(w, "No document was published or added in that time.")
		return
	}
	for i, v := range views {
		fmt.Fprintln(w)
		fmt.Fprintln(w, wrap(fmt.Sprintf("%d. %s", i+1, v.Headline), 78, "   "))
		sources := fmt.Sprintf("%d %s", len(v.Sources), plural(len(v.Sources), "source", "sources"))
		if len(v.Sources) > 0 {
			sources += ": " + strings.Join(v.Sources, ", ")
		}
		fmt.Fprintln(w, wrap("   "+sources, 78, "   "))
		fmt.Fprintf(w, "   %d %s, %s · story %s\n", len(v.Documents), plural(len(v.Documents), "document", "documents"),
			seenSpan(v.FirstSeen, v.LastSeen), v.ID)
	}
}

// seenSpan shows when a story was covered: one day, or first to last.
func seenSpan(first, last time.Time) string {
	const day = "2 Jan 2006"
	if first.Local().Format(day) == last.Local().Format(day) {
		return first.Local().Format(day)
	}
	return first.Local().Format(day) + " to " + last.Local().Format(day)
}

// nonNil makes an empty list print as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
