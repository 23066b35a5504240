package store_test

import (
	"context"
	"errors"
	"fmt"
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
		// (4h); story z: d5 (5h). d4 is grouped last: the row with the
		// highest seq is never forgotten (see TestStoryTurn).
		for _, a := range [][2]string{{"d1", "x"}, {"d2", "x"}, {"d3", "y"}, {"d5", "z"}, {"d4", "y"}} {
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

// UngroupedAfter finds a document without a story only above the number
// it is given, and returns the number to give next time.
func TestUngroupedAfter(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t)
		if ungrouped, top, err := s.UngroupedAfter(ctx, 0); err != nil || ungrouped || top != 0 {
			t.Fatalf("empty store: %v, %d, %v; want false, 0", ungrouped, top, err)
		}
		docs := storyDocs(3)
		if _, err := s.SyncDocuments(ctx, docs[:2]); err != nil {
			t.Fatal(err)
		}
		ungrouped, top, err := s.UngroupedAfter(ctx, 0)
		if err != nil || !ungrouped || top == 0 {
			t.Fatalf("two documents, none grouped: %v, %d, %v; want true", ungrouped, top, err)
		}
		for _, id := range []string{"d1", "d2"} {
			if err := s.SetStory(ctx, id, "x"); err != nil {
				t.Fatal(err)
			}
		}
		if ungrouped, again, err := s.UngroupedAfter(ctx, 0); err != nil || ungrouped || again != top {
			t.Fatalf("both grouped: %v, %d, %v; want false, %d", ungrouped, again, err, top)
		}
		if _, err := s.SyncDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}
		ungrouped, newer, err := s.UngroupedAfter(ctx, top)
		if err != nil || !ungrouped || newer <= top {
			t.Fatalf("d3 added: %v, %d, %v; want true above %d", ungrouped, newer, err, top)
		}
		if ungrouped, _, err := s.UngroupedAfter(ctx, newer); err != nil || ungrouped {
			t.Errorf("nothing above %d: %v, %v; want false", newer, ungrouped, err)
		}
	})
}

