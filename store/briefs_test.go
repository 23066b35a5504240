package store

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/geobrief/geobrief/corpus"
)

func TestBriefs(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)

	if _, err := s.GetBrief(ctx, "k1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetBrief of a missing key: %v, want ErrNotFound", err)
	}
	if err := s.PutBrief(ctx, "k1", "a", []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBrief(ctx, "k1", "a", []byte(`{"v":2}`)); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetBrief(ctx, "k1")
	if err != nil || !bytes.Equal(got, []byte(`{"v":2}`)) {
		t.Errorf("GetBrief = %s, %v; want the second put", got, err)
	}
	// Empty data round-trips as empty, not as missing.
	if err := s.PutBrief(ctx, "empty", "", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetBrief(ctx, "empty"); err != nil || len(got) != 0 {
		t.Errorf("empty brief = %q, %v", got, err)
	}
}

func TestBriefsFollowTheirDocument(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	a, b := doc("a", "Alpha", "one"), doc("b", "Beta", "two")
	if _, err := s.SyncDocuments(ctx, []corpus.Document{a, b}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a/short", "a/long", "b/short"} {
		if err := s.PutBrief(ctx, key, key[:1], []byte(key)); err != nil {
			t.Fatal(err)
		}
	}

	// Changing a drops a's briefs; b's stay.
	if _, err := s.SyncDocuments(ctx, []corpus.Document{doc("a", "Alpha", "one, revised"), b}); err != nil {
		t.Fatal(err)
	}
	for key, present := range map[string]bool{"a/short": false, "a/long": false, "b/short": true} {
		_, err := s.GetBrief(ctx, key)
		if present && err != nil || !present && !errors.Is(err, ErrNotFound) {
			t.Errorf("after updating a, GetBrief(%s): %v", key, err)
		}
	}

	// Removing b drops its brief.
	if _, err := s.SyncDocuments(ctx, []corpus.Document{a}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetBrief(ctx, "b/short"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after removing b: %v", err)
	}
}
