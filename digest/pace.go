package digest

import (
	"context"
	"sync"
	"time"
)

// pacer spaces calls to at most a given number a second. Discord limits a
// bot to 50 REST requests a second in sum over all its processes
// (interaction responses aside), and every message a digest posts is one;
// each replica's scheduler paces its own so that the replicas together
// stay under that (SchedulerConfig.PostsPerSecond).
type pacer struct {
	every time.Duration

	mu   sync.Mutex
	next time.Time // when the next call may go
}

// newPacer returns a pacer of perSecond calls a second; nil (no pacing)
// when perSecond is 0 or less.
func newPacer(perSecond float64) *pacer {
	if perSecond <= 0 {
		return nil
	}
	return &pacer{every: time.Duration(float64(time.Second) / perSecond)}
}

// wait returns when the caller's turn has come, or with ctx's error.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	d := time.Until(p.slot(time.Now()))
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// slot books the next turn for a caller arriving at now and returns when
// it is: now, when the last turn is long enough ago, else one spacing
// after the last turn.
func (p *pacer) slot(now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next.Before(now) {
		p.next = now
	}
	at := p.next
	p.next = p.next.Add(p.every)
	return at
}
