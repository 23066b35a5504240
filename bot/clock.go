package bot

import "time"

// clock is the time the bot's middleware reads: tests pass a fake one, so
// that what depends on time (progress throttling, the "still working"
// notice) is tested without waiting.
type clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed.
	AfterFunc(d time.Duration, f func()) stopper
}

// stopper stops a pending AfterFunc; false when it already ran or stopped.
type stopper interface{ Stop() bool }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) stopper { return time.AfterFunc(d, f) }