// A turn reads the assignments recorded after a seq in seq order, with
// their documents' text, marks those whose document is gone, and lists
// the documents without a story; a seq is never given out twice, even
// when the row holding the highest is forgotten; a failed turn records
// nothing.
func TestStoryTurn(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t, storyDocs(5)...)
		turn := func(fn func(tx store.StoryTurnTx) error) {
			t.Helper()
			if err := s.StoryTurn(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		var seen int64
		turn(func(tx store.StoryTurnTx) error {
			docs, err := tx.Ungrouped(ctx, nil, 0)
			if err != nil {
				return err
			}
			if len(docs) != 5 {
				t.Errorf("Ungrouped(all) = %d documents, want 5", len(docs))
			}
			docs, err = tx.Ungrouped(ctx, []string{"d4", "d2", "d9"}, 0)
			if err != nil {
				return err
			}
			if len(docs) != 2 || docs[0].ID != "d2" || docs[1].ID != "d4" || docs[0].Body != "Body of d2" {
				t.Errorf("Ungrouped(d4, d2, d9) = %+v, want d2 then d4 with their text", docs)
			}
			for _, ids := range [][]string{nil, {"d4", "d2", "d1"}} {
				docs, err = tx.Ungrouped(ctx, ids, 2)
				if err != nil {
					return err
				}
				if len(docs) != 2 || docs[0].ID != "d1" || docs[1].ID != "d2" {
					t.Errorf("Ungrouped(%v, limit 2) = %+v, want d1 and d2", ids, docs)
				}
			}
			for _, a := range [][2]string{{"d2", "x"}, {"d1", "x"}, {"d3", "y"}} {
				if err := tx.SetStory(ctx, a[0], a[1]); err != nil {
					return err
				}
			}
			seen, err = tx.Top(ctx)
			return err
		})
		if seen != 3 {
			t.Fatalf("Top = %d after three assignments, want 3", seen)
		}
		// Another turn groups two more, merging x into y.
		turn(func(tx store.StoryTurnTx) error {
			if err := tx.SetStory(ctx, "d5", "z"); err != nil {
				return err
			}
			if err := tx.MergeStories(ctx, "x", "y"); err != nil {
				return err
			}
			return tx.SetStory(ctx, "d4", "x")
		})
		turn(func(tx store.StoryTurnTx) error {
			recs, err := tx.InputsSince(ctx, seen)
			if err != nil {
				return err
			}
			if len(recs) != 2 || recs[0].ID != "d5" || recs[0].StoryID != "z" || recs[0].Seq != 4 ||
				recs[1].ID != "d4" || recs[1].StoryID != "y" || recs[1].Title != "Title d4" || recs[1].Removed {
				t.Errorf("InputsSince(%d) = %+v", seen, recs)
			}
			if root, err := tx.Resolve(ctx, "x"); err != nil || root != "y" {
				t.Errorf("Resolve(x) = %q, %v", root, err)
			}
			return nil
		})

		// d4 (the highest seq) and d1 leave the corpus and are forgotten:
		// d4's row stays, so the next document still takes seq 6.
		if _, err := s.SyncDocuments(ctx, []corpus.Document{storyDocs(5)[1], storyDocs(5)[2], storyDocs(5)[4]}); err != nil {
			t.Fatal(err)
		}
		turn(func(tx store.StoryTurnTx) error {
			if n, err := tx.ForgetRemoved(ctx); err != nil || n != 1 {
				t.Errorf("ForgetRemoved = %d, %v; want 1 (d1; d4 holds the highest seq)", n, err)
			}
			recs, err := tx.InputsSince(ctx, seen)
			if err != nil {
				return err
			}
			if len(recs) != 2 || !recs[1].Removed || recs[0].Removed {
				t.Errorf("InputsSince after removals = %+v, want d5 then d4 removed", recs)
			}
			return nil
		})
		if _, err := s.SyncDocuments(ctx, append(storyDocs(5)[1:3], storyDocs(5)[4], storetest.Doc("d6", "Title d6", "Body of d6"))); err != nil {
			t.Fatal(err)
		}
		turn(func(tx store.StoryTurnTx) error {
			if err := tx.SetStory(ctx, "d6", "w"); err != nil {
				return err
			}
			recs, err := tx.InputsSince(ctx, 5)
			if err != nil {
				return err
			}
			if len(recs) != 1 || recs[0].ID != "d6" || recs[0].Seq != 6 {
				t.Errorf("InputsSince(5) = %+v, want d6 at seq 6", recs)
			}
			return nil
		})

		// A failed turn leaves nothing behind.
		boom := errors.New("boom")
		err := s.StoryTurn(ctx, func(tx store.StoryTurnTx) error {
			if err := tx.SetStory(ctx, "d2", "v"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("StoryTurn = %v, want boom", err)
		}
		if id, err := s.StoryOf(ctx, "d2"); err != nil || id != "y" {
			t.Errorf("after a failed turn d2 is in %q, %v; want y", id, err)
		}
	})
}

// Turns from two stores on one database (two processes) take turns: of
// many at once, each sees every assignment the others recorded before it,
// and every seq is given out once.
func TestStoryTurnsTakeTurns(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		const n = 24
		var docs []corpus.Document
		for i := range n {
			d := storetest.Doc(fmt.Sprintf("t%02d", i), fmt.Sprintf("Title %d", i), fmt.Sprintf("Body %d", i))
			d.Published = day0.Add(time.Duration(i) * time.Hour)
			docs = append(docs, d)
		}
		where := b.NewDB(t)
		stores := []*store.Store{b.OpenAt(t, where, docs...), b.OpenAt(t, where)}
		errs := make(chan error, n)
		for i := range n {
			go func() {
				errs <- stores[i%2].StoryTurn(ctx, func(tx store.StoryTurnTx) error {
					top, err := tx.Top(ctx)
					if err != nil {
						return err
					}
					recs, err := tx.InputsSince(ctx, 0)
					if err != nil {
						return err
					}
					if int64(len(recs)) != top {
						return fmt.Errorf("a turn sees %d assignments below seq %d", len(recs), top)
					}
					return tx.SetStory(ctx, docs[i].ID, "s-"+docs[i].ID)
				})
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		err := stores[1].StoryTurn(ctx, func(tx store.StoryTurnTx) error {
			recs, err := tx.InputsSince(ctx, 0)
			if err != nil {
				return err
			}
			if len(recs) != n {
				t.Errorf("%d assignments, want %d", len(recs), n)
			}
			for i, r := range recs {
				if r.Seq != int64(i+1) {
					t.Errorf("assignment %d (%s) has seq %d, want %d: seqs given out twice or skipped", i, r.ID, r.Seq, i+1)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
