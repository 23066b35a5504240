package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
)

// storyDocs makes documents d1..dn, published an hour apart from day0
// (d3 has no published time: it counts by when it was added).
func storyDocs(n int) []corpus.Document {
	var docs []corpus.Document
	for i := 1; i <= n; i++ {
		id := "d" + string(rune('0'+i))
		d := storetest.Doc(id, "Title "+id, "Body of "+id)
		d.Source = "Source " + id
		d.Added = day0.Add(100 * time.Hour)
		if i != 3 {
			d.Published = day0.Add(time.Duration(i) * time.Hour)
		}
		docs = append(docs, d)
	}
	return docs
}

func ids(docs []store.StoryDoc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

// Merged stories resolve to the survivor through chains of merges, a
// document assigned to a merged ID lands in the survivor, and all of it
// survives reopening the database.
func TestStoriesMergeAndResolveAcrossRestart(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		where := b.NewDB(t)
		s := b.OpenAt(t, where, storyDocs(5)...)
		for _, a := range [][2]string{{"d1", "s1"}, {"d2", "s2"}, {"d3", "s3"}} {
			if err := s.SetStory(ctx, a[0], a[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.MergeStories(ctx, "s1", "s2"); err != nil {
			t.Fatal(err)
		}
		if err := s.MergeStories(ctx, "s2", "s3"); err != nil {
			t.Fatal(err)
		}
		// Merging again, by either name, changes nothing.
		if err := s.MergeStories(ctx, "s1", "s3"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStory(ctx, "d4", "s1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s = b.OpenAt(t, where)
		for _, old := range []string{"s1", "s2", "s3"} {
			got, err := s.StoryDocuments(ctx, old)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"d1", "d2", "d4", "d3"}; !slices.Equal(ids(got), want) {
				t.Errorf("StoryDocuments(%s) = %v, want %v (oldest first; d3 counts by its added time)", old, ids(got), want)
			}
			for _, d := range got {
				if d.StoryID != "s3" {
					t.Errorf("%s is in %s, want s3", d.ID, d.StoryID)
				}
			}
		}
		if id, err := s.StoryOf(ctx, "d1"); err != nil || id != "s3" {
			t.Errorf("StoryOf(d1) = %q, %v; want s3", id, err)
		}
		if _, err := s.StoryOf(ctx, "d5"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("StoryOf(d5) = %v, want ErrNotFound", err)
		}
		if got, err := s.StoryDocuments(ctx, "never"); err != nil || len(got) != 0 {
			t.Errorf("StoryDocuments(never) = %v, %v", got, err)
		}
		st, err := s.StoryState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"s1": "s3", "s2": "s3"}; len(st.Aliases) != 2 || st.Aliases["s1"] != "s3" || st.Aliases["s2"] != "s3" {
			t.Errorf("aliases %v, want %v (one step each)", st.Aliases, want)
		}
	})
}

// The state lists assignments in the order documents were first assigned,
// which a move does not change; the batch writes all or nothing.
func TestStoryStateOrderAndBatch(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t, storyDocs(4)...)
		for _, a := range [][2]string{{"d3", "a"}, {"d1", "a"}, {"d2", "b"}, {"d3", "b"}} {
			if err := s.SetStory(ctx, a[0], a[1]); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.StoryState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.StoryAssignment{{DocID: "d3", StoryID: "b"}, {DocID: "d1", StoryID: "a"}, {DocID: "d2", StoryID: "b"}}
		if !slices.Equal(st.Docs, want) {
			t.Errorf("state %v, want %v", st.Docs, want)
		}

		// A copy is recorded on its row, and read back with its story.
		if err := s.SetCopyOf(ctx, "d2", "d3"); err != nil {
			t.Fatal(err)
		}
		docs, err := s.StoryDocuments(ctx, "b")
		if err != nil || len(docs) != 2 || docs[0].ID != "d2" || docs[0].CopyOf != "d3" || docs[1].CopyOf != "" {
			t.Errorf("StoryDocuments(b) = %+v, %v; want d2 a copy of d3", docs, err)
		}
		if st, err := s.StoryState(ctx); err != nil || st.Docs[2] != (store.StoryAssignment{DocID: "d2", StoryID: "b", CopyOf: "d3"}) {
			t.Errorf("state %+v, %v", st.Docs, err)
		}

		boom := errors.New("boom")
		err = s.StoryBatch(ctx, func(w store.StoryWriter) error {
			if err := w.SetStory(ctx, "d4", "c"); err != nil {
				return err
			}
			if err := w.MergeStories(ctx, "a", "b"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("batch error %v, want boom", err)
		}
		if _, err := s.StoryOf(ctx, "d4"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed batch left d4 assigned: %v", err)
		}
		if id, _ := s.StoryOf(ctx, "d1"); id != "a" {
			t.Errorf("a failed batch merged a: d1 in %q", id)
		}
	})
}

// StoriesSince returns whole stories that have a document in the window,
// by published time, else added time; documents no longer stored are
// left out, and forgotten on request.
func TestStoriesSinceWindow(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t, storyDocs(5)...)
		// Story x: d1 (1h) and d2 (2h); story y: d3 (added at 100h) and d4
		// (4h); story z: d5 (5h).
		for _, a := range [][2]string{{"d1", "x"}, {"d2", "x"}, {"d3", "y"}, {"d4", "y"}, {"d5", "z"}} {
			if err := s.SetStory(ctx, a[0], a[1]); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.StoriesSince(ctx, day0.Add(4*time.Hour+30*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// y is in through d3's added time, with d4 which is older than the
		// window; z through d5; x not at all.
		if want := []string{"d4", "d5", "d3"}; !slices.Equal(ids(got), want) {
			t.Errorf("StoriesSince = %v, want %v", ids(got), want)
		}

		// d5 leaves the corpus: its story has no document left.
		if _, err := s.SyncDocuments(ctx, storyDocs(4)); err != nil {
			t.Fatal(err)
		}
		got, err = s.StoriesSince(ctx, day0)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"d1", "d2", "d4", "d3"}; !slices.Equal(ids(got), want) {
			t.Errorf("after d5 left: %v, want %v", ids(got), want)
		}
		if n, err := s.ForgetRemovedStoryDocs(ctx); err != nil || n != 1 {
			t.Errorf("ForgetRemovedStoryDocs = %d, %v; want 1", n, err)
		}
		ungrouped, err := s.Ungrouped(ctx)
		if err != nil || len(ungrouped) != 0 {
			t.Errorf("Ungrouped = %v, %v; want none", ungrouped, err)
		}
		m, err := s.StoriesOf(ctx, []string{"d1", "d4", "d9"})
		if err != nil || len(m) != 2 || m["d1"] != "x" || m["d4"] != "y" {
			t.Errorf("StoriesOf = %v, %v", m, err)
		}
	})
}
