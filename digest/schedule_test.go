package digest

import (
	"strings"
	"testing"
	"time"
)

func TestParseTimes(t *testing.T) {
	t.Parallel()
	got, err := ParseTimes(" 18:00,08:00 ,08:00")
	if err != nil || FormatTimes(got) != "08:00,18:00" {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", "8", "25:00", "08:60", "8:0", "noon", "08:00,xx"} {
		if _, err := ParseTimes(bad); err == nil {
			t.Errorf("ParseTimes(%q) accepted", bad)
		}
	}
}

func TestLoadZone(t *testing.T) {
	t.Parallel()
	if _, err := LoadZone("Europe/Kyiv"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus", "GMT+3"} {
		if _, err := LoadZone(bad); err == nil || !strings.Contains(err.Error(), "IANA") {
			t.Errorf("LoadZone(%q) = %v", bad, err)
		}
	}
}

func mustEditions(t *testing.T, s Schedule, from, to time.Time) []Edition {
	t.Helper()
	eds, err := s.Editions(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return eds
}

func TestEditionsAcrossDaysAndZones(t *testing.T) {
	t.Parallel()
	times, _ := ParseTimes("08:00,18:00")
	from := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	to := from.Add(48 * time.Hour)
	cases := map[string][]string{
		// Kyiv is UTC+2 in winter: 08:00 local is 06:00 UTC.
		"Europe/Kyiv": {"2026-01-10 08:00 06:00", "2026-01-10 18:00 16:00", "2026-01-11 08:00 06:00", "2026-01-11 18:00 16:00"},
		// New York is UTC-5: 18:00 on the 9th is 23:00 UTC, before from.
		"America/New_York": {"2026-01-10 08:00 13:00", "2026-01-10 18:00 23:00", "2026-01-11 08:00 13:00", "2026-01-11 18:00 23:00"},
		// Tokyo is UTC+9: 18:00 on the 9th is 09:00 UTC on the 9th; 08:00 on the 12th is 23:00 UTC on the 11th.
		"Asia/Tokyo": {"2026-01-10 18:00 09:00", "2026-01-11 08:00 23:00", "2026-01-11 18:00 09:00", "2026-01-12 08:00 23:00"},
	}
	for zone, want := range cases {
		eds := mustEditions(t, Schedule{ChannelID: "c", Times: times, Zone: zone}, from, to)
		var got []string
		for _, e := range eds {
			got = append(got, e.Date+" "+e.Clock.String()+" "+e.At.UTC().Format("15:04"))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %v\nwant %v", zone, got, want)
		}
	}
}

// Kyiv moved its clocks from 03:00 to 04:00 on 29 March 2026 and from 04:00
// back to 03:00 on 25 October 2026.
func TestDaylightSaving(t *testing.T) {
	t.Parallel()
	times, _ := ParseTimes("03:30")
	s := Schedule{ChannelID: "c", Times: times, Zone: "Europe/Kyiv"}

	spring := mustEditions(t, s, time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC))
	if len(spring) != 1 {
		t.Fatalf("spring day editions: %v", spring)
	}
	// 03:30 does not exist that day; the next valid minute is 04:00 EEST = 01:00 UTC.
	if got := spring[0].At.UTC(); !got.Equal(time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("skipped time posts at %s, want 01:00 UTC", got)
	}

	autumn := mustEditions(t, s, time.Date(2026, 10, 24, 12, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 12, 0, 0, 0, time.UTC))
	if len(autumn) != 1 {
		t.Fatalf("03:30 occurs twice on the autumn day but must post once: %v", autumn)
	}
	// The first 03:30 is EEST (UTC+3): 00:30 UTC.
	if got := autumn[0].At.UTC(); !got.Equal(time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)) {
		t.Errorf("repeated time posts at %s, want 00:30 UTC", got)
	}
}

func TestUSDaylightSaving(t *testing.T) {
	t.Parallel()
	times, _ := ParseTimes("02:15,01:30")
	s := Schedule{ChannelID: "c", Times: times, Zone: "America/New_York"}
	// 8 March 2026: 02:00 jumps to 03:00. 01:30 is normal; 02:15 posts at 03:00 EDT (07:00 UTC).
	eds := mustEditions(t, s, time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC))
	if len(eds) != 2 || !eds[1].At.Equal(time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)) || eds[1].Clock.String() != "02:15" {
		t.Fatalf("spring: %v", eds)
	}
	// 1 November 2026: 02:00 goes back to 01:00; 01:30 happens twice, posts once at 05:30 UTC (EDT).
	eds = mustEditions(t, s, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	if len(eds) != 2 || !eds[0].At.Equal(time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)) {
		t.Fatalf("autumn: %v", eds)
	}
}

func TestNonceIsStableShortAndDistinct(t *testing.T) {
	t.Parallel()
	e := Edition{ChannelID: "123", Date: "2026-11-28", Clock: Clock{8, 0}}
	if e.Nonce(0) != e.Nonce(0) || e.Nonce(0) == e.Nonce(1) || len(e.Nonce(0)) > 25 {
		t.Fatalf("nonces %q %q", e.Nonce(0), e.Nonce(1))
	}
	other := e
	other.Clock = Clock{18, 0}
	if other.Nonce(0) == e.Nonce(0) {
		t.Fatal("two editions share a nonce")
	}
}
