package main

import (
	"context"
	"errors"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/digest"
)

// digestStories lets the digest ask the app which story a document is in,
// so that a digest lists stories, not documents.
type digestStories struct{ lib *app.App }

var _ digest.StoryIndex = digestStories{}

// StoryOf implements digest.StoryIndex. A document the app has not grouped
// yet (stored a moment ago by another process) is not an error: the digest
// lists it as a story of its own.
func (s digestStories) StoryOf(ctx context.Context, docID string) (digest.Story, bool, error) {
	v, err := s.lib.StoryOf(ctx, docID)
	var nf *app.NotFoundError
	if errors.As(err, &nf) || errors.Is(err, app.ErrNoSuchStory) {
		return digest.Story{}, false, nil
	}
	if err != nil {
		return digest.Story{}, false, err
	}
	out := digest.Story{ID: v.ID, Headline: v.Headline, Sources: v.Sources}
	for _, d := range v.Documents {
		out.Docs = append(out.Docs, digest.StoryDoc{ID: d.ID, Source: d.Source, Time: d.Time, CopyOf: d.CopyOf})
	}
	return out, true, nil
}
