package seeds_test

import (
	"context"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/seeds"
	"github.com/geobrief/geobrief/store"
)

// TestSearchDefaultCorpus ranks the embedded documents as the command line
// does: each story is found first by the words a reader would use, whatever
// their case, accents or number.
func TestSearchDefaultCorpus(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	docs, warnings := corpus.Load(seeds.FS)
	if len(warnings) > 0 {
		t.Fatalf("warnings: %v", warnings)
	}
	if _, err := s.SyncDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ query, first string }{
		{"prisoner exchange", "2025-04-11-karelina-petrov-prisoner-exchange"},
		{"PRISONERS", "2025-04-11-karelina-petrov-prisoner-exchange"},
		{"Iran nuclear talks in Oman", "2025-04-11-witkoff-iran-nuclear-talks-oman"},
		{"navy", "2025-04-11-putin-navy-meeting-st-petersburg"},
		{"embassies, Istanbul!", "2025-04-11-istanbul-talks-diplomatic-missions"},
		{"sanctions on Russian oil", "2025-04-11-ceasefire-stalls-oil-sanctions-threat"},
		{"Witkoff Putín", "2025-04-11-witkoff-putin-st-petersburg"},
		// Questions as readers ask them: the question words do not count,
		// the name they give does.
		{"what did Peskov say", "2025-04-11-kremlin-peskov-low-expectations"},
		{"What did Peskov say about Witkoff's visit?", "2025-04-11-kremlin-peskov-low-expectations"},
		{"who did Russia free in the exchange for Arthur Petrov?", "2025-04-11-karelina-petrov-prisoner-exchange"},
		{"where will Witkoff meet the Iranians?", "2025-04-11-witkoff-iran-nuclear-talks-oman"},
		{"what did Putin discuss about the navy?", "2025-04-11-putin-navy-meeting-st-petersburg"},
		{"what deals is Moscow floating in the Arctic?", "2025-04-11-witkoff-role-dmitriev-investment"},
		// The exact ID wins over documents whose text matches its words better.
		{"2025-04-11-kremlin-peskov-low-expectations", "2025-04-11-kremlin-peskov-low-expectations"},
	} {
		hits, err := s.Search(ctx, tc.query, 5)
		if err != nil {
			t.Fatalf("Search(%q): %v", tc.query, err)
		}
		if len(hits) == 0 || hits[0].ID != tc.first {
			var got []string
			for _, h := range hits {
				got = append(got, h.ID)
			}
			t.Errorf("Search(%q) = %v, want %s first", tc.query, got, tc.first)
		}
	}

	hits, err := s.Search(ctx, "", 25)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != len(docs) {
		t.Errorf("empty query: %d documents, want all %d", len(hits), len(docs))
	}
	hits, err = s.Autocomplete(ctx, "witk", 25)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 4 {
		t.Errorf("Autocomplete(witk) = %d hits, want the four Witkoff titles", len(hits))
	}
}
