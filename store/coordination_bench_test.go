package store

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCoordination measures what coordinating replicas costs per
// operation, on each backend: a named lease taken and released (a Brief
// generation, a feed poll), an edition lease renewed (before each digest
// message), and a token reservation made and released (every LLM call
// under a budget), alone and with 8 callers at once (they take turns on
// the day's lock row). The baseline, in the same run, is the plain usage
// write every LLM call already makes.
//
//	go test ./store/ -run '^$' -bench Coordination -benchtime 2s
func BenchmarkCoordination(b *testing.B) {
	for _, be := range []backend{sqliteBackend, postgresBackend} {
		b.Run(be.name, func(b *testing.B) {
			s, _ := be.openTest(b)
			ctx := context.Background()
			now := time.Now()
			day := now.UTC().Format(DayFormat)
			b.Run("baseline usage write", func(b *testing.B) {
				for b.Loop() {
					if err := s.AddUsage(ctx, day, "g", 1, 10, 10); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("lease take and release", func(b *testing.B) {
				for b.Loop() {
					if ok, err := s.TryLease(ctx, "brief:k", "r1", now, now.Add(time.Minute)); !ok || err != nil {
						b.Fatal(ok, err)
					}
					if err := s.ReleaseLease(ctx, "brief:k", "r1"); err != nil {
						b.Fatal(err)
					}
				}
			})
			e := EditionRow{Key: "bench", ChannelID: "c", DueAt: now, Owner: "r1", LeaseUntil: now.Add(time.Minute),
				Parts: []EditionPart{{Index: 0, Nonce: "n", Content: "x"}}}
			if _, err := s.ClaimEdition(ctx, e, nil); err != nil {
				b.Fatal(err)
			}
			b.Run("edition lease renewal", func(b *testing.B) {
				for b.Loop() {
					if ok, err := s.RenewEdition(ctx, "bench", "r1", now.Add(time.Minute)); !ok || err != nil {
						b.Fatal(ok, err)
					}
				}
			})
			fits := func(int, int, int, int) bool { return true }
			reserve := func(b *testing.B) {
				id, err := s.ReserveTokens(ctx, day, "g", 100, now, now.Add(time.Minute), fits)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.ReleaseTokens(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("token reservation and release", func(b *testing.B) {
				for b.Loop() {
					reserve(b)
				}
			})
			b.Run("token reservation and release, 8 at once", func(b *testing.B) {
				var n atomic.Int64
				b.SetParallelism(8) // 8 goroutines a core: 16 on 2 cores
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						reserve(b)
						n.Add(1)
					}
				})
				if n.Load() == 0 {
					b.Fatal("no reservation made")
				}
			})
		})
	}
}
