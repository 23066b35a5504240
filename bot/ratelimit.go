package bot

import (
	"sync"
	"time"
)

// userLimiter allows each user n events per window (a sliding window).
//
// Users are kept in two generations so that forgetting quiet users never
// walks the map: users holds those seen since rotated, old those last seen in
// the window before. Once a window has passed since rotated, old is dropped
// and users becomes old. A user in old at that point was last seen more than
// a window ago, so none of its events still count; memory is bounded by the
// users seen in the last two windows.
type userLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	users   map[string][]time.Time
	old     map[string][]time.Time
	rotated time.Time
}

func newUserLimiter(n int, window time.Duration) *userLimiter {
	return &userLimiter{n: n, window: window, now: time.Now, users: map[string][]time.Time{}}
}

// allow records an event for user and reports whether it is within the
// limit; when not, it also returns how long until the next one is allowed.
func (l *userLimiter) allow(user string) (bool, time.Duration) {
	if l.n < 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.rotate(now)
	cutoff := now.Add(-l.window)
	ts, ok := l.users[user]
	if !ok {
		if ts, ok = l.old[user]; ok {
			delete(l.old, user)
		}
	}
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.n {
		l.users[user] = ts
		return false, ts[0].Sub(cutoff)
	}
	l.users[user] = append(ts, now)
	return true, 0
}

// rotate moves to the next generation once a window has passed since the
// last rotation. Every user in users was last seen less than a window after
// rotated, so after two windows none of them has an event that counts.
func (l *userLimiter) rotate(now time.Time) {
	since := now.Sub(l.rotated)
	switch {
	case since < l.window:
		return
	case since < 2*l.window:
		l.old, l.users = l.users, map[string][]time.Time{}
	default:
		l.old, l.users = nil, map[string][]time.Time{}
	}
	l.rotated = now
}

// refund takes back the user's latest event: the request it allowed did no
// work (its input was rejected).
func (l *userLimiter) refund(user string) {
	if l.n < 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if ts := l.users[user]; len(ts) > 0 {
		l.users[user] = ts[:len(ts)-1]
	}
}
