package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

func doc(id, title, body string) corpus.Document {
	return withHash(corpus.Document{
		ID:       id,
		Title:    title,
		Body:     body,
		Source:   "Example",
		URL:      "https://example.org/" + id,
		Language: "en",
		Tags:     []string{"a", "b"},
		Added:    time.Date(2025, 3, 1, 10, 0, 0, 123456789, time.UTC),
	})
}

func TestSyncDocumentsAddUpdateRemoveUnchanged(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)

		a, b, c := doc("a", "Alpha", "first"), doc("b", "Beta", "second"), doc("c", "Gamma", "third")
		st, err := s.SyncDocuments(ctx, []corpus.Document{a, b, c})
		if err != nil {
			t.Fatal(err)
		}
		if want := (SyncStats{Added: 3}); st != want {
			t.Errorf("first sync: %+v, want %+v", st, want)
		}

		st, err = s.SyncDocuments(ctx, []corpus.Document{a, b, c})
		if err != nil {
			t.Fatal(err)
		}
		if want := (SyncStats{Unchanged: 3}); st != want {
			t.Errorf("same docs again: %+v, want %+v", st, want)
		}

		b2 := doc("b", "Beta revised", "second, with a new paragraph about zeppelins")
		d := doc("d", "Delta", "fourth")
		st, err = s.SyncDocuments(ctx, []corpus.Document{a, b2, d})
		if err != nil {
			t.Fatal(err)
		}
		if want := (SyncStats{Added: 1, Updated: 1, Removed: 1, Unchanged: 1}); st != want {
			t.Errorf("mixed sync: %+v, want %+v", st, want)
		}

		if n, err := s.Count(ctx); err != nil || n != 3 {
			t.Errorf("Count = %d, %v; want 3", n, err)
		}
		got, err := s.Document(ctx, "b")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, b2) {
			t.Errorf("Document(b) = %+v\nwant %+v", got, b2)
		}
		if _, err := s.Document(ctx, "c"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Document(c) after removal: err = %v, want ErrNotFound", err)
		}

		// The index follows: the new body is found, the removed document is not.
		assertIDs(t, mustSearch(t, s, "zeppelins", 10), "b")
		assertIDs(t, mustSearch(t, s, "gamma", 10))
		assertIDs(t, mustSearch(t, s, "beta", 10), "b")
	})
}

func TestSyncDocumentsDuplicateIDLastWins(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		st, err := s.SyncDocuments(ctx, []corpus.Document{doc("x", "Old", "o"), doc("x", "New", "n")})
		if err != nil {
			t.Fatal(err)
		}
		if want := (SyncStats{Added: 1}); st != want {
			t.Errorf("stats %+v, want %+v", st, want)
		}
		got, err := s.Document(ctx, "x")
		if err != nil || got.Title != "New" {
			t.Errorf("Document(x) = %q, %v; want title New", got.Title, err)
		}
	})
}

func TestSyncDocumentsEmptyRemovesEverything(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		if _, err := s.SyncDocuments(ctx, fixture(t)); err != nil {
			t.Fatal(err)
		}
		st, err := s.SyncDocuments(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Removed != len(fixture(t)) {
			t.Errorf("removed %d, want %d", st.Removed, len(fixture(t)))
		}
		assertIDs(t, mustSearch(t, s, "kyiv", 10))
		// The external-content index must agree with its table (on
		// PostgreSQL, the process's SQLite copy).
		ix, err := s.searcher(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ix.write.ExecContext(ctx,
			`INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("documents_fts integrity: %v", err)
		}
		if _, err := ix.write.ExecContext(ctx,
			`INSERT INTO titles_fts (titles_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("titles_fts integrity: %v", err)
		}
	})
}

func TestSyncPersistsAcrossReopen(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		dir := be.newDB(t)
		docs := fixture(t)

		s, err := be.open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SyncDocuments(ctx, docs); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		s, err = be.open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// Rows written: SQLite counts them per connection; on PostgreSQL
		// every written document takes a change number.
		changes := func() int {
			var n int
			q := s.dialect.pick(`SELECT total_changes()`, `SELECT last_value FROM documents_changes`)
			if err := s.write.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := changes()
		st, err := s.SyncDocuments(ctx, docs)
		if err != nil {
			t.Fatal(err)
		}
		if want := (SyncStats{Unchanged: len(docs)}); st != want {
			t.Errorf("sync after reopen: %+v, want %+v", st, want)
		}
		if after := changes(); after != before {
			t.Errorf("sync after reopen changed %d rows, want 0", after-before)
		}
		for _, want := range docs {
			got, err := s.Document(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Published.Equal(want.Published) || !got.Added.Equal(want.Added) {
				t.Errorf("%s: times %v/%v, want %v/%v", want.ID, got.Published, got.Added, want.Published, want.Added)
			}
			got.Published, got.Added = want.Published, want.Added
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Document(%s) = %+v\nwant %+v", want.ID, got, want)
			}
		}
		assertIDs(t, mustSearch(t, s, "grain corridor", 1), "ua-grain-corridor")
	})
}

func TestDocumentNotFound(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, _ := be.openTest(t)
		_, err := s.Document(context.Background(), "nope")
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestAddedSince(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
		if _, err := s.SyncDocuments(ctx, fixture(t)); err != nil {
			t.Fatal(err)
		}
		docs, err := s.AddedSince(ctx, mustTime("2025-03-01T10:00:00Z"), 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range docs {
			ids = append(ids, d.ID)
		}
		want := []string{"kyiv-energy-grid", "Taiwan-Strait", "ua-grain-corridor", "oil-price-cap"}
		if !reflect.DeepEqual(ids, want) {
			t.Errorf("AddedSince = %v, want %v", ids, want)
		}
		if docs[0].Body == "" {
			t.Error("AddedSince should return whole documents")
		}
		docs, err = s.AddedSince(ctx, mustTime("2025-03-01T10:00:00Z"), 2)
		if err != nil || len(docs) != 2 {
			t.Errorf("limit 2: %d docs, %v", len(docs), err)
		}
		docs, err = s.AddedSince(ctx, time.Time{}, 0)
		if err != nil || len(docs) != len(fixture(t)) {
			t.Errorf("since zero, no limit: %d docs, %v", len(docs), err)
		}
	})
}
