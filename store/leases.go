package store

import (
	"context"
	"fmt"
	"time"
)

// TryLease takes the lease called name for owner until the moment until,
// and reports whether owner holds it now. It succeeds when nobody holds the
// lease, when its holder's lease ended by now, or when owner holds it
// already (a renewal). It is one conditional statement, so of several
// replicas trying at once exactly one wins.
//
// Times come from the caller's clock: replicas are expected to keep their
// clocks in step (NTP), and leases are long next to the skew that leaves.
func (s *Store) TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	res, err := s.write.ExecContext(ctx, `INSERT INTO leases (name, owner, lease_until) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
		WHERE leases.owner = excluded.owner OR leases.lease_until <= ?`,
		name, owner, until.UnixNano(), now.UnixNano())
	if err != nil {
		return false, fmt.Errorf("store: cannot take lease %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: cannot take lease %q: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives up owner's lease called name, so that another replica
// need not wait for it to run out. A lease owner no longer holds is left as
// it is.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND owner = ?`, name, owner); err != nil {
		return fmt.Errorf("store: cannot release lease %q: %w", name, err)
	}
	return nil
}

// Lease returns who holds the lease called name and until when; found is
// false when nobody has taken it (or it was released).
func (s *Store) Lease(ctx context.Context, name string) (owner string, until time.Time, found bool, err error) {
	rows, err := s.read.QueryContext(ctx, `SELECT owner, lease_until FROM leases WHERE name = ?`, name)
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("store: cannot read lease %q: %w", name, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "", time.Time{}, false, rows.Err()
	}
	var ns int64
	if err := rows.Scan(&owner, &ns); err != nil {
		return "", time.Time{}, false, fmt.Errorf("store: cannot read lease %q: %w", name, err)
	}
	return owner, time.Unix(0, ns).UTC(), true, nil
}
