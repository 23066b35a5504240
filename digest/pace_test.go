package digest

import (
	"testing"
	"time"
)

// Callers arriving together go one spacing apart, so no second holds more
// than the rate; a caller after a quiet spell goes at once.
func TestPacerSpacesCalls(t *testing.T) {
	p := newPacer(5)
	t0 := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for i := range 10 {
		if got, want := p.slot(t0), t0.Add(time.Duration(i)*200*time.Millisecond); !got.Equal(want) {
			t.Fatalf("caller %d goes at %v, want %v", i, got, want)
		}
	}
	later := t0.Add(time.Minute)
	if got := p.slot(later); !got.Equal(later) {
		t.Fatalf("after a quiet minute a caller waits until %v", got)
	}
	if newPacer(0) != nil {
		t.Fatal("a rate of 0 should mean no pacing")
	}
}
