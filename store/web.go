package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// ErrIDTaken: a web document would replace a seed document with the same ID.
var ErrIDTaken = errors.New("the ID belongs to a seed document")

// WebDocument is a document from the web (a feed item or an ingested page)
// with what identifies it. Doc.Hash is the hash of its text: a new one is an
// update; Doc.Added is kept from the first save.
type WebDocument struct {
	Doc      corpus.Document
	Key      string // the item's key: its GUID, else its canonical link
	Link     string // canonical link; "" when there is none
	Feed     string // the URL of the feed it first came from; "" when ingested
	Byline   string
	ItemHash string // the feed item's fingerprint; "" when ingested
}

// WebItem is what the store remembers of an item key.
type WebItem struct {
	DocID    string
	ItemHash string
	TextHash string
	// Stored is false when the document was pruned (or never kept, being
	// older than DOCS_MAX_AGE): the key is remembered so that an old item
	// still in a feed is not fetched again at every poll.
	Stored bool
}

// WebItem returns what is known of an item key; ok is false for a key never
// saved (or forgotten after pruning).
func (s *Store) WebItem(ctx context.Context, key string) (it WebItem, ok bool, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT i.doc_id, i.item_hash, i.text_hash, d.id IS NOT NULL
		FROM web_items i LEFT JOIN documents d ON d.id = i.doc_id WHERE i.key = ?`, key).
		Scan(&it.DocID, &it.ItemHash, &it.TextHash, &it.Stored)
	if errors.Is(err, sql.ErrNoRows) {
		return WebItem{}, false, nil
	}
	if err != nil {
		return WebItem{}, false, fmt.Errorf("store: cannot look up item %s: %w", key, err)
	}
	return it, true, nil
}

// WebItemByLink returns the stored web document whose canonical link this
// is, with the fingerprint of the item last saved into it.
func (s *Store) WebItemByLink(ctx context.Context, link string) (it WebItem, ok bool, err error) {
	if link == "" {
		return WebItem{}, false, nil
	}
	err = s.read.QueryRowContext(ctx, `SELECT w.doc_id, d.hash,
		coalesce((SELECT item_hash FROM web_items i WHERE i.doc_id = w.doc_id ORDER BY saved DESC LIMIT 1), '')
		FROM web_documents w JOIN documents d ON d.id = w.doc_id WHERE w.link = ? LIMIT 1`, link).
		Scan(&it.DocID, &it.TextHash, &it.ItemHash)
	if errors.Is(err, sql.ErrNoRows) {
		return WebItem{}, false, nil
	}
	if err != nil {
		return WebItem{}, false, fmt.Errorf("store: cannot look up link %s: %w", link, err)
	}
	it.Stored = true
	return it, true, nil
}

// SaveWebDocument stores a web document, or updates the one with its ID
// (keeping when it was first added; briefs of a changed text are dropped),
// and records its item key. It returns ErrIDTaken rather than replace a
// seed document.
func (s *Store) SaveWebDocument(ctx context.Context, w WebDocument, now time.Time) error {
	// Search caches document frequencies until the documents change.
	defer s.dfs.invalidate()
	d := w.Doc
	err := s.inTx(ctx, func(tx *sqlTx) error {
		if err := s.lockDocuments(ctx, tx); err != nil {
			return err
		}
		var origin, hash string
		var added int64
		err := tx.QueryRowContext(ctx, `SELECT origin, hash, added FROM documents WHERE id = ?`, d.ID).Scan(&origin, &hash, &added)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			args, err := documentArgs(d)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, title, source, url,
				language, tags, published, added, hash, body, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'web')`, args...); err != nil {
				return err
			}
		case err != nil:
			return err
		case origin != "web":
			return fmt.Errorf("%q: %w", d.ID, ErrIDTaken)
		default:
			d.Added = time.Unix(0, added).UTC()
			args, err := documentArgs(d)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET title = ?, source = ?, url = ?,
				language = ?, tags = ?, published = ?, added = ?, hash = ?, body = ? WHERE id = ?`,
				append(args[1:], d.ID)...); err != nil {
				return err
			}
			if hash != d.Hash {
				if _, err := tx.ExecContext(ctx, `DELETE FROM briefs WHERE doc_id = ?`, d.ID); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO web_documents (doc_id, link, feed, byline) VALUES (?, ?, ?, ?)
			ON CONFLICT (doc_id) DO UPDATE SET link = CASE WHEN excluded.link <> '' THEN excluded.link ELSE web_documents.link END,
				byline = excluded.byline`, d.ID, w.Link, w.Feed, w.Byline); err != nil {
			return err
		}
		return putWebItem(ctx, tx, w.Key, d.ID, w.ItemHash, d.Hash, now)
	})
	if err != nil {
		return fmt.Errorf("store: cannot save web document %q: %w", d.ID, err)
	}
	return nil
}

