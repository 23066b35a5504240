package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/bot"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/digest"
	"github.com/geobrief/geobrief/store"
)

// botCmd runs the Discord bot with its digest scheduler and the corpus
// watcher until ctx ends, then shuts down in order: stop taking
// interactions and finish those in flight, stop the scheduler and the
// watcher, close the store.
func botCmd(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.Discord.Token == "" {
		return &exitError{code: 2, err: errors.New("DISCORD_TOKEN is not set: create a bot in the Discord developer portal (see the README) and put its token in .env")}
	}
	lib, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer lib.Close()

	builder := digest.NewBuilder(lib.Store, lib.Summarizer, cfg.Digest.MaxItems, log).WithStories(digestStories{lib})
	bcfg := handlerConfig(cfg, lib, builder, log)
	bcfg.MetricsAddr = cfg.MetricsAddr
	// Sharding is the gateway's alone: the HTTP endpoint receives whatever
	// the load balancer sends it.
	bcfg.ShardID, bcfg.ShardCount = cfg.Discord.ShardID, cfg.Discord.ShardCount
	bcfg.Registry = newMetricsRegistry(lib)
	b, err := bot.New(bcfg, lib, lib.Summarizer)
	if err != nil {
		return err
	}
	if err := ensureDefaultSchedule(ctx, cfg, lib.Store); err != nil {
		return err
	}
	if err := b.Open(ctx); err != nil {
		_ = b.Close(context.Background())
		return err
	}

	work, stopWork := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { lib.Run(work) }) // the corpus watcher, the feed poller and pruning
	scheduler := digest.NewScheduler(lib.Store, builder, b.Channels(), schedulerConfig(cfg, lib, log))
	wg.Go(func() { scheduler.Run(work) })

	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = b.Close(sctx)
	stopWork()
	wg.Wait()
	return err
}

// ensureDefaultSchedule saves the schedule given by DIGEST_CHANNEL_ID,
// DIGEST_TIMES and DIGEST_TIMEZONE. An unchanged schedule is left alone, so
// a restart neither resets it nor re-posts anything. A default schedule the
// environment no longer names is removed, unless /digest-schedule set has
// replaced it since (it is then that command's).
func ensureDefaultSchedule(ctx context.Context, cfg config.Config, st *store.Store) error {
	d := cfg.Digest
	prev, had, err := st.GetDefaultSchedule(ctx)
	if err != nil {
		return err
	}
	if had && prev.ChannelID != d.ChannelID {
		if _, err := st.RemoveDefaultSchedule(ctx); err != nil {
			return err
		}
	}
	if d.ChannelID == "" {
		return nil
	}
	times, err := digest.ParseTimes(d.Times)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("DIGEST_TIMES=%q: %v", d.Times, err)}
	}
	want := digest.Schedule{ChannelID: d.ChannelID, GuildID: cfg.Discord.GuildID, Times: times, Zone: d.Timezone, Created: time.Now().UTC()}.ToRow()
	rows, err := st.Schedules(ctx, "")
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.ChannelID == want.ChannelID && r.Times == want.Times && r.Zone == want.Zone {
			return st.SetDefaultSchedule(ctx, store.DefaultSchedule{ChannelID: r.ChannelID, Created: r.Created})
		}
	}
	if err := st.PutSchedule(ctx, want); err != nil {
		return err
	}
	return st.SetDefaultSchedule(ctx, store.DefaultSchedule{ChannelID: want.ChannelID, Created: want.Created})
}

// feedLister counts the feeds for /help.
type feedLister interface {
	Feeds(ctx context.Context) ([]app.FeedInfo, error)
}

// liveSourcesText is the /help line as the feed list stands now: feeds
// change with /feeds add and remove while the bot runs.
func liveSourcesText(ctx context.Context, cfg config.Config, lib feedLister, log *slog.Logger) string {
	list, err := lib.Feeds(ctx)
	if err != nil {
		log.Warn("cannot count the feeds for /help", slog.Any("error", err))
	}
	return feedsSourcesText(cfg, len(list))
}

// sourcesText tells where the seed documents come from (built in, or the
// operator's folder): the /help line when there are no feeds.
func sourcesText(cfg config.Config) string {
	if cfg.SeedsDir == "" {
		return "geobrief's built-in documents: short news reports written for the project from a Reuters-based report on US–Russia diplomacy (April 2025)."
	}
	return "A folder of news documents chosen by this server's operator, indexed for search and kept up to date as files change."
}

// feedsSourcesText tells where documents come from: live news when there
// are feeds, and the seeds beside them.
func feedsSourcesText(cfg config.Config, feeds int) string {
	seeds := sourcesText(cfg)
	if feeds == 0 {
		return seeds
	}
	feedWord := "feeds"
	if feeds == 1 {
		feedWord = "feed"
	}
	return fmt.Sprintf("Live news from %d %s chosen by the bot's operator (see `/feeds list`), each article fetched and kept for %s. Besides: %s",
		feeds, feedWord, docsLifetime(cfg.Feeds.MaxAge), seeds)
}

// docsLifetime says how long web documents stay (DOCS_MAX_AGE).
func docsLifetime(age time.Duration) string {
	switch {
	case age <= 0:
		return "good"
	case age%(24*time.Hour) == 0:
		if d := int(age / (24 * time.Hour)); d != 1 {
			return fmt.Sprintf("%d days", d)
		}
		return "a day"
	}
	return age.String()
}

// schedulerConfig is the digest scheduler's settings, the same for both
// transports: with several replicas on one database, every replica runs a
// scheduler and the store's edition claims decide who posts.
func schedulerConfig(cfg config.Config, lib *app.App, log *slog.Logger) digest.SchedulerConfig {
	return digest.SchedulerConfig{
		Window: cfg.Digest.Window, Catchup: cfg.Digest.Catchup, SkipEmpty: cfg.Digest.SkipEmpty,
		PostsPerSecond: float64(cfg.Digest.PostsPerSecond), Lease: cfg.Digest.Lease,
		Owner: lib.SchedulerOwner(), Every: cfg.Digest.CheckEvery, Logger: log,
	}
}

// handlerConfig is the part of the bot's settings both transports share
// (the gateway of `geobrief bot`, the HTTP endpoint of `geobrief serve`), so
// that /feeds, the worker pool and /help cannot differ between them.
func handlerConfig(cfg config.Config, lib *app.App, builder *digest.Builder, log *slog.Logger) bot.Config {
	return bot.Config{
		Token:             cfg.Discord.Token,
		GuildID:           cfg.Discord.GuildID,
		APIURL:            cfg.Discord.APIURL,
		UserRatePerMinute: cfg.Discord.UserRatePerMinute,
		Logger:            log,
		Workers:           cfg.Discord.Workers,
		StillWorkingAfter: cfg.Discord.StillWorkingAfter,
		SourcesText:       sourcesText(cfg),
		Sources:           func(ctx context.Context) string { return liveSourcesText(ctx, cfg, lib, log) },
		Digests:           &bot.Digests{Builder: builder, Schedules: lib.Store, Window: cfg.Digest.Window},
		Feeds:             lib,
		Stories:           lib,
		StoryBriefs:       lib,
		AdminUserIDs:      cfg.Discord.AdminUserIDs,
	}
}
