package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
)

func searchCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("search", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	asJSON := fl.Bool("json", false, "print the results as JSON")
	limit := fl.Int("limit", 10, "how many results")
	if err := fl.Parse(reorder(args, "json")); err != nil {
		return usageErr("search: %v (usage: geobrief search [--limit N] [--json] QUERY)", err)
	}
	if *limit < 1 || *limit > 100 {
		return usageErr("search: --limit must be between 1 and 100")
	}
	query := strings.Join(fl.Args(), " ")

	lib, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()
	hits, err := lib.Store.Search(ctx, query, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		type result struct {
			ID        string     `json:"id"`
			Title     string     `json:"title"`
			Published *time.Time `json:"published,omitempty"`
			Score     float64    `json:"score"`
		}
		out := make([]result, 0, len(hits))
		for _, h := range hits {
			r := result{ID: h.ID, Title: h.Title, Score: h.Score}
			if !h.Published.IsZero() {
				r.Published = &h.Published
			}
			out = append(out, r)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(hits) == 0 {
		return fmt.Errorf("no document matches %q", query)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tPUBLISHED\tID\tTITLE")
	for i, h := range hits {
		date := "-"
		if !h.Published.IsZero() {
			date = h.Published.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, date, h.ID, h.Title)
	}
	return tw.Flush()
}
