package bot

import (
	"context"
	"sync"
	"time"
)

// ackGate lets work wait while interactions that arrived are still to be
// acknowledged: under a burst, acknowledging comes first (Discord's 3 s
// deadline is for the first answer only; the work can come a moment
// later). The wait is bounded, so a steady stream of new interactions
// cannot starve the work.
type ackGate struct {
	mu      sync.Mutex
	pending int
	clear   chan struct{} // closed when pending drops to 0
}

func newAckGate() *ackGate {
	c := make(chan struct{})
	close(c)
	return &ackGate{clear: c}
}

// arrived counts an interaction to be acknowledged.
func (g *ackGate) arrived() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pending == 0 {
		g.clear = make(chan struct{})
	}
	g.pending++
}

// acked counts it as acknowledged (or given up).
func (g *ackGate) acked() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending--
	if g.pending == 0 {
		close(g.clear)
	}
}

// wait returns once no acknowledgement is pending, after at most limit, or
// when ctx ends.
func (g *ackGate) wait(ctx context.Context, c clock, limit time.Duration) {
	g.mu.Lock()
	clear := g.clear
	g.mu.Unlock()
	select {
	case <-clear:
		return
	default:
	}
	timeout := make(chan struct{})
	t := c.AfterFunc(limit, func() { close(timeout) })
	defer t.Stop()
	select {
	case <-clear:
	case <-timeout:
	case <-ctx.Done():
	}
}
