// Package fakeclock is a clock that tests set and move by hand, so that
// leases, breakers, budgets and schedules are tested without waiting on the
// real time. It is safe for concurrent use: the code under test often reads
// it from its own goroutines.
package fakeclock

import (
	"sync"
	"time"
)

// Clock is a settable clock; its Now method is what the code under test is
// given in place of time.Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock that reads t until it is moved.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (back, for a negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
