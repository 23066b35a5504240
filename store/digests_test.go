package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestSchedules(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, _ := be.openTest(t)
		ctx := context.Background()
		now := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
		for _, r := range []ScheduleRow{
			{ChannelID: "c2", GuildID: "g1", Times: "08:00", Zone: "Europe/Kyiv", Created: now},
			{ChannelID: "c1", GuildID: "g1", Times: "18:00", Zone: "UTC", Created: now},
			{ChannelID: "c3", GuildID: "g2", Times: "09:00", Zone: "Asia/Tokyo", Created: now},
		} {
			if err := s.PutSchedule(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PauseSchedule(ctx, "c2", "channel deleted"); err != nil {
			t.Fatal(err)
		}
		g1, err := s.Schedules(ctx, "g1")
		if err != nil || len(g1) != 2 || g1[0].ChannelID != "c1" || g1[1].Paused != "channel deleted" || !g1[1].Created.Equal(now) {
			t.Fatalf("g1 schedules = %+v, %v", g1, err)
		}
		// Setting a schedule again replaces it and makes it active.
		if err := s.PutSchedule(ctx, ScheduleRow{ChannelID: "c2", GuildID: "g1", Times: "07:00,19:00", Zone: "Europe/Kyiv", Created: now}); err != nil {
			t.Fatal(err)
		}
		all, _ := s.Schedules(ctx, "")
		if len(all) != 3 || all[1].Times != "07:00,19:00" || all[1].Paused != "" {
			t.Fatalf("all = %+v", all)
		}
		if ok, err := s.DeleteSchedule(ctx, "c3"); !ok || err != nil {
			t.Fatalf("delete = %v, %v", ok, err)
		}
		if ok, _ := s.DeleteSchedule(ctx, "c3"); ok {
			t.Fatal("deleted twice")
		}
	})
}

func TestEditionLifecycle(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, dir := be.openTest(t)
		ctx := context.Background()
		due := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
		e := EditionRow{Key: "c1/2026-11-28/08:00", ChannelID: "c1", DueAt: due, Parts: []EditionPart{
			{Index: 0, Nonce: "n0", Content: "part one"}, {Index: 1, Nonce: "n1", Content: "part two"},
		}}
		sent := []SentDoc{{"d1", "h1"}, {"d2", "h2"}}
		if ok, err := s.ClaimEdition(ctx, e, sent); !ok || err != nil {
			t.Fatalf("claim = %v, %v", ok, err)
		}
		if ok, err := s.ClaimEdition(ctx, e, nil); ok || err != nil {
			t.Fatalf("second claim = %v, %v", ok, err)
		}
		if st, _ := s.EditionStatus(ctx, e.Key); st != EditionClaimed {
			t.Fatalf("status %q", st)
		}
		if err := s.MarkPartPosted(ctx, e.Key, 0, "m0"); err != nil {
			t.Fatal(err)
		}
		// A crash now: a reopened store still knows what is left to post.
		s.Close()
		s2, err := be.open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		left, err := s2.UnfinishedEditions(ctx)
		if err != nil || len(left) != 1 || len(left[0].Parts) != 2 || left[0].Parts[0].MessageID != "m0" || left[0].Parts[1].Nonce != "n1" || !left[0].DueAt.Equal(due) ||
			time.Since(left[0].Updated) > time.Minute {
			t.Fatalf("unfinished = %+v, %v", left, err)
		}
		if err := s2.MarkPartPosted(ctx, e.Key, 1, "m1"); err != nil {
			t.Fatal(err)
		}
		if st, _ := s2.EditionStatus(ctx, e.Key); st != EditionPosted {
			t.Fatalf("status %q after every part", st)
		}
		if left, _ := s2.UnfinishedEditions(ctx); len(left) != 0 {
			t.Fatalf("still unfinished: %+v", left)
		}
		got, _ := s2.SentDocs(ctx, "c1")
		if len(got) != 2 || got["d2"] != "h2" {
			t.Fatalf("sent = %v", got)
		}
		if at, ok, _ := s2.LastEditionAt(ctx, "c1"); !ok || !at.Equal(due) {
			t.Fatalf("last edition at %v %v", at, ok)
		}
	})
}

func TestFailedEditionReleasesItsDocuments(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, _ := be.openTest(t)
		ctx := context.Background()
		due := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
		first := EditionRow{Key: "k1", ChannelID: "c1", DueAt: due, Parts: []EditionPart{{Index: 0, Nonce: "a", Content: "x"}}}
		if _, err := s.ClaimEdition(ctx, first, []SentDoc{{"d1", "h1"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkPartPosted(ctx, "k1", 0, "m"); err != nil {
			t.Fatal(err)
		}
		second := EditionRow{Key: "k2", ChannelID: "c1", DueAt: due.Add(time.Hour), Parts: []EditionPart{{Index: 0, Nonce: "b", Content: "y"}}}
		if _, err := s.ClaimEdition(ctx, second, []SentDoc{{"d2", "h2"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.FailEdition(ctx, "k2", "channel deleted"); err != nil {
			t.Fatal(err)
		}
		sent, _ := s.SentDocs(ctx, "c1")
		if len(sent) != 1 || sent["d1"] != "h1" {
			t.Fatalf("sent after failure = %v", sent)
		}
		if at, _, _ := s.LastEditionAt(ctx, "c1"); !at.Equal(due) {
			t.Fatalf("a failed edition moved the window: %v", at)
		}
		eds, _ := s.Editions(ctx, "c1", 10)
		if len(eds) != 2 || eds[0].Status != EditionFailed || eds[0].Reason != "channel deleted" {
			t.Fatalf("editions = %+v", eds)
		}
	})
}

func TestEmptyEditionIsPostedWhenClaimedAndMissedNeverOverwrites(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		s, _ := be.openTest(t)
		ctx := context.Background()
		due := time.Now().UTC()
		if ok, _ := s.ClaimEdition(ctx, EditionRow{Key: "k", ChannelID: "c", DueAt: due}, nil); !ok {
			t.Fatal("not claimed")
		}
		if err := s.RecordMissed(ctx, "k", "c", due); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.EditionStatus(ctx, "k"); st != EditionPosted {
			t.Fatalf("status %q", st)
		}
		if err := s.RecordMissed(ctx, "k2", "c", due); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.EditionStatus(ctx, "k2"); st != EditionMissed {
			t.Fatalf("status %q", st)
		}
	})
}

// Two processes racing for one edition: exactly one claim wins.
func TestOnlyOneClaimWins(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		a, dir := be.openTest(t)
		b, err := be.open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		e := EditionRow{Key: "race", ChannelID: "c", DueAt: time.Now(), Parts: []EditionPart{{Index: 0, Nonce: "n", Content: "x"}}}
		var wg sync.WaitGroup
		wins := make(chan bool, 20)
		for i := range 20 {
			st := a
			if i%2 == 1 {
				st = b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.ClaimEdition(context.Background(), e, nil)
				if err != nil {
					t.Error(err)
				}
				wins <- ok
			}()
		}
		wg.Wait()
		close(wins)
		n := 0
		for ok := range wins {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d claims won", n)
		}
	})
}
