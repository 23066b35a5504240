package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/store/storetest"
)

var day0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func webDoc(id, key, link, title, body string, published time.Time) store.WebDocument {
	d := storetest.Doc(id, title, body)
	d.Source, d.URL, d.Published, d.Added = "Harbour Times", link, published, day0
	return store.WebDocument{Doc: d, Key: key, Link: link, Feed: "https://news.example/feed.xml", ItemHash: "item-" + key}
}

// Web documents are searchable at once, and a seed sync (which makes the
// index equal to the folder) never removes them.
func TestWebDocumentsSurviveSeedSync(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t, storetest.Doc("seed-a", "Envoy visits Oman", "The envoy arrived in Muscat."))
		w := webDoc("harbour-talks-1a2b3c4d", "guid:1", "https://news.example/harbour", "Harbour talks resume in Valletta", "Delegates met at the harbour in Valletta to resume talks.", day0)
		if err := s.SaveWebDocument(ctx, w, day0); err != nil {
			t.Fatal(err)
		}
		hits, err := s.Search(ctx, "valletta harbour", 5)
		if err != nil || len(hits) == 0 || hits[0].ID != w.Doc.ID {
			t.Fatalf("search finds the web document: %+v, %v", hits, err)
		}
		if got, err := s.AddedSince(ctx, day0, 0); err != nil || len(got) != 1 || got[0].ID != w.Doc.ID {
			t.Fatalf("AddedSince: %+v, %v", got, err)
		}

		st, err := s.SyncDocuments(ctx, []corpus.Document{storetest.Doc("seed-b", "Navy meeting", "The navy met.")})
		if err != nil {
			t.Fatal(err)
		}
		if st.Removed != 1 || st.Added != 1 {
			t.Fatalf("seed sync: %+v, want seed-a removed and seed-b added", st)
		}
		if _, err := s.Document(ctx, w.Doc.ID); err != nil {
			t.Fatalf("the web document did not survive the seed sync: %v", err)
		}
		if _, err := s.SyncDocuments(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Count(ctx); err != nil || n != 1 {
			t.Fatalf("after syncing no seeds: %d documents, %v; want the web one", n, err)
		}
		if o, err := s.Origin(ctx, w.Doc.ID); err != nil || o != "web" {
			t.Fatalf("Origin = %q, %v", o, err)
		}
	})
}

// An item is found by its key and by its canonical link; a second key for
// the same link keeps its own fingerprint; a changed text updates the
// document, keeps when it was added and drops its briefs.
func TestWebItemsAndUpdates(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t)
		w := webDoc("harbour-1a2b3c4d", "guid:a-1", "https://news.example/harbour", "Harbour talks", "Delegates met at the harbour.", day0)
		if err := s.SaveWebDocument(ctx, w, day0); err != nil {
			t.Fatal(err)
		}
		if it, ok, err := s.WebItem(ctx, "guid:a-1"); err != nil || !ok || it.DocID != w.Doc.ID || it.ItemHash != "item-guid:a-1" || it.TextHash != w.Doc.Hash || !it.Stored {
			t.Fatalf("WebItem: %+v %v %v", it, ok, err)
		}
		if _, ok, err := s.WebItem(ctx, "guid:b-7"); ok || err != nil {
			t.Fatalf("an unknown key: %v %v", ok, err)
		}
		it, ok, err := s.WebItemByLink(ctx, "https://news.example/harbour")
		if err != nil || !ok || it.DocID != w.Doc.ID || it.ItemHash != "item-guid:a-1" {
			t.Fatalf("WebItemByLink: %+v %v %v", it, ok, err)
		}

		// The same article through a second feed with its own GUID.
		other := w
		other.Key, other.ItemHash, other.Feed = "guid:b-7", "item-b", "https://other.example/rss"
		if err := s.SaveWebDocument(ctx, other, day0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Count(ctx); n != 1 {
			t.Fatalf("the same article from two feeds is %d documents", n)
		}
		if it, _, _ := s.WebItem(ctx, "guid:a-1"); it.ItemHash != "item-guid:a-1" {
			t.Fatalf("the first feed's fingerprint was overwritten: %+v", it)
		}
		feeds := []store.Feed{{Key: "https://news.example/feed.xml", URL: "https://news.example/feed.xml", Title: "News", Added: day0}}
		if _, err := s.AddFeed(ctx, feeds[0]); err != nil {
			t.Fatal(err)
		}
		list, err := s.Feeds(ctx)
		if err != nil || len(list) != 1 || list[0].Documents != 1 {
			t.Fatalf("the document counts for the feed it first came from: %+v, %v", list, err)
		}

		if err := s.PutBrief(ctx, "brief-key", w.Doc.ID, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		changed := webDoc(w.Doc.ID, "guid:a-1", w.Link, "Harbour talks", "Delegates met at the harbour and agreed on a text.", day0)
		changed.Doc.Added = day0.Add(48 * time.Hour)
		if err := s.SaveWebDocument(ctx, changed, day0.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Document(ctx, w.Doc.ID)
		if err != nil || got.Body != changed.Doc.Body || got.Hash != changed.Doc.Hash || !got.Added.Equal(day0) {
			t.Fatalf("updated document: %+v, %v", got, err)
		}
		if _, found, _ := s.GetBrief(ctx, "brief-key"); found {
			t.Fatal("the brief of the old text was kept")
		}
		if hits, _ := s.Search(ctx, "agreed", 5); len(hits) != 1 {
			t.Fatalf("the index has the new text: %+v", hits)
		}
	})
}

