// Package config reads geobrief's settings from the environment. Every value
// is validated at start, and an invalid one fails with a message naming the
// variable, so a typo never turns into a surprising default.
package config

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Lookup reads one variable; os.LookupEnv fits, and tests pass a map.
type Lookup func(key string) (string, bool)

// MapLookup adapts a map for tests and for printing.
func MapLookup(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// Config is every setting of the program.
type Config struct {
	// SeedsDir is the folder of documents; empty means the embedded defaults.
	SeedsDir  string
	SeedsPoll time.Duration
	DataDir   string
	// DatabaseURL (DATABASE_URL) is a postgres:// URL: the store is then
	// that PostgreSQL database, shared by every replica, and DataDir only
	// holds this process's search index. Empty: SQLite in DataDir.
	DatabaseURL string
	// LogLevel is empty when LOG_LEVEL is not set: the program then picks
	// the level that suits the command (quiet for the command line).
	LogLevel    string
	LLM         LLM
	Discord     Discord
	MetricsAddr string
	Digest      Digest
	Feeds       Feeds
}

// Feeds holds the live news settings: polling feeds, fetching pages and
// how long web documents are kept.
type Feeds struct {
	PollInterval time.Duration // FEEDS_POLL_INTERVAL
	// OPML is a file of feeds imported at start when it is new or changed;
	// empty for none.
	OPML         string
	FetchTimeout time.Duration // per request
	// AllowPrivate lets fetches reach loopback and private addresses (local
	// use and tests); off, they are refused.
	AllowPrivate     bool
	FetchConcurrency int
	// MaxAge removes web documents published (else added) longer ago; 0
	// keeps them forever. Seed documents are never removed by it.
	MaxAge time.Duration
}

// LLM holds the chat endpoint settings.
type LLM struct {
	BaseURL string
	APIKey  string
	Model   string
	// JSONMode is auto, json_schema, json_object or none.
	JSONMode         string
	ContextTokens    int
	Timeout          time.Duration
	MaxRetries       int
	MaxConcurrency   int
	Fallback         string // offline or error
	DailyTokenBudget int
	GuildTokenBudget int
	// SummaryTimeout bounds one whole summary: every request, retry and
	// map-reduce round (LLM_TIMEOUT bounds one request).
	SummaryTimeout time.Duration
}

// Enabled reports whether an LLM is configured; without one the offline
// summarizer serves.
func (l LLM) Enabled() bool { return l.BaseURL != "" || l.APIKey != "" }

// Discord holds the bot settings.
type Discord struct {
	Token             string
	GuildID           string
	APIURL            string
	UserRatePerMinute int
	// AdminUserIDs may add and remove feeds from Discord: the corpus is
	// shared by every server, so a server's own admins may not.
	AdminUserIDs []string
	// InteractionsAddr (INTERACTIONS_ADDR) is where `geobrief serve`
	// listens for Discord's HTTP interactions (default :8080).
	InteractionsAddr string
	// PublicKey (DISCORD_PUBLIC_KEY) is the application's Ed25519 public
	// key, in hex, that signs every HTTP interaction. Not a secret.
	PublicKey string
	// Workers (DISCORD_WORKERS) bounds the interactions doing their work
	// at once; the others wait, already acknowledged.
	Workers int
	// StillWorkingAfter (DISCORD_STILL_WORKING_AFTER) is how long a reply
	// may show "thinking…" before the bot says it is still working.
	StillWorkingAfter time.Duration
	// ShardID and ShardCount (DISCORD_SHARD_ID, DISCORD_SHARD_COUNT) make
	// `geobrief bot` one gateway shard of ShardCount, which a bot on the
	// gateway needs past 2,500 servers. ShardCount is 1 when unsharded;
	// 0 <= ShardID < ShardCount.
	ShardID, ShardCount int
}

// maxWorkers bounds DISCORD_WORKERS: more would only let a burst take
// every core away from the acknowledgements, which is what the bound is for.
const maxWorkers = 1024

// Digest holds the default digest schedule and digest rules.
type Digest struct {
	ChannelID string
	Times     string
	Timezone  string
	Window    time.Duration
	MaxItems  int
	SkipEmpty bool
	Catchup   time.Duration
	// CheckEvery (DIGEST_CHECK_INTERVAL) is how often the scheduler looks
	// for due and unfinished editions.
	CheckEvery time.Duration
	// PostsPerSecond caps each process's digest posts to Discord: replicas
	// × PostsPerSecond must stay under Discord's 50 requests a second.
	PostsPerSecond int
	// Lease is how long an edition stays with the replica posting it after
	// its last sign of life; then another replica finishes it.
	Lease time.Duration
}

const openAIURL = "https://api.openai.com/v1"

// Examples shown when a URL setting is not a URL, each for its own service.
const (
	llmURLExample     = "http://localhost:11434/v1 (Ollama) or https://openrouter.ai/api/v1"
	discordURLExample = "the http://127.0.0.1:PORT that go run ./cmd/fakediscord prints, or a Discord REST proxy; leave it empty for Discord itself"
)

// Problem is one invalid setting.
type Problem struct {
	Key   string
	Value string
	Why   string
}

// String reads like `LLM_TIMEOUT="soon": not a duration such as 30s, 5m or 2h`.
func (p Problem) String() string {
	if p.Value == "" {
		return p.Key + ": " + p.Why
	}
	return fmt.Sprintf("%s=%q: %s", p.Key, p.Value, p.Why)
}

// Error lists every invalid setting, so that one start shows them all.
type Error struct{ Problems []Problem }

// Error is one line: the problems separated by semicolons.
func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "invalid settings: " + strings.Join(parts, "; ")
}

