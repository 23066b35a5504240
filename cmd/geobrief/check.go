package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/llm"
)

// checkCmd prints the resolved configuration and tries the LLM endpoint, so
// a user sees at once why a server misbehaves.
func checkCmd(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	fmt.Fprintln(stdout, "Configuration:")
	for _, line := range cfg.Redacted() {
		fmt.Fprintln(stdout, "  "+line)
	}
	fmt.Fprintln(stdout)

	lib, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()
	n, err := lib.Store.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Documents: %d indexed in %s\n", n, cfg.DataDir)
	if n == 0 {
		return errors.New("the corpus is empty: SEEDS_DIR has no usable .txt or .md documents")
	}

	if lib.LLM == nil {
		fmt.Fprintln(stdout, "LLM: none configured; summaries come from the offline extractive summarizer.")
		fmt.Fprintln(stdout, "     Set OPENAI_BASE_URL (and OPENAI_API_KEY if your server needs one) to use an LLM.")
		return nil
	}
	if warn := llm.BaseURLWarning(cfg.LLM.BaseURL); warn != "" {
		fmt.Fprintln(stdout, "Warning: "+warn)
	}
	fmt.Fprintf(stdout, "LLM: %s, model %s\n", cfg.LLM.BaseURL, cfg.LLM.Model)
	caps, err := lib.LLM.Probe(ctx)
	if err != nil {
		return fmt.Errorf("the LLM endpoint does not work: %w", explainLLMError(err))
	}
	if len(caps.Models) > 0 {
		fmt.Fprintf(stdout, "  models served: %s\n", strings.Join(caps.Models, ", "))
		if !contains(caps.Models, cfg.LLM.Model) {
			fmt.Fprintf(stdout, "  warning: LLM_MODEL=%s is not in that list\n", cfg.LLM.Model)
		}
	}
	fmt.Fprintf(stdout, "  json_schema: %s  json_object: %s  streaming: %s\n", yesNo(caps.JSONSchema), yesNo(caps.JSONObject), yesNo(caps.Streaming))
	if !caps.JSONSchema && !caps.JSONObject {
		fmt.Fprintln(stdout, "  note: no JSON mode; answers are parsed from plain text and repaired when needed")
	}
	fmt.Fprintln(stdout, "OK")
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
