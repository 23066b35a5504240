package store

import (
	"context"
	"testing"
	"time"
)

// Reservations count beside usage until released or expired; the store
// reports both to the check, and records nothing the check refuses.
func TestTokenReservationsCountUntilReleasedOrExpired(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, _ := be.openTest(t)
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
		day := now.Format(DayFormat)
		if err := s.AddUsage(ctx, day, "g1", 1, 70, 30); err != nil {
			t.Fatal(err)
		}
		type totals struct{ usedAll, resAll, usedGuild, resGuild int }
		reserve := func(guild string, tokens int, at time.Time, accept bool) (string, totals) {
			t.Helper()
			var got totals
			id, err := s.ReserveTokens(ctx, day, guild, tokens, at, at.Add(10*time.Minute), func(ua, ra, ug, rg int) bool {
				got = totals{ua, ra, ug, rg}
				return accept
			})
			if err != nil {
				t.Fatal(err)
			}
			if (id != "") != accept {
				t.Fatalf("reservation id %q with accept %v", id, accept)
			}
			return id, got
		}
		first, _ := reserve("g1", 200, now, true)
		reserve("g2", 50, now.Add(time.Minute), true) // a replica that dies and never releases
		if _, got := reserve("g1", 999, now.Add(2*time.Minute), false); got != (totals{100, 250, 100, 200}) {
			t.Fatalf("totals = %+v", got)
		}
		if err := s.ReleaseTokens(ctx, first); err != nil {
			t.Fatal(err)
		}
		if _, got := reserve("g1", 1, now.Add(3*time.Minute), false); got != (totals{100, 50, 100, 0}) {
			t.Fatalf("after release: %+v", got)
		}
		// Ten minutes after it was made, the dead replica's reservation no
		// longer counts.
		if _, got := reserve("g2", 1, now.Add(11*time.Minute), false); got != (totals{100, 0, 0, 0}) {
			t.Fatalf("after expiry: %+v", got)
		}
		// Another day starts empty.
		var got totals
		if _, err := s.ReserveTokens(ctx, "2026-12-03", "g1", 1, now, now.Add(time.Minute), func(ua, ra, ug, rg int) bool {
			got = totals{ua, ra, ug, rg}
			return false
		}); err != nil || got != (totals{}) {
			t.Fatalf("next day: %+v, %v", got, err)
		}
		if _, err := s.ReserveTokens(ctx, "yesterday", "g1", 1, now, now, func(int, int, int, int) bool { return true }); err == nil {
			t.Fatal("a bad day was accepted")
		}
	})
}
