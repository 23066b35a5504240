package latency

import (
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	t.Parallel()
	ds := []time.Duration{5, 1, 4, 2, 3} // milliseconds, out of order
	for i := range ds {
		ds[i] *= time.Millisecond
	}
	for _, tt := range []struct {
		p    int
		want time.Duration
	}{{0, time.Millisecond}, {20, time.Millisecond}, {50, 3 * time.Millisecond}, {99, 5 * time.Millisecond}, {100, 5 * time.Millisecond}} {
		if got := Percentile(ds, tt.p); got != tt.want {
			t.Errorf("p%d = %v, want %v", tt.p, got, tt.want)
		}
	}
	if ds[0] != 5*time.Millisecond {
		t.Error("the input was reordered")
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty input")
	}
}

func TestNearestRankKeepsMicroseconds(t *testing.T) {
	t.Parallel()
	ds := []time.Duration{40 * time.Microsecond, 20 * time.Microsecond, 30 * time.Microsecond}
	if got := NearestRank(ds, 50); got != 30*time.Microsecond {
		t.Errorf("p50 = %v, want 30µs", got)
	}
	if got := Percentile(ds, 50); got != 0 {
		t.Errorf("Percentile rounds to 0.1 ms: p50 = %v, want 0", got)
	}
}
