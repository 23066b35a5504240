package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/llm"
)

// check prints the resolved configuration and tries the corpus and the LLM
// endpoint, so a user sees at once why a server misbehaves. It reports
// every problem it finds, not only the first.
func (c *cli) check(ctx context.Context, args []string) error {
	if _, err := newCmdLine("check", "geobrief check", 0, 0).parse(args, c.stdout); err != nil {
		return err
	}
	cfg, log, err := c.settings(false)
	var cerr *config.Error
	if errors.As(err, &cerr) {
		fmt.Fprintln(c.stdout, "Settings with problems:")
		for _, p := range cerr.Problems {
			fmt.Fprintln(c.stdout, "  "+p.String())
		}
		return &exitError{code: 2, err: fmt.Errorf("%d %s invalid (listed above); fix them and run geobrief check again",
			len(cerr.Problems), plural(len(cerr.Problems), "setting is", "settings are"))}
	}
	if err != nil {
		return err
	}
	c.cfg, c.log = cfg, log
	fmt.Fprintln(c.stdout, "Configuration:")
	for _, line := range cfg.Redacted() {
		fmt.Fprintln(c.stdout, "  "+line)
	}
	fmt.Fprintln(c.stdout)

	var problems []string
	lib, err := c.openApp(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	n, err := lib.Store.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Documents: %d indexed in %s\n", n, cfg.DataDir)
	for _, w := range lib.Warnings() {
		fmt.Fprintln(c.stdout, "  warning: "+w.String())
	}
	if err := lib.EmptyCorpus(ctx); err != nil {
		problems = append(problems, err.Error())
	}
	if err := c.checkFeeds(ctx, lib); err != nil {
		return err
	}

	if lib.LLM == nil {
		fmt.Fprintln(c.stdout, "LLM: none configured; summaries come from the offline extractive summarizer.")
		fmt.Fprintln(c.stdout, "     Set OPENAI_BASE_URL (and OPENAI_API_KEY if your server needs one) to use an LLM.")
	} else {
		if warn := llm.BaseURLWarning(cfg.LLM.BaseURL); warn != "" {
			fmt.Fprintln(c.stdout, "Warning: "+warn)
		}
		fmt.Fprintf(c.stdout, "LLM: %s, model %s\n", cfg.LLM.BaseURL, cfg.LLM.Model)
		if caps, err := lib.LLM.Probe(ctx); err != nil {
			problems = append(problems, "the LLM endpoint does not work: "+explainLLMError(err).Error())
		} else {
			if len(caps.Models) > 0 {
				fmt.Fprintf(c.stdout, "  models served: %s\n", strings.Join(caps.Models, ", "))
				if !slices.Contains(caps.Models, cfg.LLM.Model) {
					fmt.Fprintf(c.stdout, "  warning: LLM_MODEL=%s is not in that list\n", cfg.LLM.Model)
				}
			}
			fmt.Fprintf(c.stdout, "  json_schema: %s  json_object: %s  streaming: %s\n", yesNo(caps.JSONSchema), yesNo(caps.JSONObject), yesNo(caps.Streaming))
			if !caps.JSONSchema && !caps.JSONObject {
				fmt.Fprintln(c.stdout, "  note: no JSON mode; answers are parsed from plain text and repaired when needed")
			}
		}
	}
	switch len(problems) {
	case 0:
		fmt.Fprintln(c.stdout, "OK")
		return nil
	case 1:
		return errors.New(problems[0])
	}
	fmt.Fprintln(c.stdout, "\nProblems:")
	for _, p := range problems {
		fmt.Fprintln(c.stdout, "  "+p)
	}
	return fmt.Errorf("%d problems (listed above)", len(problems))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// checkFeeds says how many feeds there are and which keep failing; a
// failing feed is not a problem of the settings, so it is only listed.
func (c *cli) checkFeeds(ctx context.Context, lib *app.App) error {
	list, err := lib.Feeds(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "Feeds: none (live news is off; geobrief feeds import feeds.example.opml turns it on)")
		return nil
	}
	fmt.Fprintf(c.stdout, "Feeds: %d, polled every %s\n", len(list), c.cfg.Feeds.PollInterval)
	for _, f := range list {
		if f.Failures > 0 {
			fmt.Fprintf(c.stdout, "  warning: %s failed %d %s in a row: %s\n", f.URL, f.Failures, plural(f.Failures, "time", "times"), f.LastStatus)
		}
	}
	return nil
}
