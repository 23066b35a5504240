package store

import (
	"context"
	"fmt"

	"github.com/geobrief/geobrief/corpus"
)

// SyncWarnings records the problems of the documents folder as they are now
// and returns those that were not recorded before: the ones to report. A
// problem that goes away is forgotten, so it is reported again if it comes
// back.
func (s *Store) SyncWarnings(ctx context.Context, warnings []corpus.Warning) (fresh []corpus.Warning, err error) {
	err = s.inTx(ctx, func(tx *sqlTx) error {
		known := map[corpus.Warning]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT file, reason, kept FROM corpus_warnings`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var w corpus.Warning
			if err := rows.Scan(&w.File, &w.Reason, &w.Kept); err != nil {
				rows.Close()
				return err
			}
			known[w] = true
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM corpus_warnings`); err != nil {
			return err
		}
		fresh = fresh[:0]
		for _, w := range warnings {
			if !known[w] {
				fresh = append(fresh, w)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO corpus_warnings (file, reason, kept) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, w.File, w.Reason, w.Kept); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: cannot record the documents' warnings: %w", err)
	}
	return fresh, nil
}