// RememberWebItem records an item key without storing its document (one
// older than DOCS_MAX_AGE), so that it is not fetched again while its feed
// still lists it.
func (s *Store) RememberWebItem(ctx context.Context, key, docID, itemHash, textHash string, now time.Time) error {
	err := s.inTx(ctx, func(tx *sqlTx) error { return putWebItem(ctx, tx, key, docID, itemHash, textHash, now) })
	if err != nil {
		return fmt.Errorf("store: cannot remember item %s: %w", key, err)
	}
	return nil
}

func putWebItem(ctx context.Context, tx *sqlTx, key, docID, itemHash, textHash string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO web_items (key, doc_id, item_hash, text_hash, saved) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET doc_id = excluded.doc_id, item_hash = excluded.item_hash,
			text_hash = excluded.text_hash, saved = excluded.saved`, key, docID, itemHash, textHash, now.UnixNano())
	return err
}

// dropWebDocument removes a web document with this ID, if there is one, so
// that a seed document can take the ID.
func dropWebDocument(ctx context.Context, tx *sqlTx, id string) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ? AND origin = 'web'`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	for _, q := range []string{`DELETE FROM web_documents WHERE doc_id = ?`, `DELETE FROM web_items WHERE doc_id = ?`, `DELETE FROM briefs WHERE doc_id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// PruneWebDocuments removes the web documents published (else added)
// before cutoff, with their briefs; seed documents are never removed. The
// item keys of a removed document are remembered from now on (an old item
// still in its feed is then not fetched and stored again at every poll),
// and forgotten at a later prune once now is before that prune's cutoff.
// On PostgreSQL it also trims the log of deleted documents (trimDeletions).
// It returns how many documents were removed.
func (s *Store) PruneWebDocuments(ctx context.Context, cutoff, now time.Time) (int, error) {
	// Search caches document frequencies until the documents change.
	defer s.dfs.invalidate()
	var n int64
	c := cutoff.UnixNano()
	err := s.inTx(ctx, func(tx *sqlTx) error {
		if err := s.lockDocuments(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE web_items SET saved = ? WHERE doc_id IN
			(SELECT id FROM documents WHERE origin = 'web' AND coalesce(published, added) < ?)`, now.UnixNano(), c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM briefs WHERE doc_id IN
			(SELECT id FROM documents WHERE origin = 'web' AND coalesce(published, added) < ?)`, c); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE origin = 'web' AND coalesce(published, added) < ?`, c)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_documents WHERE doc_id NOT IN (SELECT id FROM documents)`); err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM web_items WHERE saved < ? AND doc_id NOT IN (SELECT id FROM documents)`, c); err != nil {
			return err
		}
		return s.trimDeletions(ctx, tx, now)
	})
	if err != nil {
		return 0, fmt.Errorf("store: cannot prune web documents: %w", err)
	}
	return int(n), nil
}

// Origin says where the document with this ID came from: "seed" or "web".
func (s *Store) Origin(ctx context.Context, id string) (string, error) {
	var origin string
	err := s.read.QueryRowContext(ctx, `SELECT origin FROM documents WHERE id = ?`, id).Scan(&origin)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: document %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: cannot read document %q: %w", id, err)
	}
	return origin, nil
}
