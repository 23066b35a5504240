package summarize

import (
	"context"
	"strings"
	"testing"
)

func TestHashKeyKeepsPartsApart(t *testing.T) {
	a := hashKey("brief:", "ab", "c")
	if !strings.HasPrefix(a, "brief:") || len(a) != len("brief:")+64 {
		t.Fatalf("hashKey = %q, want brief: and a hex SHA-256", a)
	}
	if b := hashKey("brief:", "a", "bc"); a == b {
		t.Fatalf("parts ab|c and a|bc give the same key %q", a)
	}
	if b := hashKey("brief:", "ab", "c", ""); a == b {
		t.Fatalf("an added empty part gives the same key %q", a)
	}
}

// readCache and writeCache serve both kinds of brief: a written brief reads
// back marked Cached, and an unreadable entry is a miss (regenerated), not
// an error.
func TestReadCacheBothKinds(t *testing.T) {
	ctx := context.Background()
	cache := &memCache{}
	s := newTestSummarizer(t, &fakeLLM{}, cache, Config{})

	writeCache(ctx, s, "brief:k", "d1", "brief", Brief{DocID: "d1", Headline: "H"})
	b, ok := readCache[Brief](ctx, s, "brief:k", "brief")
	if !ok || b.Headline != "H" || !b.Meta.Cached {
		t.Fatalf("Brief read back = %+v, %v; want headline H, Meta.Cached", b, ok)
	}
	writeCache(ctx, s, "story:k", "d1", "story brief", StoryBrief{Headline: "S"})
	sb, ok := readCache[StoryBrief](ctx, s, "story:k", "story brief")
	if !ok || sb.Headline != "S" || !sb.Meta.Cached {
		t.Fatalf("StoryBrief read back = %+v, %v; want headline S, Meta.Cached", sb, ok)
	}

	if err := cache.PutBrief(ctx, "story:bad", "d1", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if _, ok := readCache[StoryBrief](ctx, s, "story:bad", "story brief"); ok {
		t.Fatal("an unreadable entry was taken as a hit")
	}
	if _, ok := readCache[Brief](ctx, s, "brief:missing", "brief"); ok {
		t.Fatal("a missing key was taken as a hit")
	}
}
