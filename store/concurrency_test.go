package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/geobrief/geobrief/corpus"
)

// TestConcurrentReadsAndWrites runs syncs, brief and usage writes and every
// kind of read at once; run it with -race.
func TestConcurrentReadsAndWrites(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s := fixtureStore(t, be)
		base := fixture(t)

		const rounds = 20
		var wg sync.WaitGroup
		errs := make(chan error, 1000)
		run := func(f func(i int) error) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < rounds; i++ {
					if err := f(i); err != nil {
						errs <- err
						return
					}
				}
			}()
		}

		run(func(i int) error { // the corpus changes under the readers
			docs := append([]corpus.Document(nil), base...)
			docs = append(docs, doc(fmt.Sprintf("extra-%d", i), "Extra summit in Kyiv", "body"))
			_, err := s.SyncDocuments(ctx, docs)
			return err
		})
		for w := 0; w < 2; w++ {
			run(func(i int) error {
				if err := s.AddUsage(ctx, "2025-03-01", fmt.Sprintf("g%d", w), 1, 10, 1); err != nil {
					return err
				}
				return s.PutBrief(ctx, fmt.Sprintf("k%d-%d", w, i), "ua-grain-corridor", []byte("x"))
			})
		}
		for r := 0; r < 4; r++ {
			run(func(i int) error {
				if _, err := s.Search(ctx, "kyiv summit", 10); err != nil {
					return err
				}
				if _, err := s.Autocomplete(ctx, "ky", 25); err != nil {
					return err
				}
				if _, err := s.Recent(ctx, 10); err != nil {
					return err
				}
				if _, err := s.Document(ctx, "ua-grain-corridor"); err != nil {
					return err
				}
				if _, err := s.TokensUsedAll(ctx, "2025-03-01"); err != nil {
					return err
				}
				_, err := s.Count(ctx)
				return err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}

		if n, err := s.TokensUsedAll(ctx, "2025-03-01"); err != nil || n != 2*rounds*11 {
			t.Errorf("TokensUsedAll = %d, %v; want %d", n, err, 2*rounds*11)
		}
		if n, err := s.Count(ctx); err != nil || n != len(base)+1 {
			t.Errorf("Count = %d, %v; want %d", n, err, len(base)+1)
		}
	})
}

// TestTwoStoresOnOneDatabase checks that two Stores (say, the bot and a
// command-line tool) can write to the same file at once.
func TestTwoStoresOnOneDatabase(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		a, dir := be.openTest(t)
		b, err := be.open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()

		var wg sync.WaitGroup
		for _, s := range []*Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					if err := s.AddUsage(ctx, "2025-03-01", "", 1, 1, 0); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if n, err := a.TokensUsed(ctx, "2025-03-01", ""); err != nil || n != 100 {
			t.Errorf("TokensUsed = %d, %v; want 100", n, err)
		}
	})
}

// Replicas starting together sync the same seed documents at once: each
// document is added once, the other syncs find it unchanged, and every
// replica's search finds it.
func TestConcurrentSeedSyncs(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		first, where := be.openTest(t)
		stores := []*Store{first, be.openAt(t, where), be.openAt(t, where)}
		docs := fixture(t)
		stats := make([]SyncStats, len(stores))
		errs := make([]error, len(stores))
		var wg sync.WaitGroup
		for i, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stats[i], errs[i] = s.SyncDocuments(ctx, docs)
			}()
		}
		wg.Wait()
		added := 0
		for i := range stores {
			if errs[i] != nil {
				t.Fatalf("store %d: %v", i, errs[i])
			}
			added += stats[i].Added
			if stats[i].Updated != 0 || stats[i].Removed != 0 || stats[i].Added+stats[i].Unchanged != len(docs) {
				t.Errorf("store %d: %+v", i, stats[i])
			}
		}
		if added != len(docs) {
			t.Errorf("%d documents added in all, want %d (each once)", added, len(docs))
		}
		for i, s := range stores {
			if hits := mustSearch(t, s, "grain corridor", 1); len(hits) != 1 || hits[0].ID != "ua-grain-corridor" {
				t.Errorf("store %d: Search = %v", i, ids(hits))
			}
		}
	})
}