// A web document never replaces a seed document; a seed document replaces
// a web document with its ID.
func TestWebAndSeedIDs(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t, storetest.Doc("oman", "Envoy visits Oman", "The envoy arrived."))
		if err := s.SaveWebDocument(ctx, webDoc("oman", "guid:x", "https://x.example/a", "T", "Body.", day0), day0); !errors.Is(err, store.ErrIDTaken) {
			t.Fatalf("web over seed: %v", err)
		}
		if err := s.SaveWebDocument(ctx, webDoc("navy-1", "guid:y", "https://x.example/b", "Navy", "Web text.", day0), day0); err != nil {
			t.Fatal(err)
		}
		seeds := []corpus.Document{storetest.Doc("oman", "Envoy visits Oman", "The envoy arrived."), storetest.Doc("navy-1", "Navy", "Seed text.")}
		if _, err := s.SyncDocuments(ctx, seeds); err != nil {
			t.Fatal(err)
		}
		if d, err := s.Document(ctx, "navy-1"); err != nil || d.Body != "Seed text." {
			t.Fatalf("seed over web: %+v, %v", d, err)
		}
		if o, _ := s.Origin(ctx, "navy-1"); o != "seed" {
			t.Fatalf("origin %q", o)
		}
	})
}

// Pruning removes web documents older than the cutoff, by published time
// else added time, and never a seed document; a pruned item's key is kept
// while it is recent, so its feed does not make it fetched again.
func TestPruneWebDocuments(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		old := storetest.Doc("old-seed", "Old seed", "Seed text from long ago.")
		old.Published = day0.AddDate(-1, 0, 0)
		s := b.Open(t, old)
		oldWeb := webDoc("old-web", "guid:old", "https://x.example/old", "Old", "Old text.", day0.AddDate(0, 0, -40))
		undated := webDoc("undated", "guid:undated", "https://x.example/undated", "Undated", "No date.", time.Time{})
		undated.Doc.Added = day0.AddDate(0, 0, -31)
		fresh := webDoc("fresh", "guid:fresh", "https://x.example/fresh", "Fresh", "New text.", day0.AddDate(0, 0, -1))
		for _, w := range []store.WebDocument{oldWeb, undated, fresh} {
			if err := s.SaveWebDocument(ctx, w, day0); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PruneWebDocuments(ctx, day0.AddDate(0, 0, -30), day0)
		if err != nil || n != 2 {
			t.Fatalf("pruned %d, %v; want the old and the undated-but-old web documents", n, err)
		}
		for id, want := range map[string]bool{"old-seed": true, "old-web": false, "undated": false, "fresh": true} {
			_, err := s.Document(ctx, id)
			if got := err == nil; got != want {
				t.Errorf("%s kept = %v, want %v (%v)", id, got, want, err)
			}
		}
		it, ok, err := s.WebItem(ctx, "guid:old")
		if err != nil || !ok || it.Stored {
			t.Fatalf("a pruned item's key is remembered as not stored: %+v %v %v", it, ok, err)
		}
		// Once the prune that removed it is older than a later cutoff, the key
		// is forgotten.
		if _, err := s.PruneWebDocuments(ctx, day0.Add(-time.Hour), day0); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.WebItem(ctx, "guid:old"); !ok {
			t.Fatal("a pruned key was forgotten too early")
		}
		if _, err := s.PruneWebDocuments(ctx, day0.Add(time.Hour), day0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.WebItem(ctx, "guid:old"); ok {
			t.Fatal("an old pruned key was kept forever")
		}
		if _, err := s.Document(ctx, "old-seed"); err != nil {
			t.Fatalf("a seed document was pruned: %v", err)
		}
	})
}

// Feeds: added once per key, their state saved and read back, removed;
// a poll that ends after its feed was removed does not bring it back.
func TestFeeds(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t)
		f := store.Feed{Key: "https://news.example/rss", URL: "https://NEWS.example/rss", Title: "News", Added: day0}
		if added, err := s.AddFeed(ctx, f); err != nil || !added {
			t.Fatalf("AddFeed: %v %v", added, err)
		}
		if added, err := s.AddFeed(ctx, store.Feed{Key: f.Key, URL: "https://news.example:443/rss", Title: "Again", Added: day0}); err != nil || added {
			t.Fatalf("the same feed twice: %v %v", added, err)
		}
		got, ok, err := s.FeedByURL(ctx, f.URL)
		if err != nil || !ok || got.Scheduled || !got.LastPolled.IsZero() || got.Title != "News" {
			t.Fatalf("a new feed: %+v %v %v", got, ok, err)
		}
		got.ETag, got.LastModified, got.LastStatus, got.Failures = `"e1"`, "Mon, 02 Mar 2026 10:00:00 GMT", "HTTP 503", 2
		got.LastPolled, got.NextPoll = day0, day0.Add(time.Hour)
		if err := s.SaveFeedState(ctx, got); err != nil {
			t.Fatal(err)
		}
		back, _, _ := s.FeedByURL(ctx, f.URL)
		if !back.Scheduled || back.ETag != `"e1"` || back.Failures != 2 || !back.NextPoll.Equal(day0.Add(time.Hour)) || !back.LastPolled.Equal(day0) || back.LastStatus != "HTTP 503" {
			t.Fatalf("state read back: %+v", back)
		}
		if removed, err := s.RemoveFeed(ctx, f.Key); err != nil || !removed {
			t.Fatalf("RemoveFeed: %v %v", removed, err)
		}
		if err := s.SaveFeedState(ctx, got); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Feeds(ctx); len(list) != 0 {
			t.Fatalf("a removed feed came back: %+v", list)
		}
		if removed, _ := s.RemoveFeed(ctx, f.Key); removed {
			t.Fatal("removed twice")
		}
		if err := s.SetMeta(ctx, "k", "v1"); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := s.Meta(ctx, "k"); v != "v1" || !ok || err != nil {
			t.Fatalf("Meta: %q %v %v", v, ok, err)
		}
	})
}
