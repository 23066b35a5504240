// Package batch holds the two ways geobrief splits up work: running one
// function over many items with bounded concurrency while reporting
// progress, and packing items in order into groups that fit a size limit.
// Summaries (map-reduce parts), digests (one Brief per item) and Discord
// messages (blocks packed into 2,000 characters) all need one or the other.
package batch

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Each calls fn for every index in [0, n), at most parallel at a time
// (parallel < 1: one at a time). The first error cancels the context the
// others get and is returned. progress, when set, is told after each call
// that succeeds how many have succeeded so far; its calls never overlap, so
// it needs no lock of its own.
func Each(ctx context.Context, n, parallel int, progress func(done, total int), fn func(ctx context.Context, i int) error) error {
	if parallel < 1 {
		parallel = 1
	}
	var (
		mu   sync.Mutex
		done int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i := range n {
		g.Go(func() error {
			if err := fn(gctx, i); err != nil {
				return err
			}
			if progress != nil {
				mu.Lock()
				done++
				progress(done, n)
				mu.Unlock()
			}
			return nil
		})
	}
	return g.Wait()
}

// Limit says how big a group may grow.
type Limit struct {
	// Max is the most a group may hold: its items' sizes plus Sep between
	// each two neighbours. An item bigger than Max alone gets a group of its
	// own; callers that cannot send such a group cut the item first.
	Max int
	// Sep is the size of the separator between two items of a group.
	Sep int
	// MinItems keeps a group open until it holds this many items, even past
	// Max, and lets a lone last item join the group before it. Combining
	// briefs needs it: a group of one would make no progress. 0 or 1: none.
	MinItems int
}

// Pack groups items, in order, into consecutive groups within l. Every item
// lands in exactly one group; nothing is dropped or reordered.
func Pack[T any](items []T, size func(T) int, l Limit) [][]T {
	var groups [][]T
	var cur []T
	total := 0
	for _, it := range items {
		s := size(it)
		if len(cur) > 0 && len(cur) >= l.MinItems && total+l.Sep+s > l.Max {
			groups = append(groups, cur)
			cur, total = nil, 0
		}
		if len(cur) > 0 {
			total += l.Sep
		}
		cur = append(cur, it)
		total += s
	}
	switch {
	case len(cur) == 0:
	case l.MinItems > 1 && len(cur) < l.MinItems && len(groups) > 0:
		groups[len(groups)-1] = append(groups[len(groups)-1], cur...)
	default:
		groups = append(groups, cur)
	}
	return groups
}
