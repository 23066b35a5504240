package digest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/geobrief/geobrief/store"
)

// Poster sends one message to a Discord channel. The nonce makes a repeated
// create of the same message a no-op on Discord's side.
type Poster interface {
	Post(ctx context.Context, channelID, content, nonce string) (messageID string, err error)
}

// Finder looks in a channel for a message the bot posted after a moment
// with exactly this content. A Poster that is also a Finder lets a resumed
// edition find a post whose ID was never recorded.
type Finder interface {
	FindPosted(ctx context.Context, channelID, content string, after time.Time) (messageID string, found bool, err error)
}

// nonceWindow is how long Discord is relied on to drop a repeated create by
// its nonce ("the past few minutes"). A part resumed later than this is
// first looked for in the channel.
const nonceWindow = 2 * time.Minute

// ErrChannelUnavailable is what a Poster returns (wrapped) when the channel
// is deleted or the bot may not post there: retrying will not help. An
// error with a ChannelUnavailable() bool method saying true means the same,
// so that the transport need not import digest.
var ErrChannelUnavailable = errors.New("channel deleted or closed to the bot")

func channelUnavailable(err error) bool {
	var u interface{ ChannelUnavailable() bool }
	return errors.Is(err, ErrChannelUnavailable) || (errors.As(err, &u) && u.ChannelUnavailable())
}

// EditionStore keeps the schedules and what became of each edition (the
// store). It is declared here, where it is used, so that the scheduler can
// be tested against another store and the store can change underneath it.
type EditionStore interface {
	Schedules(ctx context.Context, guildID string) ([]store.ScheduleRow, error)
	PauseSchedule(ctx context.Context, channelID, reason string) error

	EditionStatus(ctx context.Context, key string) (string, error)
	LastEditionAt(ctx context.Context, channelID string) (time.Time, bool, error)
	SentDocs(ctx context.Context, channelID string) (map[string]string, error)
	// ClaimEdition records an edition with its messages and the documents it
	// sends; false when another run already claimed it.
	ClaimEdition(ctx context.Context, e store.EditionRow, sent []store.SentDoc) (bool, error)
	MarkPartPosted(ctx context.Context, key string, index int, messageID string) error
	UnfinishedEditions(ctx context.Context) ([]store.EditionRow, error)
	// TakeOverEdition makes owner the holder of a claimed edition whose
	// lease ended by now (or that owner holds already); false when another
	// replica's lease still runs.
	TakeOverEdition(ctx context.Context, key, owner string, now, until time.Time) (store.EditionRow, bool, error)
	// RenewEdition extends owner's lease; false when owner lost it.
	RenewEdition(ctx context.Context, key, owner string, until time.Time) (bool, error)
	RecordMissed(ctx context.Context, key, channelID string, due time.Time) error
	FailEdition(ctx context.Context, key, reason string) error
}

// DigestBuilder builds the digest of an edition (a *Builder).
type DigestBuilder interface {
	Build(ctx context.Context, r Request) (Digest, error)
}

var (
	_ EditionStore  = (*store.Store)(nil)
	_ DigestBuilder = (*Builder)(nil)
)

