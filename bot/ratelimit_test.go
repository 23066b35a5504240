package bot

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// fakeClock is a time source for the limiter that moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestLimiter(n int, window time.Duration) (*userLimiter, *fakeClock) {
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := newUserLimiter(n, window)
	l.now = c.now
	return l, c
}

// BenchmarkUserLimiterManyUsers measures allow while 20,000 users are in
// the window, each call from a user of its own, as under a raid.
func BenchmarkUserLimiterManyUsers(b *testing.B) {
	l, c := newTestLimiter(5, time.Minute)
	users := make([]string, 20000)
	for i := range users {
		users[i] = fmt.Sprintf("user-%d", i)
		l.allow(users[i])
	}
	for i := 0; b.Loop(); i++ {
		if i%len(users) == 0 {
			c.advance(time.Millisecond)
		}
		l.allow(users[i%len(users)])
	}
}

// tracked returns how many users l holds events for.
func tracked(l *userLimiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.users) + len(l.old)
}

func TestUserLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter(2, time.Minute)
	check := func(user string, wantOK bool, wantWait time.Duration) {
		t.Helper()
		ok, wait := l.allow(user)
		if ok != wantOK || wait != wantWait {
			t.Errorf("%s at %s: allow = %v, %s; want %v, %s", user, c.t.Format("15:04:05"), ok, wait, wantOK, wantWait)
		}
	}
	check("u1", true, 0) // 00:00
	c.advance(10 * time.Second)
	check("u1", true, 0)
	c.advance(10 * time.Second)
	check("u1", false, 40*time.Second) // the 00:00 event leaves the window at 01:00
	check("u2", true, 0)               // other users are not affected
	c.advance(40 * time.Second)
	check("u1", true, 0) // 01:00: the 00:00 event no longer counts
	c.advance(time.Second)
	check("u1", false, 9*time.Second)
}

func TestUserLimiterDisabled(t *testing.T) {
	t.Parallel()
	l, _ := newTestLimiter(-1, time.Minute)
	for range 100 {
		if ok, _ := l.allow("u1"); !ok {
			t.Fatal("a disabled limiter refused an event")
		}
	}
}

// A user whose events are still in the window when the generations turn
// over keeps them.
func TestUserLimiterKeepsEventsAcrossGenerations(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter(2, time.Minute)
	l.allow("u0") // 00:00, the first generation starts
	c.advance(50 * time.Second)
	l.allow("u1")
	l.allow("u1")
	c.advance(15 * time.Second) // 01:05: the generations turn over
	if ok, wait := l.allow("u1"); ok || wait != 45*time.Second {
		t.Errorf("01:05: allow = %v, %s; want false, 45s", ok, wait)
	}
	c.advance(65 * time.Second) // 02:10: turn over again; 00:50 is out of the window
	if ok, _ := l.allow("u1"); !ok {
		t.Error("02:10: refused, want allowed")
	}
}

// Quiet users are forgotten within two windows, without any call walking
// the users.
func TestUserLimiterForgetsQuietUsers(t *testing.T) {
	t.Parallel()
	l, c := newTestLimiter(5, time.Minute)
	for i := range 20000 {
		l.allow(fmt.Sprintf("user-%d", i))
	}
	if n := tracked(l); n != 20000 {
		t.Fatalf("tracked %d users, want 20000", n)
	}
	c.advance(time.Minute)
	l.allow("x")
	c.advance(time.Minute)
	l.allow("x")
	if n := tracked(l); n != 1 {
		t.Errorf("after two quiet windows: tracked %d users, want 1", n)
	}
	c.advance(3 * time.Minute)
	l.allow("y")
	if n := tracked(l); n != 1 {
		t.Errorf("after three more minutes: tracked %d users, want 1", n)
	}
}

// The limiter answers as a sliding window that never forgets anything would,
// over random users and random gaps between events.
func TestUserLimiterMatchesUnboundedLog(t *testing.T) {
	t.Parallel()
	const n, window = 3, time.Minute
	l, c := newTestLimiter(n, window)
	rng := rand.New(rand.NewPCG(7, 8))
	events := map[string][]time.Time{} // every allowed event, never pruned
	refused := 0
	for step := range 20000 {
		c.advance(time.Duration(rng.IntN(int(10 * time.Second))))
		user := fmt.Sprintf("u%d", rng.IntN(5))
		cutoff := c.t.Add(-window)
		var inWindow []time.Time
		for _, e := range events[user] {
			if e.After(cutoff) {
				inWindow = append(inWindow, e)
			}
		}
		wantOK, wantWait := true, time.Duration(0)
		if len(inWindow) >= n {
			wantOK, wantWait = false, inWindow[0].Sub(cutoff)
			refused++
		} else {
			events[user] = append(events[user], c.t)
		}
		if ok, wait := l.allow(user); ok != wantOK || wait != wantWait {
			t.Fatalf("step %d, %s: allow = %v, %s; want %v, %s", step, user, ok, wait, wantOK, wantWait)
		}
	}
	if refused < 1000 {
		t.Errorf("only %d of 20000 events refused: the test does not exercise the limit", refused)
	}
}
