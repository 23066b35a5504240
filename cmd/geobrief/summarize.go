package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/summarize"
)

func summarizeCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("summarize", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	docID := fl.String("doc", "", "summarize the document with this ID")
	asJSON := fl.Bool("json", false, "print the Brief as JSON")
	lengthFlag := fl.String("length", "standard", "short, standard or detailed")
	if err := fl.Parse(reorder(args, "json")); err != nil {
		return usageErr("summarize: %v (usage: geobrief summarize [--doc ID] [--length L] [--json] QUERY)", err)
	}
	length, err := summarize.ParseLength(*lengthFlag)
	if err != nil {
		return usageErr("summarize: %v", err)
	}
	query := strings.Join(fl.Args(), " ")
	if *docID == "" && strings.TrimSpace(query) == "" {
		return usageErr("summarize: say what to summarize, e.g. geobrief summarize \"talks in Oman\"")
	}

	lib, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()
	doc, err := findDocument(ctx, lib, *docID, query)
	if err != nil {
		return err
	}
	brief, err := lib.Summarizer.Brief(ctx, doc, summarize.Options{Length: length})
	if err != nil {
		return explainLLMError(err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(brief)
	}
	printBrief(stdout, brief, doc)
	return nil
}

// findDocument picks the document: by ID when given, else the best match.
func findDocument(ctx context.Context, lib *app.App, id, query string) (corpus.Document, error) {
	var nm *app.NoMatchError
	var nf *app.NotFoundError
	doc, err := func() (corpus.Document, error) {
		if id != "" {
			return lib.Document(ctx, id)
		}
		m, err := lib.Find(ctx, query)
		return m.Doc, err
	}()
	switch {
	case errors.Is(err, app.ErrEmptyCorpus):
		return doc, errors.New("the corpus is empty: SEEDS_DIR has no usable .txt or .md documents")
	case errors.As(err, &nm):
		return doc, fmt.Errorf("no document matches %q; try other words, or list documents with: geobrief search \"\"", nm.Query)
	case errors.As(err, &nf):
		return doc, fmt.Errorf("no document has the ID %q; list IDs with: geobrief search \"\"", nf.ID)
	}
	return doc, err
}

// explainLLMError turns LLM failures into one line that says what to do.
func explainLLMError(err error) error {
	var se *llm.StatusError
	switch {
	case errors.Is(err, llm.ErrBudgetExhausted):
		return fmt.Errorf("%w (raise LLM_DAILY_TOKEN_BUDGET or wait for tomorrow, UTC; cached summaries still work)", err)
	case errors.Is(err, llm.ErrUnavailable):
		return fmt.Errorf("%w (set LLM_FALLBACK=offline to get the offline summary instead)", err)
	case errors.As(err, &se) && (se.Code == 401 || se.Code == 403):
		return fmt.Errorf("%w (check OPENAI_API_KEY)", err)
	case errors.As(err, &se) && se.Code == 404:
		return fmt.Errorf("%w (check LLM_MODEL and OPENAI_BASE_URL; geobrief check lists the models)", err)
	}
	return err
}

// reorder moves flags after the query to the front, so both
// `summarize --json oman` and `summarize oman --json` work. Boolean flags
// are named so their next word is not taken as a value.
func reorder(args []string, boolFlags ...string) []string {
	isBool := map[string]bool{}
	for _, b := range boolFlags {
		isBool["-"+b], isBool["--"+b] = true, true
	}
	var flags, words []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			words = append(words, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !isBool[a] && !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			words = append(words, a)
		}
	}
	return append(append(flags, "--"), words...)
}
