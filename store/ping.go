package store

import (
	"context"
	"fmt"
)

// Ping checks that both connection pools can reach the database: a
// readiness check (/healthz of `geobrief serve`) calls it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: database unreachable (reads): %w", err)
	}
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: database unreachable (writes): %w", err)
	}
	return nil
}
