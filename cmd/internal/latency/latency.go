// Package latency holds what the load tools share for reporting times.
package latency

import (
	"slices"
	"time"
)

// Percentile is the p-th percentile (nearest rank) of ds, rounded to
// 0.1 ms. ds is not reordered.
func Percentile(ds []time.Duration, p int) time.Duration {
	return NearestRank(ds, p).Round(100 * time.Microsecond)
}

// NearestRank is the p-th percentile (nearest rank) of ds, not rounded:
// for calls that take well under 0.1 ms, such as a cache hit in a local
// database, which Percentile would report as 0. ds is not reordered.
func NearestRank(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	i = min(max(i-1, 0), len(s)-1)
	return s[i]
}
