package store

import (
	"context"
	"fmt"
	"sync"
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
	// Only b was written while it was down: a is not copied again.
	if got := s.index.copied.Load(); got != 1 {
		t.Errorf("reopened index copied %d rows, want 1 (b)", got)
	}
	if got := s.index.seen.Load(); got <= seenBefore {
		t.Errorf("reopened index at change %d, want past %d", got, seenBefore)
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

// Documents written by several replicas at once while another searches
// all reach that replica's index: a catch-up never skips a change that
// commits after a higher-numbered one (see lockDocuments).
func TestIndexMissesNoConcurrentWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reader, where := postgresBackend.openTest(t)
	writers := []*Store{postgresBackend.openAt(t, where), postgresBackend.openAt(t, where)}
	day := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const perWriter = 25
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w, s := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				id := fmt.Sprintf("w%d-%02d", w, i)
				d := withHash(corpus.Document{ID: id, Title: "Harbour report " + id, Body: "Ships in harbour.", Added: day})
				if err := s.SaveWebDocument(ctx, WebDocument{Doc: d, Key: "guid:" + id}, day); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	// Catch up again and again while the writers write.
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		if _, err := reader.Search(ctx, "harbour", 1); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := reader.searcher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ix.Count(ctx); err != nil || n != len(writers)*perWriter {
		t.Errorf("the index holds %d documents, %v; want %d", n, err, len(writers)*perWriter)
	}
}

// The log of deleted documents is trimmed by the prunes of a week later
// on; a replica whose index is older than what the log still holds
// rebuilds it rather than keep a document deleted meanwhile.
func TestPostgresDeletionLogIsTrimmed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	where, indexDir := postgresBackend.newDB(t), t.TempDir()
	x, y := doc("x", "Harbour reopens", "The harbour reopened."), doc("y", "Envoy visits Oman", "In Muscat.")
	s, err := OpenPostgres(ctx, where, indexDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SyncDocuments(ctx, []corpus.Document{x, y}); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, mustSearch(t, s, "muscat", 5), "y")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// While that replica is down, y is deleted and the log trimmed.
	other := postgresBackend.openAt(t, where)
	if _, err := other.SyncDocuments(ctx, []corpus.Document{x}); err != nil {
		t.Fatal(err)
	}
	logged := func() int {
		t.Helper()
		var n int
		if err := other.read.QueryRowContext(ctx, `SELECT count(*) FROM documents_deleted`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, now := range []time.Time{t0, t0.Add(deletionsKept - time.Minute)} {
		if _, err := other.PruneWebDocuments(ctx, time.Time{}, now); err != nil {
			t.Fatal(err)
		}
		if n := logged(); n != 1 {
			t.Fatalf("at %v: %d deletions logged, want y's kept", now, n)
		}
	}
	if _, err := other.PruneWebDocuments(ctx, time.Time{}, t0.Add(deletionsKept)); err != nil {
		t.Fatal(err)
	}
	if n := logged(); n != 0 {
		t.Fatalf("a week after the mark: %d deletions logged, want 0", n)
	}

	s, err = OpenPostgres(ctx, where, indexDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	assertIDs(t, mustSearch(t, s, "muscat", 5))
	assertIDs(t, mustSearch(t, s, "harbour", 5), "x")
	if got := s.index.copied.Load(); got != 1 {
		t.Errorf("the rebuilt index copied %d rows, want 1 (x)", got)
	}
}