// SchedulerConfig tunes the Scheduler.
type SchedulerConfig struct {
	// Window is how far back a channel's first digest reaches.
	Window time.Duration
	// Catchup is how late an edition may still be posted after downtime.
	// It is at least two checks (2 × Every): an edition is seen up to Every
	// after it is due even when the bot never went down.
	Catchup time.Duration
	// SkipEmpty posts nothing when there is nothing new.
	SkipEmpty bool
	// Every is how often schedules are checked (default 30s).
	Every time.Duration
	// Owner names this scheduler's replica in the editions it claims
	// (default: a random name, new each start).
	Owner string
	// Lease is how long an edition stays with the replica that claimed it
	// after its last sign of life (default DefaultEditionLease). The
	// replica renews it before each message; another replica finishes the
	// edition only once it has run out.
	Lease time.Duration
	// PostsPerSecond caps this scheduler's requests to Discord (posts, and
	// searches for earlier posts); 0: no cap. Set it so that replicas ×
	// PostsPerSecond stays under Discord's 50 requests a second.
	PostsPerSecond float64
	// Now is the clock of schedules and leases (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// DefaultEditionLease is the default SchedulerConfig.Lease. It is shorter
// than nonceWindow, so that a replica taking over an edition whose owner
// died in the middle of a post sends that post again while Discord still
// drops it as a repeat.
const DefaultEditionLease = time.Minute

// Scheduler posts every due edition of every schedule exactly once.
//
// The protocol: build the digest, then claim the edition in the store
// together with its messages and nonces (one transaction; only one claim can
// win), then post each message with its nonce and record the message ID.
// A crash before the claim leaves nothing behind, so the edition is built
// again; a crash after it leaves the claim, and the next run posts the
// remaining messages with the same nonces, which Discord deduplicates.
//
// Several replicas may run a Scheduler on one store. The claim names its
// owner and holds a lease, renewed before each message; each post may take
// at most half the lease, so no post of the owner is still under way when
// the lease runs out. Only then does another replica take the edition over
// (a conditional update only one can win) and post the remaining messages
// with the same nonces. A replica whose lease was taken stops posting.
type Scheduler struct {
	st      EditionStore
	builder DigestBuilder
	poster  Poster
	cfg     SchedulerConfig
	log     *slog.Logger
	pace    *pacer
}

// NewScheduler returns a Scheduler.
func NewScheduler(st EditionStore, builder DigestBuilder, poster Poster, cfg SchedulerConfig) *Scheduler {
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Second
	}
	cfg.Catchup = max(cfg.Catchup, 2*cfg.Every)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Window <= 0 {
		cfg.Window = 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Owner == "" {
		cfg.Owner = "scheduler-" + rand.Text()
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultEditionLease
	}
	return &Scheduler{st: st, builder: builder, poster: poster, cfg: cfg, log: cfg.Logger, pace: newPacer(cfg.PostsPerSecond)}
}

// Run checks the schedules at once and then every cfg.Every until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	for {
		if err := s.RunOnce(ctx, s.cfg.Now()); err != nil && ctx.Err() == nil {
			s.log.Error("digest scheduler", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lookback bounds how far back missed editions are looked for after a long
// downtime.
const lookback = 7 * 24 * time.Hour

// RunOnce finishes interrupted editions, then posts or records as missed
// every edition due by now.
func (s *Scheduler) RunOnce(ctx context.Context, now time.Time) error {
	clock := s.runClock(now)
	unfinished, err := s.st.UnfinishedEditions(ctx)
	if err != nil {
		return err
	}
	for _, e := range unfinished {
		if e.Owner != s.cfg.Owner && e.LeaseUntil.After(now) {
			continue // another replica is posting it
		}
		prev := e.Owner
		at := clock()
		e, ok, err := s.st.TakeOverEdition(ctx, e.Key, s.cfg.Owner, at, at.Add(s.cfg.Lease))
		if err != nil {
			return err
		}
		if !ok {
			continue // another replica took it first, or finished it
		}
		if prev != s.cfg.Owner {
			s.log.Info("digest edition taken over", slog.String("edition", e.Key), slog.String("from", prev))
		}
		// An edition already partly in the channel is finished whatever the
		// hour: a digest cut in two would be worse than a late second half.
		if now.Sub(e.DueAt) > s.cfg.Catchup && !partlyPosted(e) {
			// Too late to post: give its documents back to the next digest.
			s.log.Warn("digest edition abandoned: too late to finish", slog.String("edition", e.Key))
			if err := s.st.FailEdition(ctx, e.Key, "could not be posted within the catch-up window"); err != nil {
				return err
			}
			continue
		}
		s.postParts(ctx, e, now, clock)
	}

	schedules, err := s.st.Schedules(ctx, "")
	if err != nil {
		return err
	}
	for _, row := range schedules {
		if row.Paused != "" {
			continue
		}
		if err := s.runSchedule(ctx, row, now, clock); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.log.Error("digest schedule failed; will retry", slog.String("channel_id", row.ChannelID), slog.Any("error", err))
		}
	}
	return nil
}

// runClock is the clock of one run that started at now: now, moved on as
// the scheduler's clock moves. Leases follow it, so that one taken after a
// long build, or renewed late in a long edition, still runs Lease from the
// moment it is taken, while a run for a given moment (tests, RunOnce from
// outside) keeps that moment's dates.
func (s *Scheduler) runClock(now time.Time) func() time.Time {
	start := s.cfg.Now()
	return func() time.Time { return now.Add(s.cfg.Now().Sub(start)) }
}

func (s *Scheduler) runSchedule(ctx context.Context, row store.ScheduleRow, now time.Time, clock func() time.Time) error {
	sched, err := FromRow(row)
	if err != nil {
		return err
	}
	from := now.Add(-lookback)
	if row.Created.After(from) {
		from = row.Created // nothing is missed before the schedule existed
	}
	editions, err := sched.Editions(from, now)
	if err != nil {
		return err
	}
	for _, e := range editions {
		status, err := s.st.EditionStatus(ctx, e.Key())
		if err != nil {
			return err
		}
		if status != "" {
			continue
		}
		if now.Sub(e.At) > s.cfg.Catchup {
			s.log.Warn("digest edition missed: the bot was down", slog.String("edition", e.Key()), slog.Time("due", e.At))
			if err := s.st.RecordMissed(ctx, e.Key(), e.ChannelID, e.At); err != nil {
				return err
			}
			continue
		}
		if err := s.publish(ctx, sched, e, now, clock); err != nil {
			return fmt.Errorf("edition %s: %w", e.Key(), err)
		}
	}
	return nil
}

func (s *Scheduler) publish(ctx context.Context, sched Schedule, e Edition, now time.Time, clock func() time.Time) error {
	since, ok, err := s.st.LastEditionAt(ctx, e.ChannelID)
	if err != nil {
		return err
	}
	if !ok {
		since = e.At.Add(-s.cfg.Window)
	}
	sent, err := s.st.SentDocs(ctx, e.ChannelID)
	if err != nil {
		return err
	}
	d, err := s.builder.Build(ctx, Request{Since: since, Sent: sent, Guild: sched.GuildID})
	if err != nil {
		return err
	}
	msgs := Render(d, Heading(e, sched.Zone), s.cfg.SkipEmpty)
	row := store.EditionRow{Key: e.Key(), ChannelID: e.ChannelID, DueAt: e.At, Updated: now,
		Owner: s.cfg.Owner, LeaseUntil: clock().Add(s.cfg.Lease)}
	for i, m := range msgs {
		row.Parts = append(row.Parts, store.EditionPart{Index: i, Nonce: e.Nonce(i), Content: m})
	}
	var items []store.SentDoc
	for _, it := range d.Items {
		items = append(items, it.Sent()...)
	}
	claimed, err := s.st.ClaimEdition(ctx, row, items)
	if err != nil || !claimed {
		return err
	}
	s.log.Info("digest edition claimed", slog.String("edition", e.Key()), slog.Int("items", len(d.Items)), slog.Int("messages", len(msgs)))
	s.postParts(ctx, row, now, clock)
	return nil
}

// postParts posts the messages of a claimed edition that have no message
// ID yet. A channel that is gone pauses its schedule; any other failure is
// retried on the next run with the same nonce. When the edition stalled for
// longer than Discord remembers nonces, each part is first looked for in
// the channel, so a post that succeeded just before a crash is not repeated.
// Before each part the lease is renewed; when it cannot be, another
// replica has the edition, and this one stops.
func (s *Scheduler) postParts(ctx context.Context, e store.EditionRow, now time.Time, clock func() time.Time) {
	finder, canFind := s.poster.(Finder)
	stale := canFind && now.Sub(e.Updated) > nonceWindow
	for _, p := range e.Parts {
		if p.MessageID != "" {
			continue
		}
		held, err := s.st.RenewEdition(ctx, e.Key, s.cfg.Owner, clock().Add(s.cfg.Lease))
		if err != nil {
			s.log.Warn("cannot renew the lease on a digest edition; will retry", slog.String("edition", e.Key), slog.Any("error", err))
			return
		}
		if !held {
			s.log.Warn("digest edition taken over by another replica; stopping", slog.String("edition", e.Key))
			return
		}
		// Half the lease: the post is over, one way or the other, well
		// before another replica may take the edition.
		pctx, cancel := context.WithTimeout(ctx, s.cfg.Lease/2)
		done := s.postPart(pctx, ctx, e, p, finder, stale)
		cancel()
		if !done {
			return
		}
	}
	s.log.Info("digest edition posted", slog.String("edition", e.Key))
}

// postPart posts one part (first looking for it in the channel when stale)
// within pctx, and records it; false when the edition must stop here. ctx,
// which outlives pctx, is for the bookkeeping after a failure.
func (s *Scheduler) postPart(pctx, ctx context.Context, e store.EditionRow, p store.EditionPart, finder Finder, stale bool) bool {
	if stale {
		if err := s.pace.wait(pctx); err != nil {
			return false
		}
		id, found, err := finder.FindPosted(pctx, e.ChannelID, p.Content, e.Updated.Add(-time.Minute))
		if channelUnavailable(err) {
			s.channelGone(ctx, e, err)
			return false
		}
		if err != nil {
			s.log.Warn("cannot look for an earlier post; will retry", slog.String("edition", e.Key), slog.Any("error", err))
			return false
		}
		if found {
			s.log.Info("digest part was already posted", slog.String("edition", e.Key), slog.Int("part", p.Index))
			if err := s.st.MarkPartPosted(ctx, e.Key, p.Index, id); err != nil {
				s.log.Error("cannot record a found post", slog.Any("error", err))
				return false
			}
			return true
		}
	}
	if err := s.pace.wait(pctx); err != nil {
		return false
	}
	id, err := s.poster.Post(pctx, e.ChannelID, p.Content, p.Nonce)
	if channelUnavailable(err) {
		s.channelGone(ctx, e, err)
		return false
	}
	if err != nil {
		s.log.Warn("digest post failed; will retry", slog.String("edition", e.Key), slog.Int("part", p.Index), slog.Any("error", err))
		return false
	}
	if err := s.st.MarkPartPosted(ctx, e.Key, p.Index, id); err != nil {
		s.log.Error("digest posted but not recorded; the nonce prevents a duplicate on retry", slog.String("edition", e.Key), slog.Any("error", err))
		return false
	}
	return true
}

func partlyPosted(e store.EditionRow) bool {
	for _, p := range e.Parts {
		if p.MessageID != "" {
			return true
		}
	}
	return false
}

// channelGone pauses the schedule of a channel the bot can no longer post
// to, and gives up the edition: no endless retries.
func (s *Scheduler) channelGone(ctx context.Context, e store.EditionRow, err error) {
	reason := err.Error()
	s.log.Warn("digest channel unavailable; schedule paused", slog.String("channel_id", e.ChannelID), slog.String("reason", reason))
	if perr := s.st.PauseSchedule(ctx, e.ChannelID, reason); perr != nil {
		s.log.Error("cannot pause schedule", slog.Any("error", perr))
	}
	if ferr := s.st.FailEdition(ctx, e.Key, reason); ferr != nil {
		s.log.Error("cannot record failed edition", slog.Any("error", ferr))
	}
}

// Heading is the first line of an edition.
func Heading(e Edition, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return fmt.Sprintf("News digest · %s, %s (%s)", e.At.In(loc).Format("Mon 2 Jan 2006"), e.Clock, zone)
}

// FromRow reads a stored schedule.
func FromRow(r store.ScheduleRow) (Schedule, error) {
	times, err := ParseTimes(r.Times)
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule of channel %s: %w", r.ChannelID, err)
	}
	return Schedule{ChannelID: r.ChannelID, GuildID: r.GuildID, Times: times, Zone: r.Zone, Paused: r.Paused, Created: r.Created}, nil
}

// ToRow is the stored form of a schedule.
func (s Schedule) ToRow() store.ScheduleRow {
	return store.ScheduleRow{ChannelID: s.ChannelID, GuildID: s.GuildID, Times: FormatTimes(s.Times), Zone: s.Zone, Paused: s.Paused, Created: s.Created}
}
