package store

import (
	"context"
	"reflect"
	"testing"
)

func TestUsage(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)

		add := func(day, guild string, calls, prompt, completion int) {
			t.Helper()
			if err := s.AddUsage(ctx, day, guild, calls, prompt, completion); err != nil {
				t.Fatal(err)
			}
		}
		add("2025-03-01", "g1", 1, 100, 20)
		add("2025-03-01", "g1", 2, 50, 5)
		add("2025-03-01", "g2", 1, 10, 1)
		add("2025-03-01", "", 1, 1000, 200)
		add("2025-03-02", "g1", 1, 7, 3)
		add("2025-02-28", "g2", 4, 40, 4)

		tokens := func(day, guild string) int {
			t.Helper()
			n, err := s.TokensUsed(ctx, day, guild)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if got := tokens("2025-03-01", "g1"); got != 175 {
			t.Errorf("g1 on 03-01: %d, want 175", got)
		}
		if got := tokens("2025-03-01", ""); got != 1200 {
			t.Errorf("command line on 03-01: %d, want 1200", got)
		}
		if got := tokens("2025-03-03", "g1"); got != 0 {
			t.Errorf("a day without usage: %d, want 0", got)
		}
		all, err := s.TokensUsedAll(ctx, "2025-03-01")
		if err != nil || all != 175+11+1200 {
			t.Errorf("TokensUsedAll = %d, %v; want %d", all, err, 175+11+1200)
		}

		rows, err := s.Usage(ctx, "2025-03-01")
		if err != nil {
			t.Fatal(err)
		}
		want := []UsageRow{
			{Day: "2025-03-01", Guild: "", Calls: 1, PromptTokens: 1000, CompletionTokens: 200},
			{Day: "2025-03-01", Guild: "g1", Calls: 3, PromptTokens: 150, CompletionTokens: 25},
			{Day: "2025-03-01", Guild: "g2", Calls: 1, PromptTokens: 10, CompletionTokens: 1},
			{Day: "2025-03-02", Guild: "g1", Calls: 1, PromptTokens: 7, CompletionTokens: 3},
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("Usage = %+v\nwant %+v", rows, want)
		}
		if rows, err := s.Usage(ctx, ""); err != nil || len(rows) != 5 {
			t.Errorf("Usage(\"\") = %d rows, %v; want 5", len(rows), err)
		}

		if err := s.AddUsage(ctx, "03/01/2025", "g1", 1, 1, 1); err == nil {
			t.Error("AddUsage with a malformed day: want an error")
		}
	})
}
