package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseSince reads how far back a digest reaches: a duration ("24h",
// "90m"), a number of days ("7d") or a date ("2025-04-01", midnight in loc).
func ParseSince(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a duration (24h), a number of days (7d) or a date (2025-04-01)", s)
}
