package store

import (
	"context"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// A store searches what another store on the same database (another
// process, another replica) wrote: additions, updates, web documents,
// removals and prunes, and an ID deleted and stored again.
func TestSearchFollowsAnotherStoresWrites(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		writer, where := be.openTest(t)
		reader := be.openAt(t, where)
		day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

		harbour, envoy := doc("harbour", "Harbour reopens in Valletta", "The harbour reopened."), doc("envoy", "Envoy visits Oman", "The envoy met officials in Muscat.")
		if _, err := writer.SyncDocuments(ctx, []corpus.Document{harbour, envoy}); err != nil {
			t.Fatal(err)
		}
		assertIDs(t, mustSearch(t, reader, "valletta", 5), "harbour")
		assertIDs(t, mustSearch(t, reader, "muscat", 5), "envoy")

		// An update: the new words are found, the old ones not.
		envoy2 := doc("envoy", "Envoy visits Qatar", "The envoy met officials in Doha.")
		if _, err := writer.SyncDocuments(ctx, []corpus.Document{harbour, envoy2}); err != nil {
			t.Fatal(err)
		}
		assertIDs(t, mustSearch(t, reader, "muscat", 5))
		assertIDs(t, mustSearch(t, reader, "doha", 5), "envoy")
		assertFirst(t, mustAutocomplete(t, reader, "envoy visits q", 5), "envoy")

		// A web document, then a seed with its ID: the web one is deleted
		// and the seed stored under the same ID.
		web := WebDocument{Doc: withHash(corpus.Document{ID: "grain", Title: "Grain ships leave Odesa", Body: "Ships loaded with grain left.", Added: day, Published: day}), Key: "guid:grain"}
		if err := writer.SaveWebDocument(ctx, web, day); err != nil {
			t.Fatal(err)
		}
		assertIDs(t, mustSearch(t, reader, "odesa", 5), "grain")
		assertFirst(t, mustRecent(t, reader, 1), "grain")
		seedGrain := doc("grain", "Grain deal signed in Istanbul", "The grain deal was signed.")
		if _, err := writer.SyncDocuments(ctx, []corpus.Document{harbour, envoy2, seedGrain}); err != nil {
			t.Fatal(err)
		}
		assertIDs(t, mustSearch(t, reader, "odesa", 5))
		assertIDs(t, mustSearch(t, reader, "istanbul", 5), "grain")

		// Removals.
		if _, err := writer.SyncDocuments(ctx, []corpus.Document{envoy2, seedGrain}); err != nil {
			t.Fatal(err)
		}
		assertIDs(t, mustSearch(t, reader, "valletta", 5))
		old := WebDocument{Doc: withHash(corpus.Document{ID: "old", Title: "Old storm news", Body: "A storm.", Added: day, Published: day.AddDate(0, -2, 0)}), Key: "guid:old"}
		if err := writer.SaveWebDocument(ctx, old, day); err != nil {
			t.Fatal(err)
		}
		assertIDs(t, mustSearch(t, reader, "storm", 5), "old")
		if _, err := writer.PruneWebDocuments(ctx, day.AddDate(0, -1, 0), day); err != nil {
			t.Fatal(err)
		}
		assertIDs(t, mustSearch(t, reader, "storm", 5))
		if n, err := reader.Count(ctx); err != nil || n != 2 {
			t.Errorf("Count = %d, %v; want 2", n, err)
		}
	})
}

// A replica restarted with the index folder it had resumes from the last
// change it applied; an index folder that copied another database (one
// re-created under the same URL) starts over instead of mixing the two.
func TestPostgresIndexResumesOrStartsOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	where, indexDir := postgresBackend.newDB(t), t.TempDir()
	open := func(where string) *Store {
		t.Helper()
		s, err := OpenPostgres(ctx, where, indexDir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := doc("a", "Harbour reopens", "The harbour reopened."), doc("b", "Envoy visits Oman", "In Muscat.")
	s := open(where)
	if _, err := s.SyncDocuments(ctx, []corpus.Document{a}); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, mustSearch(t, s, "harbour", 5), "a")
	seenBefore := s.index.seen.Load()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Another replica writes while this one is down.
	other := postgresBackend.openAt(t, where)
	if _, err := other.SyncDocuments(ctx, []corpus.Document{a, b}); err != nil {
		t.Fatal(err)
	}

	s = open(where)
	if got := s.index.seen.Load(); got != seenBefore {
		t.Errorf("reopened index starts from change %d, want %d", got, seenBefore)
	}
	assertIDs(t, mustSearch(t, s, "harbour", 5), "a")
	assertIDs(t, mustSearch(t, s, "muscat", 5), "b")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A new database, the same index folder: nothing of the old one shows.
	fresh := postgresBackend.newDB(t)
	s = open(fresh)
	defer s.Close()
	assertIDs(t, mustSearch(t, s, "harbour", 5))
	if _, err := s.SyncDocuments(ctx, []corpus.Document{b}); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, mustSearch(t, s, "muscat", 5), "b")
	if hits := mustRecent(t, s, 10); len(hits) != 1 {
		t.Errorf("Recent = %v, want only b", ids(hits))
	}
}
