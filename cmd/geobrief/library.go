package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/llm"
	"github.com/geobrief/geobrief/seeds"
	"github.com/geobrief/geobrief/store"
	"github.com/geobrief/geobrief/summarize"
)

// library is the corpus, indexed in the store, and the summarizer over it.
type library struct {
	store      *store.Store
	summarizer *summarize.Summarizer
	llm        *llm.Client // nil when offline
	seeds      fs.FS
	snapshot   corpus.Snapshot // of seeds, taken before the first load
}

func (l *library) Close() {
	if l.llm != nil {
		l.llm.Close()
	}
	l.store.Close()
}

// openLibrary loads the documents, brings the index up to date (only
// changed files are re-indexed) and sets up the summarizer.
func openLibrary(ctx context.Context, cfg config.Config, log *slog.Logger) (*library, error) {
	seedFS := fs.FS(seeds.FS)
	if cfg.SeedsDir != "" {
		info, err := os.Stat(cfg.SeedsDir)
		if err != nil || !info.IsDir() {
			return nil, fmt.Errorf("SEEDS_DIR=%q is not a readable folder", cfg.SeedsDir)
		}
		seedFS = os.DirFS(cfg.SeedsDir)
	}
	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the data folder (DATA_DIR=%q): %w", cfg.DataDir, err)
	}
	// The snapshot comes before the load, so that watch notices a file that
	// changes while the first load is indexing.
	lib := &library{store: st, seeds: seedFS, snapshot: corpus.TakeSnapshot(seedFS)}
	docs, warnings := corpus.Load(seedFS)
	if err := lib.sync(ctx, log, docs, warnings); err != nil {
		st.Close()
		return nil, err
	}

	scfg := summarize.Config{
		Model:           cfg.LLM.Model,
		ContextTokens:   cfg.LLM.ContextTokens,
		FallbackOffline: cfg.LLM.Fallback == "offline",
		Logger:          log,
	}
	var completer summarize.Completer
	if cfg.LLM.Enabled() {
		lib.llm = newLLMClient(cfg, st, log)
		completer = lib.llm
	} else {
		scfg.Model = summarize.OfflineModel
	}
	lib.summarizer, err = summarize.New(scfg, completer, st)
	if err != nil {
		lib.Close()
		return nil, err
	}
	return lib, nil
}

func newLLMClient(cfg config.Config, ledger llm.Ledger, log *slog.Logger) *llm.Client {
	retries := cfg.LLM.MaxRetries
	if retries == 0 {
		retries = -1 // the client reads 0 as "default"; the user said none
	}
	return llm.New(llm.Config{
		BaseURL:               cfg.LLM.BaseURL,
		APIKey:                cfg.LLM.APIKey,
		Model:                 cfg.LLM.Model,
		JSONMode:              cfg.LLM.JSONMode,
		Timeout:               cfg.LLM.Timeout,
		MaxRetries:            retries,
		MaxConcurrency:        cfg.LLM.MaxConcurrency,
		DailyTokenBudget:      cfg.LLM.DailyTokenBudget,
		GuildDailyTokenBudget: cfg.LLM.GuildTokenBudget,
		Logger:                log,
	}, ledger)
}

// sync brings the index in line with the documents just loaded; only
// changed files are written.
func (l *library) sync(ctx context.Context, log *slog.Logger, docs []corpus.Document, warnings []corpus.Warning) error {
	for _, w := range warnings {
		if w.File == "" {
			// The folder itself could not be read. Syncing the empty list would
			// drop every indexed document, so keep the index as it is.
			return fmt.Errorf("cannot read the documents folder: %s", w.Reason)
		}
		log.Warn("document skipped", slog.String("file", w.File), slog.String("reason", w.Reason))
	}
	start := time.Now()
	stats, err := l.store.SyncDocuments(ctx, docs)
	if err != nil {
		return fmt.Errorf("cannot index the documents: %w", err)
	}
	log.Debug("index up to date",
		slog.Int("added", stats.Added), slog.Int("updated", stats.Updated),
		slog.Int("removed", stats.Removed), slog.Int("unchanged", stats.Unchanged),
		slog.Duration("took", time.Since(start)))
	return nil
}

// watch re-indexes the corpus whenever its folder changes, until ctx ends.
// The embedded documents never change, so there is nothing to watch then.
func (l *library) watch(ctx context.Context, cfg config.Config, log *slog.Logger) {
	if cfg.SeedsDir == "" {
		return
	}
	corpus.Poll(ctx, l.seeds, cfg.SeedsPoll, l.snapshot, func(docs []corpus.Document, warnings []corpus.Warning) error {
		if err := l.sync(ctx, log, docs, warnings); err != nil {
			log.Error("re-indexing failed; will retry", slog.Any("error", err))
			return err
		}
		log.Info("documents changed; index updated", slog.Int("documents", len(docs)))
		return nil
	})
}