// Check validates one variable by a rule that belongs to another package
// (DIGEST_TIMES is read by digest), so that Load still finds every problem
// at start. Valid runs only when the variable is set.
type Check struct {
	Key   string
	Valid func(value string) error
}

// Load reads and validates the configuration. All problems are reported at
// once, in an *Error, each naming its variable.
func Load(lookup Lookup, checks ...Check) (Config, error) {
	p := parser{lookup: lookup}
	c := Config{
		SeedsDir:    p.folder("SEEDS_DIR"),
		SeedsPoll:   p.duration("SEEDS_POLL_INTERVAL", 5*time.Second, time.Second),
		DataDir:     p.str("DATA_DIR", "./data"),
		DatabaseURL: p.databaseURL("DATABASE_URL"),
		LogLevel:    p.oneOf("LOG_LEVEL", "", "debug", "info", "warn", "error"),
		MetricsAddr: p.hostPort("METRICS_ADDR"),
		LLM: LLM{
			BaseURL:          p.url("OPENAI_BASE_URL", llmURLExample),
			APIKey:           p.str("OPENAI_API_KEY", ""),
			Model:            p.str("LLM_MODEL", "gpt-4o-mini"),
			JSONMode:         p.oneOf("LLM_JSON_MODE", "auto", "auto", "json_schema", "json_object", "none"),
			ContextTokens:    p.integer("LLM_CONTEXT_TOKENS", 8192, 1024),
			Timeout:          p.duration("LLM_TIMEOUT", 60*time.Second, time.Second),
			MaxRetries:       p.integer("LLM_MAX_RETRIES", 3, 0),
			MaxConcurrency:   p.integer("LLM_MAX_CONCURRENCY", 4, 1),
			Fallback:         p.oneOf("LLM_FALLBACK", "offline", "offline", "error"),
			DailyTokenBudget: p.integer("LLM_DAILY_TOKEN_BUDGET", 0, 0),
			GuildTokenBudget: p.integer("LLM_GUILD_DAILY_TOKEN_BUDGET", 0, 0),
			SummaryTimeout:   p.duration("SUMMARY_TIMEOUT", 30*time.Second, time.Second),
		},
		Discord: Discord{
			Token:             p.str("DISCORD_TOKEN", ""),
			GuildID:           p.snowflake("DISCORD_GUILD_ID"),
			APIURL:            p.url("DISCORD_API_URL", discordURLExample),
			UserRatePerMinute: p.integer("DISCORD_USER_RATE_PER_MINUTE", 5, 1),
			AdminUserIDs:      p.snowflakes("DISCORD_ADMIN_USER_IDS"),
			InteractionsAddr:  orDefault(p.hostPort("INTERACTIONS_ADDR"), ":8080"),
			PublicKey:         p.publicKey("DISCORD_PUBLIC_KEY"),
			Workers:           p.integer("DISCORD_WORKERS", 32, 1),
			// Under a second, the notice would replace "thinking…" on
			// nearly every reply; past 14 minutes the reply's token is gone.
			StillWorkingAfter: p.duration("DISCORD_STILL_WORKING_AFTER", 3*time.Second, time.Second),
			ShardID:           p.integer("DISCORD_SHARD_ID", 0, 0),
			ShardCount:        p.integer("DISCORD_SHARD_COUNT", 1, 1),
		},
		Digest: Digest{
			ChannelID:      p.snowflake("DIGEST_CHANNEL_ID"),
			Times:          p.str("DIGEST_TIMES", ""),
			Timezone:       p.str("DIGEST_TIMEZONE", "UTC"),
			Window:         p.duration("DIGEST_WINDOW", 24*time.Hour, time.Minute),
			MaxItems:       p.integer("DIGEST_MAX_ITEMS", 10, 1),
			SkipEmpty:      p.boolean("DIGEST_SKIP_EMPTY", false),
			Catchup:        p.duration("DIGEST_CATCHUP", 2*time.Hour, time.Minute),
			PostsPerSecond: p.integer("DIGEST_POSTS_PER_SECOND", 5, 1),
			Lease:          p.duration("DIGEST_LEASE", time.Minute, 2*time.Second),
			// Short values are for tests and demonstrations: each check
			// reads every schedule from the database.
			CheckEvery: p.duration("DIGEST_CHECK_INTERVAL", 30*time.Second, time.Second),
		},
		Feeds: Feeds{
			PollInterval:     p.duration("FEEDS_POLL_INTERVAL", 15*time.Minute, time.Minute),
			OPML:             p.file("FEEDS_OPML"),
			FetchTimeout:     p.duration("FETCH_TIMEOUT", 15*time.Second, time.Second),
			AllowPrivate:     p.boolean("FETCH_ALLOW_PRIVATE", false),
			FetchConcurrency: p.integer("FETCH_CONCURRENCY", 8, 1),
			MaxAge:           p.age("DOCS_MAX_AGE", 30*24*time.Hour, time.Hour),
		},
	}
	if c.Discord.Workers > maxWorkers {
		p.fail("DISCORD_WORKERS", strconv.Itoa(c.Discord.Workers), fmt.Sprintf("must be at most %d", maxWorkers))
		c.Discord.Workers = 32
	}
	if c.Discord.StillWorkingAfter > 14*time.Minute {
		p.fail("DISCORD_STILL_WORKING_AFTER", c.Discord.StillWorkingAfter.String(), "must be under 14m (a reply can be edited for 15 minutes)")
		c.Discord.StillWorkingAfter = 3 * time.Second
	}
	p.shards(&c.Discord)
	// Shards on SQLite each keep a database of their own: a server's
	// schedules live on its shard, which works, but the environment's
	// default schedule would be posted once by every shard.
	if c.Discord.ShardCount > 1 && c.DatabaseURL == "" && c.Digest.ChannelID != "" {
		p.fail("DIGEST_CHANNEL_ID", c.Digest.ChannelID, "a default digest schedule with DISCORD_SHARD_COUNT > 1 needs DATABASE_URL: without one database shared by the shards, every shard would post it")
	}
	// Discord drops a repeated message by its nonce for only a few
	// minutes: a replica taking over an edition whose holder died mid-post
	// must resend that post within them.
	if c.Digest.Lease >= 2*time.Minute {
		p.fail("DIGEST_LEASE", c.Digest.Lease.String(), "must be under 2m: a replica that takes over an edition must resend its last post while Discord still drops it as a repeat")
		c.Digest.Lease = time.Minute
	}
	if c.LLM.APIKey != "" && c.LLM.BaseURL == "" {
		c.LLM.BaseURL = openAIURL
	}
	if c.Digest.Timezone != "" {
		if _, err := time.LoadLocation(c.Digest.Timezone); err != nil {
			p.fail("DIGEST_TIMEZONE", c.Digest.Timezone, "not an IANA time zone such as Europe/Kyiv")
		}
	}
	// A default schedule needs both its channel and its times.
	if _, ok := p.raw("DIGEST_CHANNEL_ID"); ok && c.Digest.Times == "" {
		p.fail("DIGEST_TIMES", "", "not set, but DIGEST_CHANNEL_ID is: give the times of the default schedule, e.g. 08:00,18:00")
	}
	if _, ok := p.raw("DIGEST_CHANNEL_ID"); !ok && c.Digest.Times != "" {
		p.fail("DIGEST_CHANNEL_ID", "", "not set, but DIGEST_TIMES is: give the channel of the default schedule")
	}
	for _, ch := range checks {
		if v, ok := p.raw(ch.Key); ok {
			if err := ch.Valid(v); err != nil {
				p.fail(ch.Key, v, err.Error())
			}
		}
	}
	if len(p.problems) > 0 {
		return Config{}, &Error{Problems: p.problems}
	}
	return c, nil
}

