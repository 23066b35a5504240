package digest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/geobrief/geobrief/batch"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/extractive"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

// Documents lists what entered the corpus since a moment, newest first.
type Documents interface {
	AddedSince(ctx context.Context, since time.Time, limit int) ([]corpus.Document, error)
}

// Summarizer makes the Briefs a digest is built from, and its top line.
type Summarizer interface {
	Brief(ctx context.Context, doc corpus.Document, opts summarize.Options) (summarize.Brief, error)
	// ExtractiveBrief is the offline Brief, for a document the LLM fails on.
	ExtractiveBrief(doc corpus.Document, opts summarize.Options) summarize.Brief
	Topline(ctx context.Context, items []summarize.ToplineItem, guild string) (string, error)
}

// Item is one document in a digest, or one story when the Builder groups
// by story (then DocID is the document its headline and summary come from).
type Item struct {
	DocID string `json:"doc_id"`
	Hash  string `json:"-"`
	// StoryID is the story the item stands for, when grouped by story.
	StoryID string `json:"story_id,omitempty"`
	// Sources are the story's distinct sources (a copy counts with its
	// original), in the order they first covered it.
	Sources   []string  `json:"sources,omitempty"`
	Headline  string    `json:"headline"`
	Sentence  string    `json:"summary"`
	Source    string    `json:"source,omitempty"`
	URL       string    `json:"url,omitempty"`
	Published time.Time `json:"published,omitzero"`
	// Updated marks a document sent before whose content has changed
	// since; by story, a story sent before that has gained sources since
	// (or one of whose articles sent has been edited).
	Updated bool `json:"updated,omitempty"`
	// Offline marks an item whose Brief came from the extractive summarizer.
	Offline bool `json:"offline,omitempty"`

	// covers are the documents the channel is told about by this item (all
	// of its story's); empty for a document item, which covers itself.
	covers []store.SentDoc
}

// Sent is what posting this item tells the channel: its document, or every
// document of its story, each with the content hash known for it. The
// scheduler records them with the edition, in the same transaction, so the
// next digest knows what the channel already has.
func (it Item) Sent() []store.SentDoc {
	if len(it.covers) > 0 {
		return it.covers
	}
	return []store.SentDoc{{DocID: it.DocID, Hash: it.Hash}}
}

// Digest is what gets posted.
type Digest struct {
	Since   time.Time `json:"since"`
	Topline string    `json:"topline,omitempty"`
	Items   []Item    `json:"items"`
	// New counts the documents that were new for the digest (by story: the
	// stories new or updated); Items shows the first of them, at most the
	// builder's maximum.
	New int `json:"new"`
	// ByStory is set when the items are stories.
	ByStory bool `json:"by_story,omitempty"`
	// Offline is true when the Briefs came from the extractive summarizer.
	Offline bool `json:"offline"`
}

// Builder assembles digests.
type Builder struct {
	docs     Documents
	sum      Summarizer
	stories  StoryIndex
	maxItems int
	log      *slog.Logger
}

// NewBuilder returns a Builder putting at most maxItems documents in a digest.
func NewBuilder(docs Documents, sum Summarizer, maxItems int, log *slog.Logger) *Builder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Builder{docs: docs, sum: sum, maxItems: maxItems, log: log}
}

// WithStories makes the Builder list stories instead of documents: one
// item per story, the widest coverage first (see StoryIndex). A nil index
// keeps one item per document.
func (b *Builder) WithStories(idx StoryIndex) *Builder {
	b.stories = idx
	return b
}

// briefParallelism bounds the Briefs requested at once. The LLM client has
// its own concurrency limit; this only keeps a 200-item digest from filling
// its waiting line and being told the bot is busy.
const briefParallelism = 16

// Request says what to build.
type Request struct {
	Since time.Time
	// Sent maps the IDs of documents this channel already got to the hash
	// they had then. Those are skipped unless their content changed.
	Sent  map[string]string
	Guild string
	// Progress, when set, hears how many items are summarized so far.
	Progress func(done, total int)
}

// Build makes the digest of the documents added since r.Since. Briefs come
// from the summarizer's cache when present, so a digest costs at most one
// summary per new document plus one call for the top line.
func (b *Builder) Build(ctx context.Context, r Request) (Digest, error) {
	docs, err := b.docs.AddedSince(ctx, r.Since, 0)
	if err != nil {
		return Digest{}, fmt.Errorf("digest: %w", err)
	}
	d := Digest{Since: r.Since}
	var picked []corpus.Document
	if b.stories != nil {
		d.ByStory = true
		if picked, err = b.pickStories(ctx, docs, r.Sent, &d); err != nil {
			return Digest{}, err
		}
	} else {
		for _, doc := range docs {
			hash, sent := r.Sent[doc.ID]
			if sent && hash == doc.Hash {
				continue
			}
			d.New++
			if len(picked) == b.maxItems {
				continue
			}
			picked = append(picked, doc)
			d.Items = append(d.Items, Item{DocID: doc.ID, Hash: doc.Hash, Source: doc.Source, URL: doc.URL, Published: doc.Published, Updated: sent})
		}
	}
	if len(picked) == 0 {
		return d, nil
	}

	briefs := make([]summarize.Brief, len(picked))
	err = batch.Each(ctx, len(picked), briefParallelism, r.Progress, func(ctx context.Context, i int) error {
		doc := picked[i]
		// Standard length: the Brief a /summarize of the same document makes, so
		// the two share one cache entry and one LLM call.
		opts := summarize.Options{Length: summarize.Standard, Guild: r.Guild}
		br, err := b.sum.Brief(ctx, doc, opts)
		switch {
		case err == nil:
		case retryLater(ctx, err):
			return fmt.Errorf("digest: %w", err)
		default:
			// One document the LLM cannot summarize (a 400, a budget spent,
			// an answer unusable twice) must not hold back the whole
			// digest edition after edition: it gets the offline Brief.
			b.log.Warn("digest item summarized offline", slog.String("doc_id", doc.ID), slog.Any("error", err))
			br = b.sum.ExtractiveBrief(doc, opts)
		}
		briefs[i] = br
		return nil
	})
	if err != nil {
		return Digest{}, err
	}

	top := make([]summarize.ToplineItem, len(briefs))
	d.Offline = true
	for i, br := range briefs {
		d.Items[i].Headline = br.Headline
		d.Items[i].Sentence = firstSentence(br.Summary)
		d.Items[i].Offline = br.Meta.Offline
		top[i] = summarize.ToplineItem{Headline: br.Headline, Summary: br.Summary}
		d.Offline = d.Offline && br.Meta.Offline
	}
	d.Topline, err = b.sum.Topline(ctx, top, r.Guild)
	if err != nil {
		return Digest{}, fmt.Errorf("digest: %w", err)
	}
	return d, nil
}

// retryLater tells the failures worth waiting out (the LLM is busy or down,
// or the build was cancelled) from those that will not pass by themselves.
// The summarizer only reports the LLM as down when LLM_FALLBACK=error, and
// then the digest waits for it too rather than going out offline.
func retryLater(ctx context.Context, err error) bool {
	return ctx.Err() != nil || llm.Temporary(err)
}

func firstSentence(s string) string {
	if sents := extractive.Sentences(s); len(sents) > 0 {
		return sents[0]
	}
	return s
}
