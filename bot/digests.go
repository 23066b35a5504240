package bot

import (
	"context"
	"time"

	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/store"
)

// DigestBuilder builds a digest (digest.Builder).
type DigestBuilder interface {
	Build(ctx context.Context, r digest.Request) (digest.Digest, error)
}

// ScheduleStore keeps the digest schedules (the store).
type ScheduleStore interface {
	PutSchedule(ctx context.Context, r store.ScheduleRow) error
	DeleteSchedule(ctx context.Context, channelID string) (bool, error)
	Schedules(ctx context.Context, guildID string) ([]store.ScheduleRow, error)
	Editions(ctx context.Context, channelID string, limit int) ([]store.EditionRow, error)
}

// DigestConfig tunes /digest.
type DigestConfig struct {
	// Window is how far back /digest reaches when no since is given.
	Window time.Duration
	// Now is the clock; tests pass a fixed one.
	Now func() time.Time
}

// digests holds what the digest commands need; nil until EnableDigests.
type digests struct {
	builder   DigestBuilder
	schedules ScheduleStore
	cfg       DigestConfig
}

// EnableDigests adds /digest and /digest-schedule. Call it before Open, so
// the commands are registered with the others.
func (b *Bot) EnableDigests(builder DigestBuilder, schedules ScheduleStore, cfg DigestConfig) {
	if cfg.Window <= 0 {
		cfg.Window = 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	b.digests = &digests{builder: builder, schedules: schedules, cfg: cfg}
	for _, c := range []*command{b.digestCommand(), b.digestScheduleCommand()} {
		b.commands[c.def.Name] = c
		b.defs = append(b.defs, c.def)
	}
}
