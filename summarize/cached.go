package summarize

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
)

// What a single-document Brief and a story brief share on their way through
// the LLM: the cache key, the cache itself, one generation per key and the
// offline answer when the LLM fails. The two kinds differ in what they are
// made from and how they are generated, never in these rules, so the rules
// live here once and cannot drift apart.

// metaOf is a pointer to a brief of either kind, through which the shared
// code marks how the brief was made (Meta.Cached, Meta.Fallback).
type metaOf[T any] interface {
	*T
	meta() *Meta
}

func (b *Brief) meta() *Meta      { return &b.Meta }
func (b *StoryBrief) meta() *Meta { return &b.Meta }

// hashKey is a cache key: prefix (which kind of brief) and the hash of the
// parts that decide the brief. A zero byte ends each part, so that text
// moved from one part to the next cannot give the same key.
func hashKey(prefix string, parts ...string) string {
	h := sha256.New()
	for _, part := range parts {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return prefix + hex.EncodeToString(h.Sum(nil))
}

// readCache returns the brief cached under key, marked Meta.Cached. A cache
// that fails or holds an unreadable entry is a miss, logged as one: the
// brief is generated again rather than the request failing. what names the
// kind of brief in the log ("brief", "story brief").
func readCache[T any, P metaOf[T]](ctx context.Context, s *Summarizer, key, what string) (T, bool) {
	var zero T
	if s.cache == nil {
		return zero, false
	}
	data, found, err := s.cache.GetBrief(ctx, key)
	if err != nil {
		s.log.Warn(what+" cache read failed", slog.String("key", key), slog.Any("error", err))
		return zero, false
	}
	if !found {
		return zero, false
	}
	var b T
	if err := json.Unmarshal(data, &b); err != nil {
		s.log.Warn(what+" cache entry unreadable; regenerating", slog.String("key", key), slog.Any("error", err))
		return zero, false
	}
	P(&b).meta().Cached = true
	s.counters.cacheHits.Add(1)
	return b, true
}

// writeCache stores b under key, filed under docID so that it goes when
// that document does. A failed write costs a future LLM call, not this
// answer, so it is logged rather than returned.
func writeCache[T any](ctx context.Context, s *Summarizer, key, docID, what string, b T) {
	if s.cache == nil {
		return
	}
	data, err := json.Marshal(b)
	if err == nil {
		err = s.cache.PutBrief(ctx, key, docID, data)
	}
	if err != nil {
		s.log.Warn(what+" cache write failed", slog.String("doc_id", docID), slog.Any("error", err))
	}
}

// generateOnce answers from the cache, else generates the brief once for
// every caller asking for key at the same time (fl, in this process) and for
// every replica (claims), under Config.Timeout, and caches it. opts.Waiting
// hears when that takes a while.
func generateOnce[T any](ctx context.Context, s *Summarizer, fl *flights[T], key string, opts Options,
	cached func(context.Context, string) (T, bool),
	generate func(context.Context) (T, error),
	save func(context.Context, string, T),
) (T, error) {
	if b, ok := cached(ctx, key); ok {
		return b, nil
	}
	stopWaiting := notifyWaiting(opts.WaitingAfter, opts.Waiting)
	defer stopWaiting()
	return fl.do(ctx, key, func(ctx context.Context) (T, error) {
		var zero T
		// A flight that finished just before this one started has filled the cache.
		if b, ok := cached(ctx, key); ok {
			return b, nil
		}
		ctx, cancel := s.withDeadline(ctx)
		defer cancel()
		// Another replica may be generating it already: one claim wins.
		c, err := claim(ctx, s, key, cached)
		if err != nil {
			return zero, s.deadlineError(ctx, err)
		}
		if c.found {
			return c.brief, nil
		}
		defer c.release() // after the save
		b, err := generate(ctx)
		if err != nil {
			return zero, s.deadlineError(ctx, err)
		}
		s.counters.briefsLLM.Add(1)
		save(ctx, key, b)
		return b, nil
	})
}

// offlineInstead is the offline brief, marked as a fallback with its reason,
// when err is one the offline brief may answer (fallbackReason); ok is false
// when err must be returned. The fallback is logged with what ("Brief",
// "story brief") and attrs naming the request.
func offlineInstead[T any, P metaOf[T]](ctx context.Context, s *Summarizer, err error, offline func() T, what string, attrs ...any) (T, bool) {
	reason, ok := s.fallbackReason(ctx, err)
	if !ok {
		var zero T
		return zero, false
	}
	s.log.Warn("answering with the offline "+what, append(attrs, slog.String("reason", reason), slog.Any("error", err))...)
	s.counters.fallbacks.Add(1)
	b := offline()
	m := P(&b).meta()
	m.Fallback = true
	m.FallbackReason = reason
	return b, true
}
