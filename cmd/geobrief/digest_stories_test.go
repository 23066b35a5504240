package main

import (
	"context"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/digest"
)

// The digest, through the app's stories over a real store: the harbour
// talks in three outlets and a wire copy are one item naming the three;
// the cod quota talks another; a document the app does not know is no
// error.
func TestDigestByStoryThroughTheApp(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(config.MapLookup(map[string]string{"SEEDS_DIR": storyCorpus(t), "DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	lib, err := app.Open(ctx, cfg, newLogger(io.Discard, "error", true))
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	idx := digestStories{lib}

	s, ok, err := idx.StoryOf(ctx, "island-post")
	if err != nil || !ok {
		t.Fatalf("StoryOf(island-post) = %v, %v", ok, err)
	}
	if !slices.Equal(s.Sources, []string{"Harbour Times", "Island Post", "Coastal Review"}) || len(s.Docs) != 4 {
		t.Errorf("harbour story: sources %v, %d documents; want 3 sources, 4 documents", s.Sources, len(s.Docs))
	}
	for _, d := range s.Docs {
		if d.ID == "wire-daily" && d.CopyOf != "harbour-times" {
			t.Errorf("the wire copy is not marked as a copy: %+v", d)
		}
	}
	if _, ok, err := idx.StoryOf(ctx, "no-such-doc"); ok || err != nil {
		t.Errorf("StoryOf(no-such-doc) = %v, %v; want not found, no error", ok, err)
	}

	b := digest.NewBuilder(lib.Store, lib.Summarizer, 10, nil).WithStories(idx)
	d, err := b.Build(ctx, digest.Request{Since: time.Now().Add(-30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var sources [][]string
	for _, it := range d.Items {
		sources = append(sources, it.Sources)
	}
	if len(d.Items) != 4 || !slices.Equal(sources[0], []string{"Harbour Times", "Island Post", "Coastal Review"}) ||
		!slices.Equal(sources[1], []string{"North Desk", "Fish Weekly"}) {
		t.Fatalf("items by story: %v (want harbour, cod, then the two lone documents)", sources)
	}
}
