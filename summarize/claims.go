package summarize

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// GenerationClaims lets replicas that share one store agree on which of
// them generates a Brief or story brief, so that identical requests
// reaching different replicas make one LLM call (a *store.Store). A claim is a named lease:
// TryLease takes it when it is free, has run out, or is owner's already;
// ReleaseLease gives it up.
type GenerationClaims interface {
	TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	ReleaseLease(ctx context.Context, name, owner string) error
}

// DefaultClaimPoll is how often a replica waiting for another one's Brief
// looks in the cache (Config.ClaimPoll).
const DefaultClaimPoll = 200 * time.Millisecond

// claimMargin is how long a claim outlives the deadline of the generation
// it covers: time to save the Brief, and to absorb clocks a little apart.
const claimMargin = 5 * time.Second

// claimed is what claim found: either the brief (another replica made it)
// or the right to generate it, given back with release.
type claimed[T any] struct {
	brief   T
	found   bool
	release func()
}

// claim makes sure one replica generates the brief under key (a Brief or
// a story brief, read from the cache with cached). Without
// Config.Claims, this process's flight is enough and it returns at once.
// Otherwise it takes the claim, or, while another replica holds it, waits
// for that replica's Brief to reach the cache, polling every
// Config.ClaimPoll; a claim whose holder died runs out (the generation
// deadline plus a margin) and is taken over. The wait ends with ctx, which
// carries the summary deadline. A store that cannot be asked is logged and
// the Brief generated anyway: paying twice is better than not answering.
func claim[T any](ctx context.Context, s *Summarizer, key string, cached func(context.Context, string) (T, bool)) (claimed[T], error) {
	none := claimed[T]{release: func() {}}
	if s.cfg.Claims == nil {
		return none, nil
	}
	lease := s.cfg.Timeout + claimMargin
	waiting := false
	for {
		now := s.cfg.Now()
		won, err := s.cfg.Claims.TryLease(ctx, key, s.cfg.Owner, now, now.Add(lease))
		if err != nil {
			if ctx.Err() != nil {
				return none, ctx.Err()
			}
			s.log.Warn("cannot claim the generation of a brief; generating without a claim", slog.String("key", key), slog.Any("error", err))
			return none, nil
		}
		if won {
			release := func() {
				// The claim is released after the Brief is saved (or the
				// generation failed), also when the caller's context ended.
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				if err := s.cfg.Claims.ReleaseLease(rctx, key, s.cfg.Owner); err != nil {
					s.log.Warn("cannot release the claim on a brief; other replicas wait for it to run out", slog.String("key", key), slog.Any("error", err))
				}
			}
			// Another replica may have saved the Brief and released its
			// claim between our look in the cache and our claim.
			if b, ok := cached(ctx, key); ok {
				release()
				return claimed[T]{brief: b, found: true, release: func() {}}, nil
			}
			return claimed[T]{release: release}, nil
		}
		if !waiting {
			waiting = true
			s.counters.claimWaits.Add(1)
			if s.onClaimWait != nil {
				s.onClaimWait()
			}
		}
		t := time.NewTimer(s.cfg.ClaimPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return none, fmt.Errorf("waiting for another replica's brief: %w", context.Cause(ctx))
		case <-t.C:
		}
		if b, ok := cached(ctx, key); ok {
			return claimed[T]{brief: b, found: true, release: func() {}}, nil
		}
	}
}
