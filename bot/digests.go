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

// Digests is what /digest and /digest-schedule need.
type Digests struct {
	Builder   DigestBuilder
	Schedules ScheduleStore
	// Window is how far back /digest reaches when no since is given
	// (default a day).
	Window time.Duration
	// Now is the clock; tests pass a fixed one.
	Now func() time.Time
}
