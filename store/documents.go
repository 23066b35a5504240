package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// SyncStats counts what SyncDocuments did.
type SyncStats struct {
	Added     int
	Updated   int
	Removed   int
	Unchanged int
}

// SyncDocuments makes the stored seed documents (the embedded ones or
// SEEDS_DIR's) equal to docs, in one transaction: documents not stored yet
// are added, those whose Hash changed are replaced, and stored seed
// documents whose ID is not in docs are removed together with their cached
// briefs. Web documents (SaveWebDocument) are never removed by it. Documents
// with an unchanged Hash are not touched, so syncing the same documents
// twice writes nothing. If an ID repeats in docs, the last one wins. Briefs
// of replaced documents are dropped as well, since they summarize the old
// text.
func (s *Store) SyncDocuments(ctx context.Context, docs []corpus.Document) (SyncStats, error) {
	// Search caches document frequencies until the documents change.
	defer s.dfs.invalidate()
	var st SyncStats

	// Deduplicate first, keeping the last document of each ID.
	want := make(map[string]int, len(docs))
	for i, d := range docs {
		want[d.ID] = i
	}

	err := s.inTx(ctx, func(tx *sqlTx) error {
		if err := s.lockDocuments(ctx, tx); err != nil {
			return err
		}
		stored := make(map[string]string, len(want))
		// Only seed documents: web documents are not the folder's to remove.
		rows, err := tx.QueryContext(ctx, `SELECT id, hash FROM documents WHERE origin = 'seed'`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, hash string
			if err := rows.Scan(&id, &hash); err != nil {
				rows.Close()
				return err
			}
			stored[id] = hash
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}

		var insert, update, remove, dropBriefs *sql.Stmt
		prepare := func(p **sql.Stmt, query string) error {
			if *p != nil {
				return nil
			}
			stmt, err := tx.PrepareContext(ctx, query)
			if err != nil {
				return err
			}
			*p = stmt
			return nil
		}
		defer func() {
			for _, p := range []*sql.Stmt{insert, update, remove, dropBriefs} {
				if p != nil {
					p.Close()
				}
			}
		}()

		// New documents go in oldest first, so that rowids follow Added:
		// broad searches and autocomplete look at the newest rowids first.
		order := make([]int, 0, len(want))
		for i, d := range docs {
			if want[d.ID] == i { // else a later document has the same ID
				order = append(order, i)
			}
		}
		slices.SortStableFunc(order, func(a, b int) int { return docs[a].Added.Compare(docs[b].Added) })

		for _, i := range order {
			d := docs[i]
			hash, ok := stored[d.ID]
			switch {
			case ok && hash == d.Hash:
				st.Unchanged++
				continue
			case ok:
				if err := prepare(&update, `UPDATE documents SET title = ?, source = ?, url = ?,
					language = ?, tags = ?, published = ?, added = ?, hash = ?, body = ? WHERE id = ?`); err != nil {
					return err
				}
				if err := prepare(&dropBriefs, `DELETE FROM briefs WHERE doc_id = ?`); err != nil {
					return err
				}
				args, err := documentArgs(d)
				if err != nil {
					return err
				}
				if _, err := update.ExecContext(ctx, append(args[1:], d.ID)...); err != nil {
					return fmt.Errorf("update %q: %w", d.ID, err)
				}
				if _, err := dropBriefs.ExecContext(ctx, d.ID); err != nil {
					return err
				}
				st.Updated++
			default:
				// A web document with this ID gives way: a file the operator
				// named so is theirs.
				if err := dropWebDocument(ctx, tx, d.ID); err != nil {
					return fmt.Errorf("replace web document %q: %w", d.ID, err)
				}
				if err := prepare(&insert, `INSERT INTO documents (id, title, source, url,
					language, tags, published, added, hash, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
					return err
				}
				args, err := documentArgs(d)
				if err != nil {
					return err
				}
				if _, err := insert.ExecContext(ctx, args...); err != nil {
					return fmt.Errorf("insert %q: %w", d.ID, err)
				}
				st.Added++
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}

		for id := range stored {
			if _, ok := want[id]; ok {
				continue
			}
			if err := prepare(&remove, `DELETE FROM documents WHERE id = ?`); err != nil {
				return err
			}
			if err := prepare(&dropBriefs, `DELETE FROM briefs WHERE doc_id = ?`); err != nil {
				return err
			}
			if _, err := remove.ExecContext(ctx, id); err != nil {
				return fmt.Errorf("delete %q: %w", id, err)
			}
			if _, err := dropBriefs.ExecContext(ctx, id); err != nil {
				return err
			}
			st.Removed++
		}
		return nil
	})
	if err != nil {
		return SyncStats{}, fmt.Errorf("store: cannot sync documents: %w", err)
	}
	// A large sync leaves a WAL file the size of its transaction; fold it
	// into the database and truncate it now rather than keep it around.
	if s.dialect == sqlite && st.Added+st.Updated+st.Removed >= 1000 {
		if _, err := s.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return st, fmt.Errorf("store: cannot checkpoint after sync: %w", err)
		}
	}
	return st, nil
}

// documentArgs returns the column values of d in the order id, title, source,
// url, language, tags, published, added, hash, body.
func documentArgs(d corpus.Document) ([]any, error) {
	tags := d.Tags
	if tags == nil {
		tags = []string{}
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return nil, err
	}
	return []any{d.ID, d.Title, d.Source, d.URL, d.Language, string(tagsJSON),
		nullableTime(d.Published), d.Added.UnixNano(), d.Hash, d.Body}, nil
}

// nullableTime stores the zero time as NULL.
func nullableTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// fromNanos turns a stored time back into a UTC time; NULL becomes the zero time.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

const (
	documentColumns = `id, title, source, url, language, tags, published, added, hash, body`
	documentSQL     = `SELECT ` + documentColumns + ` FROM documents WHERE id = ?`
	countSQL        = `SELECT count(*) FROM documents`
)

type rowScanner interface {
	Scan(dest ...any) error
}

func scanDocument(r rowScanner) (corpus.Document, error) {
	var (
		d                corpus.Document
		tags             string
		published, added sql.NullInt64
	)
	if err := r.Scan(&d.ID, &d.Title, &d.Source, &d.URL, &d.Language, &tags,
		&published, &added, &d.Hash, &d.Body); err != nil {
		return corpus.Document{}, err
	}
	if err := json.Unmarshal([]byte(tags), &d.Tags); err != nil {
		return corpus.Document{}, fmt.Errorf("tags of %q: %w", d.ID, err)
	}
	if len(d.Tags) == 0 {
		d.Tags = nil
	}
	d.Published = fromNanos(published)
	d.Added = fromNanos(added)
	return d, nil
}

// Document returns the document with this exact ID, or an error wrapping
// ErrNotFound.
func (s *Store) Document(ctx context.Context, id string) (corpus.Document, error) {
	d, err := scanDocument(s.stmts.document.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return corpus.Document{}, fmt.Errorf("store: document %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return corpus.Document{}, fmt.Errorf("store: cannot read document %q: %w", id, err)
	}
	return d, nil
}

// Count returns the number of stored documents.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.stmts.count.QueryRowContext(ctx).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: cannot count documents: %w", err)
	}
	return n, nil
}

// AddedSince returns the documents added at or after since, newest Added
// first, at most limit of them (all of them when limit <= 0).
func (s *Store) AddedSince(ctx context.Context, since time.Time, limit int) ([]corpus.Document, error) {
	if limit <= 0 {
		limit = math.MaxInt32 // LIMIT -1 is SQLite's "no limit", an error on PostgreSQL
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+documentColumns+` FROM documents
		WHERE added >= ? ORDER BY added DESC, n DESC LIMIT ?`, since.UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: cannot list new documents: %w", err)
	}
	defer rows.Close()
	var docs []corpus.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("store: cannot list new documents: %w", err)
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cannot list new documents: %w", err)
	}
	return docs, nil
}
