package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/digest"
)

// digestCmd prints a digest of what entered the corpus recently. It is a
// preview: it records nothing, so channels' digests are unaffected.
func digestCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("digest", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	sinceFlag := fl.String("since", cfg.Digest.Window.String(), "how far back: a duration (24h, 90m), a number of days (7d) or a date (2025-04-01)")
	asJSON := fl.Bool("json", false, "print the digest as JSON")
	if err := fl.Parse(reorder(args, "json")); err != nil {
		return usageErr("digest: %v (usage: geobrief digest [--since 24h|7d|2025-04-01] [--json])", err)
	}
	if fl.NArg() > 0 {
		return usageErr("digest: unexpected %q (usage: geobrief digest [--since 24h] [--json])", strings.Join(fl.Args(), " "))
	}
	now := time.Now()
	since, err := digest.ParseSince(*sinceFlag, now, time.Local)
	if err != nil {
		return usageErr("digest: --since: %v", err)
	}

	lib, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()
	b := digest.NewBuilder(lib.Store, lib.Summarizer, cfg.Digest.MaxItems, log)
	req := digest.Request{Since: since}
	if isTerminal(stderr) {
		req.Progress = func(done, total int) { drawProgress(stderr, done, total) }
	}
	d, err := b.Build(ctx, req)
	if err != nil {
		return explainLLMError(err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	heading := "News digest · since " + since.Local().Format("Mon 2 Jan 2006 15:04")
	for i, msg := range digest.Render(d, heading, false) {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintln(stdout, msg)
	}
	return nil
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
