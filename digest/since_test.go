package digest

import (
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"24h": now.Add(-24 * time.Hour), "90m": now.Add(-90 * time.Minute), "7d": now.AddDate(0, 0, -7),
		"2025-04-01": time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := ParseSince(in, now, time.UTC); err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "-5h", "yesterday", "7w", "2025-13-01"} {
		if _, err := ParseSince(bad, now, time.UTC); err == nil {
			t.Errorf("ParseSince(%q) accepted", bad)
		}
	}
}
