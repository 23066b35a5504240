package stories

import (
	"context"
	"slices"
	"testing"
)

func TestMemStoreMergesChains(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := NewMemStore()
	for _, a := range [][2]string{{"d1", "s1"}, {"d2", "s2"}, {"d3", "s3"}} {
		if err := m.SetStory(ctx, a[0], a[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.MergeStories(ctx, "s1", "s2"); err != nil {
		t.Fatal(err)
	}
	if err := m.MergeStories(ctx, "s2", "s3"); err != nil {
		t.Fatal(err)
	}
	if r := m.Resolve("s1"); r != "s3" {
		t.Errorf("s1 resolves to %s, want s3", r)
	}
	if got := m.Docs("s1"); !slices.Equal(got, []string{"d3", "d2", "d1"}) {
		t.Errorf("Docs(s1) = %v", got)
	}
	// A document set on a merged ID lands in the surviving story.
	if err := m.SetStory(ctx, "d4", "s1"); err != nil {
		t.Fatal(err)
	}
	if m.StoryOf("d4") != "s3" {
		t.Errorf("d4 is in %s, want s3", m.StoryOf("d4"))
	}
	// Moving a document takes it out of its old story.
	if err := m.SetStory(ctx, "d1", "s9"); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(m.Docs("s3"), "d1") || !slices.Equal(m.Docs("s9"), []string{"d1"}) {
		t.Errorf("after moving d1: s3 %v, s9 %v", m.Docs("s3"), m.Docs("s9"))
	}
}