// Redacted lists the resolved settings for `geobrief check`, with secrets
// reduced to whether they are set.
func (c Config) Redacted() []string {
	seeds := c.SeedsDir
	if seeds == "" {
		seeds = "(embedded default documents)"
	}
	base := c.LLM.BaseURL
	if base == "" {
		base = "(none: offline extractive summarizer)"
	}
	m := map[string]string{
		"SEEDS_DIR":                    seeds,
		"SEEDS_POLL_INTERVAL":          c.SeedsPoll.String(),
		"DATA_DIR":                     c.DataDir,
		"DATABASE_URL":                 orDefault(redactURL(c.DatabaseURL), "(none: SQLite in DATA_DIR)"),
		"LOG_LEVEL":                    orDefault(c.LogLevel, "(default: warn, info for the bot)"),
		"METRICS_ADDR":                 c.MetricsAddr,
		"OPENAI_BASE_URL":              base,
		"OPENAI_API_KEY":               secret(c.LLM.APIKey),
		"LLM_MODEL":                    c.LLM.Model,
		"LLM_JSON_MODE":                c.LLM.JSONMode,
		"LLM_CONTEXT_TOKENS":           strconv.Itoa(c.LLM.ContextTokens),
		"LLM_TIMEOUT":                  c.LLM.Timeout.String(),
		"LLM_MAX_RETRIES":              strconv.Itoa(c.LLM.MaxRetries),
		"LLM_MAX_CONCURRENCY":          strconv.Itoa(c.LLM.MaxConcurrency),
		"LLM_FALLBACK":                 c.LLM.Fallback,
		"LLM_DAILY_TOKEN_BUDGET":       strconv.Itoa(c.LLM.DailyTokenBudget),
		"LLM_GUILD_DAILY_TOKEN_BUDGET": strconv.Itoa(c.LLM.GuildTokenBudget),
		"SUMMARY_TIMEOUT":              c.LLM.SummaryTimeout.String(),
		"DISCORD_TOKEN":                secret(c.Discord.Token),
		"DISCORD_GUILD_ID":             c.Discord.GuildID,
		"DISCORD_API_URL":              c.Discord.APIURL,
		"DISCORD_USER_RATE_PER_MINUTE": strconv.Itoa(c.Discord.UserRatePerMinute),
		"DIGEST_CHANNEL_ID":            c.Digest.ChannelID,
		"DIGEST_TIMES":                 c.Digest.Times,
		"DIGEST_TIMEZONE":              c.Digest.Timezone,
		"DIGEST_WINDOW":                c.Digest.Window.String(),
		"DIGEST_MAX_ITEMS":             strconv.Itoa(c.Digest.MaxItems),
		"DIGEST_SKIP_EMPTY":            strconv.FormatBool(c.Digest.SkipEmpty),
		"DIGEST_CATCHUP":               c.Digest.Catchup.String(),
		"DIGEST_POSTS_PER_SECOND":      strconv.Itoa(c.Digest.PostsPerSecond),
		"DIGEST_LEASE":                 c.Digest.Lease.String(),
		"DIGEST_CHECK_INTERVAL":        c.Digest.CheckEvery.String(),
		"DISCORD_ADMIN_USER_IDS":       strings.Join(c.Discord.AdminUserIDs, ","),
		"INTERACTIONS_ADDR":            c.Discord.InteractionsAddr,
		"DISCORD_PUBLIC_KEY":           c.Discord.PublicKey,
		"DISCORD_WORKERS":              strconv.Itoa(c.Discord.Workers),
		"DISCORD_STILL_WORKING_AFTER":  c.Discord.StillWorkingAfter.String(),
		"DISCORD_SHARD_ID":             strconv.Itoa(c.Discord.ShardID),
		"DISCORD_SHARD_COUNT":          strconv.Itoa(c.Discord.ShardCount),
		"FEEDS_POLL_INTERVAL":          c.Feeds.PollInterval.String(),
		"FEEDS_OPML":                   c.Feeds.OPML,
		"FETCH_TIMEOUT":                c.Feeds.FetchTimeout.String(),
		"FETCH_ALLOW_PRIVATE":          strconv.FormatBool(c.Feeds.AllowPrivate),
		"FETCH_CONCURRENCY":            strconv.Itoa(c.Feeds.FetchConcurrency),
		"DOCS_MAX_AGE":                 maxAgeString(c.Feeds.MaxAge),
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+"="+m[k])
	}
	return out
}

