package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/feeds"
	"github.com/geobrief/geobrief/store"
)

// closeMatch: another hit scoring within this fraction of the best one is
// offered as an alternative.
const closeMatch = 0.2

// ErrEmptyCorpus: there is no document to find.
var ErrEmptyCorpus = errors.New("the corpus is empty")

// EmptyCorpusError says there is no document, and where they were looked
// for. It matches ErrEmptyCorpus.
type EmptyCorpusError struct {
	// Folder is SEEDS_DIR; empty for the documents built into the program.
	Folder string
	// Skipped counts the files that were found but could not be used.
	Skipped int
}

func (e *EmptyCorpusError) Error() string {
	where := "the documents built into the program"
	if e.Folder != "" {
		where = fmt.Sprintf("SEEDS_DIR=%q", e.Folder)
	}
	if e.Skipped > 0 {
		return fmt.Sprintf("%s: every .txt and .md file in %s (subfolders included) was skipped, %d in all; the warnings say why", ErrEmptyCorpus, where, e.Skipped)
	}
	return fmt.Sprintf("%s: no .txt or .md files in %s (subfolders included)", ErrEmptyCorpus, where)
}

func (e *EmptyCorpusError) Is(target error) bool { return target == ErrEmptyCorpus }

// SkippedError says the document asked for is in a file that could not be
// read, and why.
type SkippedError struct {
	ID     string
	File   string
	Reason string
}

func (e *SkippedError) Error() string {
	return fmt.Sprintf("the document %q was skipped: its file %s cannot be used: %s", e.ID, e.File, e.Reason)
}

// NoMatchError says nothing matches what the user asked for.
type NoMatchError struct {
	// Query is the text searched; empty when the user gave nothing.
	Query string
}

func (e *NoMatchError) Error() string {
	if e.Query == "" {
		return "no document was named"
	}
	return fmt.Sprintf("no document matches %q", e.Query)
}

// NotFoundError says no document has the ID asked for.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string { return fmt.Sprintf("no document has the ID %q", e.ID) }

// Match is the document a user meant, and the others that matched almost
// as well (offered as alternatives).
type Match struct {
	Doc    corpus.Document
	Others []store.Hit
}

// Find returns the document ref points at: the document whose ID it is
// (autocomplete hands over IDs), else the best search match for it. An
// http(s) URL is an article page: the stored document with that link, else
// the page fetched, extracted and stored (it joins the corpus) under the
// address rules, so /summarize accepts a link; a refused address is
// webfetch's *RefusedError.
func (a *App) Find(ctx context.Context, ref string) (Match, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Match{}, &NoMatchError{}
	}
	if isWebURL(ref) {
		doc, err := a.findURL(ctx, ref)
		if err != nil {
			return Match{}, err
		}
		return Match{Doc: doc}, nil
	}
	doc, err := a.Store.Document(ctx, ref)
	if err == nil {
		return Match{Doc: doc}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return Match{}, fmt.Errorf("app: document %q: %w", ref, err)
	}
	if w, ok := a.skipped(ref); ok {
		return Match{}, &SkippedError{ID: ref, File: w.File, Reason: w.Reason}
	}
	hits, err := a.Store.Search(ctx, ref, 3)
	if err != nil {
		return Match{}, fmt.Errorf("app: search %q: %w", ref, err)
	}
	if len(hits) == 0 {
		n, err := a.Store.Count(ctx)
		if err == nil && n == 0 {
			return Match{}, a.emptyCorpus()
		}
		return Match{}, &NoMatchError{Query: ref}
	}
	doc, err = a.Store.Document(ctx, hits[0].ID)
	if errors.Is(err, store.ErrNotFound) {
		// Removed between the search and now.
		return Match{}, &NoMatchError{Query: ref}
	}
	if err != nil {
		return Match{}, fmt.Errorf("app: document %q: %w", hits[0].ID, err)
	}
	m := Match{Doc: doc}
	best := hits[0].Score
	margin := closeMatch * math.Abs(best)
	for _, h := range hits[1:] {
		if h.Score >= best-margin && h.ID != doc.ID {
			m.Others = append(m.Others, h)
		}
	}
	return m, nil
}

// Document returns the document with exactly this ID.
func (a *App) Document(ctx context.Context, id string) (corpus.Document, error) {
	doc, err := a.Store.Document(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		if w, ok := a.skipped(id); ok {
			return doc, &SkippedError{ID: id, File: w.File, Reason: w.Reason}
		}
		return doc, &NotFoundError{ID: id}
	}
	if err != nil {
		return doc, fmt.Errorf("app: document %q: %w", id, err)
	}
	return doc, nil
}

// EmptyCorpus returns an *EmptyCorpusError when there is no document to
// find, and nil otherwise.
func (a *App) EmptyCorpus(ctx context.Context) error {
	n, err := a.Store.Count(ctx)
	if err != nil {
		return fmt.Errorf("app: count documents: %w", err)
	}
	if n == 0 {
		return a.emptyCorpus()
	}
	return nil
}

// Search ranks documents for a query (an empty one lists the newest).
func (a *App) Search(ctx context.Context, query string, limit int) ([]store.Hit, error) {
	return a.Store.Search(ctx, query, limit)
}

// Autocomplete offers documents for what a user has typed so far.
func (a *App) Autocomplete(ctx context.Context, input string, limit int) ([]store.Hit, error) {
	return a.Store.Autocomplete(ctx, input, limit)
}

// Recent lists the newest documents.
func (a *App) Recent(ctx context.Context, limit int) ([]store.Hit, error) {
	return a.Store.Recent(ctx, limit)
}

// findURL returns the stored document whose canonical link ref is, else
// ingests the page.
func (a *App) findURL(ctx context.Context, ref string) (corpus.Document, error) {
	if link, err := feeds.CanonicalLink(ref); err == nil {
		if it, ok, err := a.Store.WebItemByLink(ctx, link); err != nil {
			return corpus.Document{}, fmt.Errorf("app: %w", err)
		} else if ok {
			doc, err := a.Store.Document(ctx, it.DocID)
			if err == nil {
				return doc, nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return corpus.Document{}, fmt.Errorf("app: %w", err)
			}
		}
	}
	doc, _, err := a.ingest(ctx, ref)
	return doc, err
}
