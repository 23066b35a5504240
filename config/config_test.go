package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreOffline(t *testing.T) {
	c, err := Load(MapLookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LLM.Enabled() {
		t.Fatalf("no variables set, yet LLM enabled: %+v", c.LLM)
	}
	if c.DataDir != "./data" || c.LLM.Timeout != 60*time.Second || c.LLM.MaxConcurrency != 4 || c.LLM.JSONMode != "auto" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestKeyAloneMeansOpenAI(t *testing.T) {
	c, err := Load(MapLookup(map[string]string{"OPENAI_API_KEY": "sk-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.LLM.Enabled() || c.LLM.BaseURL != openAIURL {
		t.Fatalf("want OpenAI base URL, got %q", c.LLM.BaseURL)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	_, err := Load(MapLookup(map[string]string{
		"LLM_TIMEOUT":         "soon",
		"LLM_MAX_CONCURRENCY": "0",
		"LLM_JSON_MODE":       "yaml",
		"OPENAI_BASE_URL":     "localhost:11434",
		"DIGEST_TIMEZONE":     "Mars/Olympus",
		"DIGEST_SKIP_EMPTY":   "maybe",
		"DIGEST_CATCHUP":      "0s",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"LLM_TIMEOUT", "LLM_MAX_CONCURRENCY", "LLM_JSON_MODE", "OPENAI_BASE_URL", "DIGEST_TIMEZONE", "DIGEST_SKIP_EMPTY", "DIGEST_CATCHUP"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestBareSecondsAndTrailingSlash(t *testing.T) {
	c, err := Load(MapLookup(map[string]string{"LLM_TIMEOUT": "30", "OPENAI_BASE_URL": "http://127.0.0.1:8081/v1/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LLM.Timeout != 30*time.Second || c.LLM.BaseURL != "http://127.0.0.1:8081/v1" {
		t.Fatalf("got %v %q", c.LLM.Timeout, c.LLM.BaseURL)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	c, err := Load(MapLookup(map[string]string{"OPENAI_API_KEY": "sk-very-secret", "DISCORD_TOKEN": "tok-very-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(c.Redacted(), "\n")
	if strings.Contains(all, "very-secret") {
		t.Fatalf("secret leaked:\n%s", all)
	}
	if !strings.Contains(all, "OPENAI_API_KEY=(set, redacted)") {
		t.Fatalf("key state missing:\n%s", all)
	}
}

// Every setting is checked at start and every problem is listed, each once,
// naming its variable; the message is one line.
func TestEveryProblemIsListed(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	timesCheck := Check{Key: "DIGEST_TIMES", Valid: func(v string) error {
		if v != "08:00" {
			return errors.New("not a time of day")
		}
		return nil
	}}
	_, err := Load(MapLookup(map[string]string{
		"DIGEST_TIMES":      "25:99",
		"DIGEST_CHANNEL_ID": "xyz",
		"DISCORD_GUILD_ID":  "abc",
		"METRICS_ADDR":      "localhost",
		"SEEDS_DIR":         file,
		"DISCORD_API_URL":   "discord.com",
		"LOG_LEVEL":         "loud",
	}), timesCheck)
	var cerr *Error
	if !errors.As(err, &cerr) {
		t.Fatalf("err = %v, want *Error", err)
	}
	want := []string{"DIGEST_TIMES", "DIGEST_CHANNEL_ID", "DISCORD_GUILD_ID", "METRICS_ADDR", "SEEDS_DIR", "DISCORD_API_URL", "LOG_LEVEL"}
	got := map[string]Problem{}
	for _, p := range cerr.Problems {
		if _, dup := got[p.Key]; dup {
			t.Errorf("%s listed twice", p.Key)
		}
		got[p.Key] = p
	}
	for _, k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("no problem for %s in %v", k, cerr.Problems)
		}
	}
	if len(cerr.Problems) != len(want) {
		t.Errorf("problems = %v", cerr.Problems)
	}
	if why := got["DISCORD_API_URL"].Why; strings.Contains(why, "11434") || !strings.Contains(why, "fakediscord") {
		t.Errorf("DISCORD_API_URL hint is not about Discord: %q", why)
	}
	if why := got["SEEDS_DIR"].Why; why != "not a folder" {
		t.Errorf("SEEDS_DIR: %q", why)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("not one line: %q", err)
	}

	_, err = Load(MapLookup(map[string]string{"SEEDS_DIR": filepath.Join(t.TempDir(), "missing")}))
	if err == nil || !strings.Contains(err.Error(), `SEEDS_DIR=`) || !strings.Contains(err.Error(), "no such folder") {
		t.Errorf("missing SEEDS_DIR: %v", err)
	}
}

func TestDefaultScheduleNeedsChannelAndTimes(t *testing.T) {
	t.Parallel()
	for _, env := range []map[string]string{
		{"DIGEST_CHANNEL_ID": "700000000000000002"},
		{"DIGEST_TIMES": "08:00"},
	} {
		if _, err := Load(MapLookup(env)); err == nil {
			t.Errorf("%v: accepted", env)
		}
	}
	c, err := Load(MapLookup(map[string]string{"DIGEST_CHANNEL_ID": "700000000000000002", "DIGEST_TIMES": "08:00", "DISCORD_GUILD_ID": "700000000000000001", "METRICS_ADDR": ":9090"}))
	if err != nil || c.Digest.ChannelID != "700000000000000002" || c.Discord.GuildID != "700000000000000001" || c.MetricsAddr != ":9090" {
		t.Fatalf("valid settings: %+v, %v", c, err)
	}
	if c.LogLevel != "" {
		t.Errorf("LOG_LEVEL unset reads %q; the command picks its own", c.LogLevel)
	}
}

func TestSummaryTimeout(t *testing.T) {
	t.Parallel()
	c, err := Load(MapLookup(nil))
	if err != nil || c.LLM.SummaryTimeout != 30*time.Second {
		t.Fatalf("default SummaryTimeout = %v, %v; want 30s", c.LLM.SummaryTimeout, err)
	}
	c, err = Load(MapLookup(map[string]string{"SUMMARY_TIMEOUT": "45"}))
	if err != nil || c.LLM.SummaryTimeout != 45*time.Second {
		t.Fatalf("SUMMARY_TIMEOUT=45: %v, %v", c.LLM.SummaryTimeout, err)
	}
	if !strings.Contains(strings.Join(c.Redacted(), "\n"), "SUMMARY_TIMEOUT=45s") {
		t.Errorf("geobrief check does not show SUMMARY_TIMEOUT:\n%s", strings.Join(c.Redacted(), "\n"))
	}
	for _, bad := range []string{"soon", "500ms", "-5s"} {
		if _, err := Load(MapLookup(map[string]string{"SUMMARY_TIMEOUT": bad})); err == nil || !strings.Contains(err.Error(), "SUMMARY_TIMEOUT") {
			t.Errorf("SUMMARY_TIMEOUT=%s: err = %v, want one naming the variable", bad, err)
		}
	}
}

// The live news settings have their defaults, read ages in days, and each
// bad value is one problem naming its variable.
func TestFeedsSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(MapLookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Feeds{PollInterval: 15 * time.Minute, FetchTimeout: 15 * time.Second, FetchConcurrency: 8, MaxAge: 30 * 24 * time.Hour}
	if c.Feeds != want || c.Discord.AdminUserIDs != nil {
		t.Fatalf("defaults: %+v, admins %v", c.Feeds, c.Discord.AdminUserIDs)
	}

	opml := filepath.Join(t.TempDir(), "feeds.opml")
	if err := os.WriteFile(opml, []byte("<opml/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load(MapLookup(map[string]string{
		"FEEDS_POLL_INTERVAL":    "5m",
		"FEEDS_OPML":             opml,
		"FETCH_TIMEOUT":          "20",
		"FETCH_ALLOW_PRIVATE":    "true",
		"DOCS_MAX_AGE":           "7d",
		"DISCORD_ADMIN_USER_IDS": " 800000000000000001, 800000000000000002 ,",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want = Feeds{PollInterval: 5 * time.Minute, OPML: opml, FetchTimeout: 20 * time.Second, AllowPrivate: true, FetchConcurrency: 8, MaxAge: 7 * 24 * time.Hour}
	if c.Feeds != want || strings.Join(c.Discord.AdminUserIDs, ",") != "800000000000000001,800000000000000002" {
		t.Fatalf("set: %+v, admins %v", c.Feeds, c.Discord.AdminUserIDs)
	}
	if c, err := Load(MapLookup(map[string]string{"DOCS_MAX_AGE": "0"})); err != nil || c.Feeds.MaxAge != 0 {
		t.Fatalf("0 keeps forever: %v %v", c.Feeds.MaxAge, err)
	}

	_, err = Load(MapLookup(map[string]string{
		"FEEDS_POLL_INTERVAL":    "10s",
		"FEEDS_OPML":             filepath.Join(t.TempDir(), "missing.opml"),
		"FETCH_TIMEOUT":          "soon",
		"FETCH_ALLOW_PRIVATE":    "perhaps",
		"FETCH_CONCURRENCY":      "0",
		"DOCS_MAX_AGE":           "a month",
		"DISCORD_ADMIN_USER_IDS": "800000000000000001,alice,@bob",
	}))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *Error, got %v", err)
	}
	seen := map[string]int{}
	for _, p := range ce.Problems {
		seen[p.Key]++
	}
	for _, k := range []string{"FEEDS_POLL_INTERVAL", "FEEDS_OPML", "FETCH_TIMEOUT", "FETCH_ALLOW_PRIVATE", "FETCH_CONCURRENCY", "DOCS_MAX_AGE", "DISCORD_ADMIN_USER_IDS"} {
		if seen[k] != 1 {
			t.Errorf("%s: %d problems, want 1 (%v)", k, seen[k], err)
		}
	}
	if !strings.Contains(err.Error(), `"alice", "@bob" not a Discord user ID`) {
		t.Errorf("the bad admin IDs are not named: %v", err)
	}
}

func TestInteractionsSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(MapLookup(map[string]string{}))
	if err != nil || c.Discord.InteractionsAddr != ":8080" || c.Discord.PublicKey != "" {
		t.Fatalf("defaults: %+v, %v", c.Discord, err)
	}
	key := strings.Repeat("AB", 32)
	c, err = Load(MapLookup(map[string]string{"INTERACTIONS_ADDR": "127.0.0.1:9000", "DISCORD_PUBLIC_KEY": key}))
	if err != nil || c.Discord.InteractionsAddr != "127.0.0.1:9000" || c.Discord.PublicKey != strings.ToLower(key) {
		t.Fatalf("valid: %+v, %v", c.Discord, err)
	}
	for _, bad := range []map[string]string{
		{"DISCORD_PUBLIC_KEY": "abcd"},                       // too short
		{"DISCORD_PUBLIC_KEY": strings.Repeat("zz", 32)},     // not hex
		{"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 33)},     // too long
		{"INTERACTIONS_ADDR": "8080"},                        // no colon
		{"INTERACTIONS_ADDR": "localhost:http-interactions"}, // no port number
	} {
		_, err := Load(MapLookup(bad))
		var cerr *Error
		if !errors.As(err, &cerr) || len(cerr.Problems) != 1 {
			t.Errorf("%v: err = %v, want one problem", bad, err)
			continue
		}
		for k := range bad {
			if cerr.Problems[0].Key != k {
				t.Errorf("%v: problem names %s", bad, cerr.Problems[0].Key)
			}
		}
	}
}

// DISCORD_WORKERS and DISCORD_STILL_WORKING_AFTER have the bot's defaults,
// and values the bot could not use are problems naming their variable.
func TestDiscordWorkSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(MapLookup(nil))
	if err != nil || c.Discord.Workers != 32 || c.Discord.StillWorkingAfter != 3*time.Second {
		t.Fatalf("defaults: %d, %v, %v", c.Discord.Workers, c.Discord.StillWorkingAfter, err)
	}
	c, err = Load(MapLookup(map[string]string{"DISCORD_WORKERS": "4", "DISCORD_STILL_WORKING_AFTER": "10"}))
	if err != nil || c.Discord.Workers != 4 || c.Discord.StillWorkingAfter != 10*time.Second {
		t.Fatalf("set: %d, %v, %v", c.Discord.Workers, c.Discord.StillWorkingAfter, err)
	}
	for _, tt := range []struct{ key, value, why string }{
		{"DISCORD_WORKERS", "0", "at least 1"},
		{"DISCORD_WORKERS", "many", "not a whole number"},
		{"DISCORD_WORKERS", "5000", "at most 1024"},
		{"DISCORD_STILL_WORKING_AFTER", "200ms", "at least 1s"},
		{"DISCORD_STILL_WORKING_AFTER", "20m", "under 14m"},
		{"DISCORD_STILL_WORKING_AFTER", "soon", "not a duration"},
	} {
		_, err := Load(MapLookup(map[string]string{tt.key: tt.value}))
		if err == nil || !strings.Contains(err.Error(), tt.key) || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("%s=%s: %v", tt.key, tt.value, err)
		}
	}
}

// DISCORD_SHARD_ID and DISCORD_SHARD_COUNT: unsharded by default, a shard
// ID only with a count and below it, each mistake one problem naming its
// variable.
func TestShardSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(MapLookup(nil))
	if err != nil || c.Discord.ShardID != 0 || c.Discord.ShardCount != 1 {
		t.Fatalf("defaults: shard %d of %d, %v", c.Discord.ShardID, c.Discord.ShardCount, err)
	}
	c, err = Load(MapLookup(map[string]string{"DISCORD_SHARD_ID": "2", "DISCORD_SHARD_COUNT": "3"}))
	if err != nil || c.Discord.ShardID != 2 || c.Discord.ShardCount != 3 {
		t.Fatalf("set: shard %d of %d, %v", c.Discord.ShardID, c.Discord.ShardCount, err)
	}
	shared := map[string]string{"DISCORD_SHARD_ID": "1", "DISCORD_SHARD_COUNT": "2", "DIGEST_CHANNEL_ID": "555", "DIGEST_TIMES": "08:00", "DATABASE_URL": "postgres://db.internal/geobrief"}
	if _, err := Load(MapLookup(shared)); err != nil {
		t.Errorf("shards sharing PostgreSQL with a default schedule: %v", err)
	}
	if !slices.Contains(c.Redacted(), "DISCORD_SHARD_ID=2") || !slices.Contains(c.Redacted(), "DISCORD_SHARD_COUNT=3") {
		t.Errorf("check does not show the shard: %v", c.Redacted())
	}
	for _, tt := range []struct {
		env      map[string]string
		key, why string
	}{
		{map[string]string{"DISCORD_SHARD_ID": "3", "DISCORD_SHARD_COUNT": "3"}, "DISCORD_SHARD_ID", "less than DISCORD_SHARD_COUNT (3)"},
		{map[string]string{"DISCORD_SHARD_ID": "1"}, "DISCORD_SHARD_COUNT", "not set, but DISCORD_SHARD_ID is"},
		{map[string]string{"DISCORD_SHARD_ID": "-1", "DISCORD_SHARD_COUNT": "2"}, "DISCORD_SHARD_ID", "at least 0"},
		{map[string]string{"DISCORD_SHARD_ID": "1", "DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT", "at least 1"},
		{map[string]string{"DISCORD_SHARD_COUNT": "two"}, "DISCORD_SHARD_COUNT", "not a whole number"},
		{map[string]string{"DISCORD_SHARD_ID": "0", "DISCORD_SHARD_COUNT": "2", "DIGEST_CHANNEL_ID": "555", "DIGEST_TIMES": "08:00"}, "DIGEST_CHANNEL_ID", "needs DATABASE_URL"},
	} {
		_, err := Load(MapLookup(tt.env))
		var cerr *Error
		if !errors.As(err, &cerr) || len(cerr.Problems) != 1 {
			t.Errorf("%v: err = %v, want one problem", tt.env, err)
			continue
		}
		if p := cerr.Problems[0]; p.Key != tt.key || !strings.Contains(p.Why, tt.why) {
			t.Errorf("%v: problem %s, want %s: ...%s...", tt.env, p, tt.key, tt.why)
		}
	}
}

// DATABASE_URL takes PostgreSQL URLs only, and its password is shown
// neither in a problem nor by geobrief check.
func TestDatabaseURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"postgres://geobrief:pw@db.internal:5432/geobrief?sslmode=require",
		"postgresql://postgres@127.0.0.1/test",
	} {
		c, err := Load(MapLookup(map[string]string{"DATABASE_URL": ok}))
		if err != nil || c.DatabaseURL != ok {
			t.Errorf("DATABASE_URL=%s: %q, %v", ok, c.DatabaseURL, err)
		}
	}
	c, err := Load(MapLookup(map[string]string{"DATABASE_URL": "postgres://geobrief:hunter2@db/geobrief"}))
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(c.Redacted(), "\n"); strings.Contains(all, "hunter2") || !strings.Contains(all, "DATABASE_URL=postgres://geobrief:xxxxx@db/geobrief") {
		t.Errorf("geobrief check shows:\n%s", all)
	}
	if c, err := Load(MapLookup(nil)); err != nil || c.DatabaseURL != "" {
		t.Errorf("unset: %q, %v; want SQLite", c.DatabaseURL, err)
	}
	for _, bad := range []string{"mysql://root:hunter2@db/geobrief", "./data/geobrief.db", "postgres:///nohost", "http://db:5432"} {
		_, err := Load(MapLookup(map[string]string{"DATABASE_URL": bad}))
		var cerr *Error
		if !errors.As(err, &cerr) || len(cerr.Problems) != 1 || cerr.Problems[0].Key != "DATABASE_URL" {
			t.Errorf("DATABASE_URL=%s: %v, want one DATABASE_URL problem", bad, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the password shows in %q", err)
		}
	}
}

// DIGEST_CHECK_INTERVAL and DIGEST_LEASE have the scheduler's defaults; a
// lease Discord's nonce memory cannot cover is refused.
func TestDigestSchedulerSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(MapLookup(nil))
	if err != nil || c.Digest.CheckEvery != 30*time.Second || c.Digest.Lease != time.Minute {
		t.Fatalf("defaults: %v, %v, %v", c.Digest.CheckEvery, c.Digest.Lease, err)
	}
	c, err = Load(MapLookup(map[string]string{"DIGEST_CHECK_INTERVAL": "1s", "DIGEST_LEASE": "5s"}))
	if err != nil || c.Digest.CheckEvery != time.Second || c.Digest.Lease != 5*time.Second {
		t.Fatalf("set: %v, %v, %v", c.Digest.CheckEvery, c.Digest.Lease, err)
	}
	if !slices.Contains(c.Redacted(), "DIGEST_CHECK_INTERVAL=1s") {
		t.Errorf("check does not show the interval: %v", c.Redacted())
	}
	for _, tt := range []struct{ key, value, why string }{
		{"DIGEST_CHECK_INTERVAL", "100ms", "at least 1s"},
		{"DIGEST_CHECK_INTERVAL", "often", "not a duration"},
		{"DIGEST_LEASE", "1s", "at least 2s"},
		{"DIGEST_LEASE", "2m", "under 2m"},
	} {
		_, err := Load(MapLookup(map[string]string{tt.key: tt.value}))
		var cerr *Error
		if !errors.As(err, &cerr) || len(cerr.Problems) != 1 || cerr.Problems[0].Key != tt.key || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("%s=%s: %v", tt.key, tt.value, err)
		}
	}
}
