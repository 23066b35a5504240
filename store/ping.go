package store

import (
	"context"
	"fmt"
)

// Ping checks that the database can be reached: both connection pools on
// SQLite, the server on PostgreSQL (pgx pings with a round trip, so a
// server down or unreachable fails it). A readiness check (/healthz of
// `geobrief serve`) calls it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: database unreachable (reads): %w", err)
	}
	if s.write == s.read {
		return nil
	}
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("store: database unreachable (writes): %w", err)
	}
	return nil
}
