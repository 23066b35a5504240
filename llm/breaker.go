package llm

import (
	"sync"
	"time"
)

// breaker is a circuit breaker over whole calls (after their retries).
// Closed: calls pass and consecutive failures are counted. Open: calls fail
// fast until the cool-down ends. Then one call goes through as a probe;
// success closes the circuit, failure opens it again.
type breaker struct {
	mu        sync.Mutex
	threshold int
	cooldown  time.Duration
	failures  int
	openUntil time.Time // zero when closed
	probing   bool
}

func newBreaker(threshold int, cooldown time.Duration) *breaker {
	return &breaker{threshold: threshold, cooldown: cooldown}
}

// outcome is how a call ended, as far as the breaker cares.
type outcome int

const (
	outcomeSuccess outcome = iota
	outcomeFailure         // the endpoint is unwell
	outcomeNeutral         // says nothing about the endpoint (bad request, caller gave up)
)

// allow reports whether a call may go ahead; if the circuit is open it
// returns the end of the cool-down, or the zero time when the cool-down is
// over and a probe is deciding. probe is true for the one call let through
// after the cool-down: it must report back with done.
func (b *breaker) allow(now time.Time) (ok, probe bool, until time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openUntil.IsZero() {
		return true, false, time.Time{}
	}
	if b.probing {
		return false, false, time.Time{}
	}
	if now.Before(b.openUntil) {
		return false, false, b.openUntil
	}
	b.probing = true
	return true, true, time.Time{}
}

// done records how a call ended.
func (b *breaker) done(now time.Time, probe bool, o outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch o {
	case outcomeSuccess:
		b.failures = 0
		b.openUntil = time.Time{}
	case outcomeFailure:
		b.failures++
		if probe || (b.openUntil.IsZero() && b.failures >= b.threshold) {
			b.openUntil = now.Add(b.cooldown)
		}
	}
}
