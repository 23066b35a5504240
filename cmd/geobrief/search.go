package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// search lists the documents that match a query, one per story (the best
// hit of each, with how many other sources covered it); an empty query
// lists the newest.
func (c *cli) search(ctx context.Context, args []string) error {
	cl := newCmdLine("search", "geobrief search [--limit N] [--json] QUERY", 0, -1)
	asJSON := cl.flags.Bool("json", false, "print the results as JSON")
	limit := cl.flags.Int("limit", 10, "how many results (1 to 100)")
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	if *limit < 1 || *limit > 100 {
		return cl.usageErr("--limit must be between 1 and 100")
	}
	query := strings.Join(words, " ")

	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	// One result per story: its best hit stands for the others.
	hits, err := lib.SearchStories(ctx, query, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		type result struct {
			ID        string     `json:"id"`
			Title     string     `json:"title"`
			Published *time.Time `json:"published,omitempty"`
			Score     float64    `json:"score"`
			Story     string     `json:"story,omitempty"`
			// OtherSources counts the story's sources besides this one's.
			OtherSources int `json:"other_sources"`
		}
		out := make([]result, 0, len(hits))
		for _, h := range hits {
			r := result{ID: h.ID, Title: h.Title, Score: h.Score, Story: h.Story.ID, OtherSources: h.OtherSources}
			if !h.Published.IsZero() {
				r.Published = &h.Published
			}
			out = append(out, r)
		}
		return printJSON(c.stdout, out)
	}
	if len(hits) == 0 {
		if err := lib.EmptyCorpus(ctx); err != nil {
			return err
		}
		return fmt.Errorf("no document matches %s", clipQuote(query))
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tPUBLISHED\tID\tTITLE")
	for i, h := range hits {
		date := "-"
		if !h.Published.IsZero() {
			date = h.Published.Format("2006-01-02")
		}
		title := h.Title
		if h.OtherSources > 0 {
			title += fmt.Sprintf(" (+%d %s)", h.OtherSources, plural(h.OtherSources, "source", "sources"))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, date, h.ID, title)
	}
	return tw.Flush()
}
