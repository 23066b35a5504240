package webfetch

import "time"

// netipTime is a fixed instant with whole seconds, so HTTP dates round-trip exactly.
func netipTime() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
