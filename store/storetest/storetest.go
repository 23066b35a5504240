// Package storetest opens real stores for tests: a SQLite database in a
// temporary folder, already holding the documents a test needs, closed when
// the test ends.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store"
)

// Open returns a store in a fresh temporary folder holding docs.
func Open(t testing.TB, docs ...corpus.Document) *store.Store {
	t.Helper()
	return OpenDir(t, t.TempDir(), docs...)
}

// OpenDir opens (or reopens, as a restarted process would) the store in
// dir and syncs docs into it when any are given.
func OpenDir(t testing.TB, dir string, docs ...corpus.Document) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if len(docs) > 0 {
		if _, err := st.SyncDocuments(ctx, docs); err != nil {
			t.Fatalf("storetest: sync %d documents: %v", len(docs), err)
		}
	}
	return st
}

// Doc makes a document whose hash follows its content, so a changed body
// is seen as an update.
func Doc(id, title, body string) corpus.Document {
	sum := sha256.Sum256([]byte(title + "\x00" + body))
	return corpus.Document{ID: id, Title: title, Body: body, Hash: hex.EncodeToString(sum[:])}
}
