package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLeaseIsHeldByOneOwnerUntilItRunsOut(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, _ := be.openTest(t)
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
		try := func(owner string, at time.Time) bool {
			t.Helper()
			ok, err := s.TryLease(ctx, "feed:x", owner, at, at.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !try("a", now) {
			t.Fatal("a free lease was refused")
		}
		if try("b", now.Add(59*time.Second)) {
			t.Fatal("b took a's running lease")
		}
		if !try("a", now.Add(30*time.Second)) { // renewal: now until 12:01:30
			t.Fatal("a could not renew its own lease")
		}
		if try("b", now.Add(70*time.Second)) {
			t.Fatal("b took a's renewed lease")
		}
		if !try("b", now.Add(90*time.Second)) {
			t.Fatal("b could not take a lease that ran out")
		}
		if owner, until, ok, err := s.Lease(ctx, "feed:x"); err != nil || !ok || owner != "b" || !until.Equal(now.Add(150*time.Second)) {
			t.Fatalf("lease = %s until %v, %v, %v", owner, until, ok, err)
		}
		// Releasing someone else's lease does nothing; releasing one's own
		// frees it at once.
		if err := s.ReleaseLease(ctx, "feed:x", "a"); err != nil {
			t.Fatal(err)
		}
		if try("c", now.Add(91*time.Second)) {
			t.Fatal("a released b's lease")
		}
		if err := s.ReleaseLease(ctx, "feed:x", "b"); err != nil {
			t.Fatal(err)
		}
		if _, _, ok, _ := s.Lease(ctx, "feed:x"); ok {
			t.Fatal("a released lease is still there")
		}
		if !try("c", now.Add(91*time.Second)) {
			t.Fatal("a released lease could not be taken")
		}
	})
}

// Replicas (here two stores on one database) racing for one lease: one
// wins each round.
func TestLeaseRaceHasOneWinner(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		a, dir := be.openTest(t)
		b, err := be.open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
		for round := range 5 {
			at := now.Add(time.Duration(round) * time.Hour) // each round's lease has run out
			var wins atomic.Int32
			var wg sync.WaitGroup
			for i := range 8 {
				st := a
				if i%2 == 1 {
					st = b
				}
				wg.Go(func() {
					ok, err := st.TryLease(context.Background(), "brief:k", fmt.Sprintf("r%d", i), at, at.Add(time.Minute))
					if err != nil {
						t.Error(err)
					}
					if ok {
						wins.Add(1)
					}
				})
			}
			wg.Wait()
			if n := wins.Load(); n != 1 {
				t.Fatalf("round %d: %d owners took the lease", round, n)
			}
		}
	})
}

func TestEditionTakeOverOnlyAfterTheLease(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, _ := be.openTest(t)
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
		e := EditionRow{Key: "c/2026-12-02/08:00", ChannelID: "c", DueAt: now, Updated: now, Owner: "a", LeaseUntil: now.Add(time.Minute),
			Parts: []EditionPart{{Index: 0, Nonce: "n0", Content: "one"}, {Index: 1, Nonce: "n1", Content: "two"}}}
		if ok, err := s.ClaimEdition(ctx, e, nil); !ok || err != nil {
			t.Fatalf("claim = %v, %v", ok, err)
		}
		left, err := s.UnfinishedEditions(ctx)
		if err != nil || len(left) != 1 || left[0].Owner != "a" || !left[0].LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Fatalf("unfinished = %+v, %v", left, err)
		}
		if _, ok, err := s.TakeOverEdition(ctx, e.Key, "b", now.Add(59*time.Second), now.Add(2*time.Minute)); ok || err != nil {
			t.Fatalf("b took over a running lease: %v, %v", ok, err)
		}
		if ok, err := s.RenewEdition(ctx, e.Key, "a", now.Add(90*time.Second)); !ok || err != nil {
			t.Fatalf("renew = %v, %v", ok, err)
		}
		if _, ok, _ := s.TakeOverEdition(ctx, e.Key, "b", now.Add(80*time.Second), now.Add(3*time.Minute)); ok {
			t.Fatal("b took over a renewed lease")
		}
		if err := s.MarkPartPosted(ctx, e.Key, 0, "m0"); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.TakeOverEdition(ctx, e.Key, "b", now.Add(91*time.Second), now.Add(3*time.Minute))
		if !ok || err != nil {
			t.Fatalf("b could not take over a lease that ran out: %v, %v", ok, err)
		}
		if got.Owner != "b" || len(got.Parts) != 2 || got.Parts[0].MessageID != "m0" || got.Parts[1].Nonce != "n1" || !got.Updated.Equal(now) {
			t.Fatalf("taken over = %+v", got)
		}
		if ok, _ := s.RenewEdition(ctx, e.Key, "a", now.Add(5*time.Minute)); ok {
			t.Fatal("a renewed a lease b took over")
		}
		if err := s.MarkPartPosted(ctx, e.Key, 1, "m1"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.TakeOverEdition(ctx, e.Key, "c", now.Add(time.Hour), now.Add(2*time.Hour)); ok {
			t.Fatal("a posted edition was taken over")
		}
	})
}
