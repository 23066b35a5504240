package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/store"
)

func TestDefaultScheduleFromEnvironment(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	load := func(env map[string]string) config.Config {
		t.Helper()
		cfg, err := config.Load(config.MapLookup(env))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}

	// No channel: nothing to do.
	if err := ensureDefaultSchedule(ctx, load(nil), st); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DIGEST_CHANNEL_ID": "555", "DIGEST_TIMES": "18:00,08:00", "DIGEST_TIMEZONE": "Europe/Kyiv", "DISCORD_GUILD_ID": "700000000000000001"}
	if err := ensureDefaultSchedule(ctx, load(env), st); err != nil {
		t.Fatal(err)
	}
	rows, _ := st.Schedules(ctx, "700000000000000001")
	if len(rows) != 1 || rows[0].Times != "08:00,18:00" || rows[0].Zone != "Europe/Kyiv" {
		t.Fatalf("schedules = %+v", rows)
	}
	created := rows[0].Created

	// A restart with the same settings leaves the schedule as it was.
	time.Sleep(2 * time.Millisecond)
	if err := ensureDefaultSchedule(ctx, load(env), st); err != nil {
		t.Fatal(err)
	}
	if rows, _ := st.Schedules(ctx, "700000000000000001"); !rows[0].Created.Equal(created) {
		t.Fatal("an unchanged schedule was saved again")
	}

	// Changed times replace it.
	env["DIGEST_TIMES"] = "07:30"
	if err := ensureDefaultSchedule(ctx, load(env), st); err != nil {
		t.Fatal(err)
	}
	if rows, _ := st.Schedules(ctx, "700000000000000001"); len(rows) != 1 || rows[0].Times != "07:30" {
		t.Fatalf("schedules = %+v", rows)
	}

	// Removed from the environment: removed from the store too.
	noDefault := map[string]string{"DISCORD_GUILD_ID": "700000000000000001"}
	if err := ensureDefaultSchedule(ctx, load(noDefault), st); err != nil {
		t.Fatal(err)
	}
	if rows, _ := st.Schedules(ctx, ""); len(rows) != 0 {
		t.Fatalf("the default schedule outlived its setting: %+v", rows)
	}

	// Moved to another channel: the old channel's schedule goes.
	if err := ensureDefaultSchedule(ctx, load(env), st); err != nil {
		t.Fatal(err)
	}
	env["DIGEST_CHANNEL_ID"] = "556"
	if err := ensureDefaultSchedule(ctx, load(env), st); err != nil {
		t.Fatal(err)
	}
	if rows, _ := st.Schedules(ctx, ""); len(rows) != 1 || rows[0].ChannelID != "556" {
		t.Fatalf("schedules = %+v", rows)
	}

	// Replaced by /digest-schedule set since: no longer the environment's,
	// so it stays when the setting goes.
	rows, _ = st.Schedules(ctx, "")
	replaced := rows[0]
	replaced.Times, replaced.Created = "12:00", replaced.Created.Add(time.Second)
	if err := st.PutSchedule(ctx, replaced); err != nil {
		t.Fatal(err)
	}
	if err := ensureDefaultSchedule(ctx, load(noDefault), st); err != nil {
		t.Fatal(err)
	}
	if rows, _ := st.Schedules(ctx, ""); len(rows) != 1 || rows[0].Times != "12:00" {
		t.Fatalf("a schedule set by command was removed: %+v", rows)
	}

	// Bad times fail at start, naming the variable.
	env["DIGEST_TIMES"] = "noon"
	err = ensureDefaultSchedule(ctx, load(env), st)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "DIGEST_TIMES") {
		t.Fatalf("err = %v", err)
	}
}

func TestBotNeedsAToken(t *testing.T) {
	_, errOut, code := runCLI(t, map[string]string{}, "bot")
	if code != 2 || !strings.Contains(errOut, "DISCORD_TOKEN") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

type countedFeeds struct {
	n   int
	err error
}

func (c countedFeeds) Feeds(context.Context) ([]app.FeedInfo, error) {
	return make([]app.FeedInfo, c.n), c.err
}

// /help's "where the documents come from" names live news and how many
// feeds when there are some, and only the seeds otherwise.
func TestSourcesTextFollowsTheFeeds(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(config.MapLookup(map[string]string{"DOCS_MAX_AGE": "7d"}))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	none := liveSourcesText(context.Background(), cfg, countedFeeds{}, log)
	if strings.Contains(none, "Live news") || !strings.Contains(none, "built-in documents") {
		t.Errorf("no feeds: %q", none)
	}
	three := liveSourcesText(context.Background(), cfg, countedFeeds{n: 3}, log)
	if !strings.HasPrefix(three, "Live news from 3 feeds") || !strings.Contains(three, "7 days") || !strings.Contains(three, "built-in documents") {
		t.Errorf("three feeds: %q", three)
	}
	if one := feedsSourcesText(cfg, 1); !strings.HasPrefix(one, "Live news from 1 feed ") {
		t.Errorf("one feed: %q", one)
	}
	if failed := liveSourcesText(context.Background(), cfg, countedFeeds{err: errors.New("disk gone")}, log); failed != none {
		t.Errorf("a failed count: %q", failed)
	}
}