// maxAgeString writes an age in days when it is whole days, as it is
// usually set.
func maxAgeString(d time.Duration) string {
	switch {
	case d == 0:
		return "0 (web documents are kept forever)"
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func secret(s string) string {
	if s == "" {
		return "(not set)"
	}
	return "(set, redacted)"
}

// shards checks DISCORD_SHARD_ID against DISCORD_SHARD_COUNT. A shard ID
// without a count is a mistake, not shard 0 of 1: the operator meant to
// shard, and a bot that silently ran unsharded would receive every
// server's interactions on every process.
func (p *parser) shards(d *Discord) {
	id, idSet := p.raw("DISCORD_SHARD_ID")
	_, countSet := p.raw("DISCORD_SHARD_COUNT")
	switch {
	case idSet && !countSet:
		p.fail("DISCORD_SHARD_COUNT", "", "not set, but DISCORD_SHARD_ID is: give the number of shards (DISCORD_SHARD_ID is 0 to DISCORD_SHARD_COUNT-1)")
		d.ShardID = 0
	case p.failed("DISCORD_SHARD_ID") || p.failed("DISCORD_SHARD_COUNT"):
		// Already a problem of its own: comparing a default would only
		// add a second, misleading one.
	case d.ShardID >= d.ShardCount:
		p.fail("DISCORD_SHARD_ID", id, fmt.Sprintf("must be less than DISCORD_SHARD_COUNT (%d): shards are numbered 0 to %d", d.ShardCount, d.ShardCount-1))
		d.ShardID = 0
	}
}

type parser struct {
	lookup   Lookup
	problems []Problem
}

func (p *parser) fail(key, val, why string) {
	p.problems = append(p.problems, Problem{Key: key, Value: val, Why: why})
}

// failed reports whether key already has a problem.
func (p *parser) failed(key string) bool {
	for _, pr := range p.problems {
		if pr.Key == key {
			return true
		}
	}
	return false
}

func (p *parser) raw(key string) (string, bool) {
	v, ok := p.lookup(key)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (p *parser) str(key, def string) string {
	if v, ok := p.raw(key); ok {
		return v
	}
	return def
}

func (p *parser) oneOf(key, def string, allowed ...string) string {
	v, ok := p.raw(key)
	if !ok {
		return def
	}
	v = strings.ToLower(v)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(key, v, "must be one of "+strings.Join(allowed, ", "))
	return def
}

func (p *parser) integer(key string, def, min int) int {
	v, ok := p.raw(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.fail(key, v, "not a whole number")
		return def
	}
	if n < min {
		p.fail(key, v, fmt.Sprintf("must be at least %d", min))
		return def
	}
	return n
}

func (p *parser) duration(key string, def, min time.Duration) time.Duration {
	v, ok := p.raw(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		// A bare number is read as seconds: LLM_TIMEOUT=30 is a common way to write it.
		if n, nerr := strconv.Atoi(v); nerr == nil {
			d, err = time.Duration(n)*time.Second, nil
		}
	}
	if err != nil {
		p.fail(key, v, "not a duration such as 30s, 5m or 2h")
		return def
	}
	if d < min {
		p.fail(key, v, "must be at least "+min.String())
		return def
	}
	return d
}

func (p *parser) boolean(key string, def bool) bool {
	v, ok := p.raw(key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(key, v, "must be true or false")
		return def
	}
	return b
}

// url reads an http(s) base URL; example says what one looks like for this
// variable's service.
func (p *parser) url(key, example string) string {
	v, ok := p.raw(key)
	if !ok {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.fail(key, v, "not an http(s) URL; want "+example)
		return ""
	}
	return strings.TrimRight(v, "/")
}

// databaseURL reads a PostgreSQL URL (postgres:// or postgresql://, as
// libpq and pgx take them). Its password, if any, is never repeated in
// a problem.
func (p *parser) databaseURL(key string) string {
	v, ok := p.raw(key)
	if !ok {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil {
		p.fail(key, "", "not a URL; want postgres://user:password@host:5432/database?sslmode=disable")
		return ""
	}
	// A host-less URL names its server (a Unix socket) in a host parameter.
	if s := strings.ToLower(u.Scheme); (s != "postgres" && s != "postgresql") || (u.Host == "" && u.Query().Get("host") == "") {
		p.fail(key, u.Redacted(), "not a PostgreSQL URL; want postgres://user:password@host:5432/database?sslmode=disable, or leave it empty for SQLite in DATA_DIR")
		return ""
	}
	return v
}

// redactURL hides the password of a URL.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil {
		return v
	}
	return u.Redacted()
}

// snowflake reads a Discord ID: a number of at most 20 digits. Names (a
// server's or a channel's) are the usual mistake; they would only fail
// later, at Discord.
func (p *parser) snowflake(key string) string {
	v, ok := p.raw(key)
	if !ok {
		return ""
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 || strings.HasPrefix(v, "+") {
		p.fail(key, v, "not a Discord ID: a number such as 700000000000000001 (in Discord, turn on Developer Mode and use Copy ID)")
		return ""
	}
	return v
}

// snowflakes reads a comma-separated list of Discord IDs; every entry that
// is not one is named in the variable's one problem.
func (p *parser) snowflakes(key string) []string {
	v, ok := p.raw(key)
	if !ok {
		return nil
	}
	var ids, bad []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseUint(part, 10, 64)
		if err != nil || n == 0 || strings.HasPrefix(part, "+") {
			bad = append(bad, strconv.Quote(part))
			continue
		}
		ids = append(ids, part)
	}
	if len(bad) > 0 {
		p.fail(key, v, strings.Join(bad, ", ")+" not a Discord user ID: give numbers such as 800000000000000001, separated by commas (in Discord, turn on Developer Mode and use Copy User ID)")
		return nil
	}
	return ids
}

// age reads a duration that may also be written in whole days ("30d"), as
// ages usually are. 0 means no limit; other values must be at least min.
func (p *parser) age(key string, def, min time.Duration) time.Duration {
	v, ok := p.raw(key)
	if !ok {
		return def
	}
	var d time.Duration
	var err error
	if days, isDays := strings.CutSuffix(v, "d"); isDays {
		var n int
		n, err = strconv.Atoi(days)
		if err == nil && n >= 0 {
			d = time.Duration(n) * 24 * time.Hour
		} else {
			err = fmt.Errorf("bad days")
		}
	} else {
		d, err = time.ParseDuration(v)
		if err != nil && v == "0" {
			d, err = 0, nil
		}
	}
	if err != nil || d < 0 {
		p.fail(key, v, "not an age such as 30d, 7d or 72h (0 keeps web documents forever)")
		return def
	}
	if d != 0 && d < min {
		p.fail(key, v, "must be at least "+min.String()+" (or 0, to keep web documents forever)")
		return def
	}
	return d
}

// publicKey reads an Ed25519 public key in hex (64 hex digits), as the
// developer portal shows it. A wrong key would make every interaction fail
// its signature check, so it is caught at start.
func (p *parser) publicKey(key string) string {
	v, ok := p.raw(key)
	if !ok {
		return ""
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) != ed25519.PublicKeySize {
		p.fail(key, v, "not an Ed25519 public key: 64 hex digits, the PUBLIC KEY on your application's General Information page in the developer portal")
		return ""
	}
	return strings.ToLower(v)
}

// hostPort reads a listening address such as 127.0.0.1:9090 or :9090.
func (p *parser) hostPort(key string) string {
	v, ok := p.raw(key)
	if !ok {
		return ""
	}
	_, port, err := net.SplitHostPort(v)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		p.fail(key, v, "not an address to listen on such as 127.0.0.1:9090 or :9090")
		return ""
	}
	return v
}

// file reads the path of a file that must exist.
func (p *parser) file(key string) string { return p.path(key, false) }

// folder reads the path of a folder that must exist.
func (p *parser) folder(key string) string { return p.path(key, true) }

// path reads the path of a file (or, with dir, a folder) that must exist.
func (p *parser) path(key string, dir bool) string {
	v, ok := p.raw(key)
	if !ok {
		return ""
	}
	kind, other := "file", "a folder, not a file"
	if dir {
		kind, other = "folder", "not a folder"
	}
	info, err := os.Stat(v)
	switch {
	case err != nil && os.IsNotExist(err):
		p.fail(key, v, "no such "+kind)
	case err != nil:
		p.fail(key, v, "cannot be read: "+err.Error())
	case info.IsDir() != dir:
		p.fail(key, v, other)
	default:
		return v
	}
	return ""
}
