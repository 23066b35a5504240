package summarize

import (
	"context"
	"sync"
)

// flights lets concurrent requests for the same Brief (or story brief)
// share one generation.
//
// Unlike singleflight, the generation does not run on the first caller's
// context: when that caller gives up (a Discord interaction timing out),
// the others keep waiting and the work goes on, and its result is cached.
// Only when every caller has left is the work cancelled, so no goroutine
// outlives all the requests that wanted it.
type flights[T any] struct {
	mu sync.Mutex
	m  map[string]*flight[T]
}

type flight[T any] struct {
	done    chan struct{}
	val     T
	err     error
	waiters int
	cancel  context.CancelFunc
}

func (fs *flights[T]) do(ctx context.Context, key string, work func(context.Context) (T, error)) (T, error) {
	fs.mu.Lock()
	if fs.m == nil {
		fs.m = map[string]*flight[T]{}
	}
	f, ok := fs.m[key]
	if !ok {
		// Values (such as a trace ID) pass through; cancellation does not.
		wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight[T]{done: make(chan struct{}), cancel: cancel}
		fs.m[key] = f
		go func() {
			defer cancel()
			f.val, f.err = work(wctx)
			fs.mu.Lock()
			if fs.m[key] == f {
				delete(fs.m, key)
			}
			fs.mu.Unlock()
			close(f.done)
		}()
	}
	f.waiters++
	fs.mu.Unlock()

	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		fs.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			// Nobody wants this Brief any more: stop paying for it, and let
			// the next caller start afresh rather than join a cancelled flight.
			f.cancel()
			if fs.m[key] == f {
				delete(fs.m, key)
			}
		}
		fs.mu.Unlock()
		var zero T
		return zero, ctx.Err()
	}
}
