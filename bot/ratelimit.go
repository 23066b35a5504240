package bot

import (
	"sync"
	"time"
)

// userLimiter allows each user n events per window (a sliding window).
type userLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	users map[string][]time.Time
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
	cutoff := now.Add(-l.window)
	if len(l.users) > 10000 { // forget users who went quiet
		for u, ts := range l.users {
			if len(ts) == 0 || !ts[len(ts)-1].After(cutoff) {
				delete(l.users, u)
			}
		}
	}
	ts := l.users[user]
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
