// Package digest builds news digests and posts them on per-channel
// schedules, each edition exactly once across restarts and crashes.
package digest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Clock is a local time of day.
type Clock struct{ Hour, Minute int }

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// ParseTimes reads a list such as "08:00, 18:30". Times are sorted and
// duplicates dropped.
func ParseTimes(s string) ([]Clock, error) {
	seen := map[Clock]bool{}
	var out []Clock
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		h, m, ok := strings.Cut(part, ":")
		hour, err1 := strconv.Atoi(h)
		minute, err2 := strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 || len(m) != 2 {
			return nil, fmt.Errorf("%q is not a time of day like 08:00 or 18:30", part)
		}
		c := Clock{hour, minute}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no times given: write them like 08:00,18:00")
	}
	if len(out) > 24 {
		return nil, fmt.Errorf("at most 24 digests a day, got %d", len(out))
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Hour*60+out[i].Minute < out[j].Hour*60+out[j].Minute
	})
	return out, nil
}

// FormatTimes is the inverse of ParseTimes.
func FormatTimes(cs []Clock) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, ",")
}

// LoadZone reads an IANA time zone name such as Europe/Kyiv.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("give an IANA time zone such as Europe/Kyiv or America/New_York")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone (such as Europe/Kyiv or America/New_York)", name)
	}
	return loc, nil
}

// Schedule says when a channel gets its digests.
type Schedule struct {
	ChannelID string
	GuildID   string
	Times     []Clock
	Zone      string
	// Paused is why posting stopped (channel deleted, permission lost); empty
	// while the schedule is active.
	Paused  string
	Created time.Time
}

// Edition is one scheduled digest of one channel: its local date and time.
// It is posted once, whatever happens.
type Edition struct {
	ChannelID string
	Date      string // local date, 2006-01-02
	Clock     Clock
	At        time.Time // the instant it is due
}

// Key identifies the edition in the store.
func (e Edition) Key() string { return e.ChannelID + "/" + e.Date + "/" + e.Clock.String() }

// Nonce is the Discord nonce of part n of the edition's messages. Discord
// drops a second create with the same nonce (enforce_nonce), so a post
// repeated after a crash does not appear twice. Nonces are at most 25
// characters.
func (e Edition) Nonce(part int) string {
	h := sha256.Sum256([]byte(e.Key() + "#" + strconv.Itoa(part)))
	return "gb" + hex.EncodeToString(h[:])[:23]
}

// at returns the instant of clock c on the local date y-m-d in loc. A time
// skipped by a daylight-saving jump runs at the first valid minute after
// it; a time that occurs twice runs at its first occurrence.
func at(y int, m time.Month, d int, c Clock, loc *time.Location) time.Time {
	for k := 0; k <= 180; k++ {
		t := time.Date(y, m, d, c.Hour, c.Minute+k, 0, 0, loc)
		if k == 0 && t.Hour() == c.Hour && t.Minute() == c.Minute {
			return firstOccurrence(t, loc)
		}
		// Past the gap, the wall clock reads what was asked for again.
		if k > 0 && t.Day() == d && t.Hour()*60+t.Minute() == c.Hour*60+c.Minute+k {
			return t
		}
	}
	return time.Date(y, m, d, c.Hour, c.Minute, 0, 0, loc)
}

// firstOccurrence moves t to the earlier of two instants that share its wall
// clock, when the clock was turned back.
func firstOccurrence(t time.Time, loc *time.Location) time.Time {
	for _, back := range []time.Duration{time.Hour, 30 * time.Minute} {
		e := t.Add(-back).In(loc)
		if e.Hour() == t.Hour() && e.Minute() == t.Minute() && e.Day() == t.Day() {
			return e
		}
	}
	return t
}

// Editions lists the editions of s due in (from, to], oldest first.
func (s Schedule) Editions(from, to time.Time) ([]Edition, error) {
	loc, err := LoadZone(s.Zone)
	if err != nil {
		return nil, err
	}
	var out []Edition
	// Start a day early: the first local date can begin before from in UTC.
	day := from.In(loc).AddDate(0, 0, -1)
	end := to.In(loc).AddDate(0, 0, 1)
	for !day.After(end) {
		y, m, d := day.Date()
		for _, c := range s.Times {
			t := at(y, m, d, c, loc)
			if t.After(from) && !t.After(to) {
				out = append(out, Edition{ChannelID: s.ChannelID, Date: fmt.Sprintf("%04d-%02d-%02d", y, m, d), Clock: c, At: t})
			}
		}
		day = time.Date(y, m, d+1, 12, 0, 0, 0, loc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
