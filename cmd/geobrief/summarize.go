package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/summarize"
)

// summarize prints the Brief of the document a query or an ID names.
func (c *cli) summarize(ctx context.Context, args []string) error {
	cl := newCmdLine("summarize", "geobrief summarize [--length short|standard|detailed] [--json] QUERY | --doc ID", 0, -1)
	docID := cl.flags.String("doc", "", "summarize the document with this ID (instead of a QUERY)")
	asJSON := cl.flags.Bool("json", false, "print the Brief as JSON")
	lengthFlag := cl.lengthFlag()
	words, err := cl.parse(args, c.stdout)
	if err != nil {
		return err
	}
	length, err := lengthFlag()
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(words, " "))
	switch {
	case *docID != "" && query != "":
		return cl.usageErr("give --doc ID or a QUERY, not both")
	case *docID == "" && query == "":
		return usageErr("summarize: say what to summarize, e.g. geobrief summarize \"talks in Oman\"")
	}

	lib, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer lib.Close()
	doc, err := findDocument(ctx, lib, *docID, query)
	if err != nil {
		return err
	}
	brief, err := lib.Summarizer.Brief(ctx, doc, c.summaryOptions(length))
	if err != nil {
		return explainLLMError(err)
	}
	if *asJSON {
		return printJSON(c.stdout, brief)
	}
	printBrief(c.stdout, brief, doc)
	return nil
}

// summaryOptions are the options of a summary asked for at the terminal
// (a Brief, a story brief): the length asked for, and a line on stderr
// once the LLM has taken waitNotice, so that a model that takes a minute
// does not look like a hang.
func (c *cli) summaryOptions(length summarize.Length) summarize.Options {
	return summarize.Options{
		Length:       length,
		WaitingAfter: c.waitNotice,
		Waiting: func() {
			fmt.Fprintf(c.stderr, "geobrief: waiting for the LLM (%s at %s)...\n", c.cfg.LLM.Model, c.cfg.LLM.BaseURL)
		},
	}
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
	case errors.As(err, &nm):
		return doc, fmt.Errorf("no document matches %s; try other words, or list documents with: geobrief search \"\"", clipQuote(nm.Query))
	case errors.As(err, &nf):
		if err := lib.EmptyCorpus(ctx); err != nil {
			return doc, err
		}
		return doc, fmt.Errorf("no document has the ID %s; list IDs with: geobrief search \"\"", clipQuote(nf.ID))
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
