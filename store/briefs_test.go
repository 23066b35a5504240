package store

import (
	"bytes"
	"context"
	"testing"

	"github.com/geobrief/geobrief/corpus"
)

func TestBriefs(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)

		if data, found, err := s.GetBrief(ctx, "k1"); found || err != nil || data != nil {
			t.Fatalf("GetBrief of a missing key: %q, %v, %v; want a miss and no error", data, found, err)
		}
		if err := s.PutBrief(ctx, "k1", "a", []byte(`{"v":1}`)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutBrief(ctx, "k1", "a", []byte(`{"v":2}`)); err != nil {
			t.Fatal(err)
		}
		got, found, err := s.GetBrief(ctx, "k1")
		if err != nil || !found || !bytes.Equal(got, []byte(`{"v":2}`)) {
			t.Errorf("GetBrief = %s, %v, %v; want the second put", got, found, err)
		}
		// Empty data round-trips as empty, not as missing.
		if err := s.PutBrief(ctx, "empty", "", nil); err != nil {
			t.Fatal(err)
		}
		if got, found, err := s.GetBrief(ctx, "empty"); err != nil || !found || len(got) != 0 {
			t.Errorf("empty brief = %q, %v, %v", got, found, err)
		}
	})
}

func TestBriefsFollowTheirDocument(t *testing.T) {
	forBackends(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		s, _ := be.openTest(t)
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
			_, found, err := s.GetBrief(ctx, key)
			if err != nil || found != present {
				t.Errorf("after updating a, GetBrief(%s): found %v, %v; want found %v", key, found, err, present)
			}
		}

		// Removing b drops its brief.
		if _, err := s.SyncDocuments(ctx, []corpus.Document{a}); err != nil {
			t.Fatal(err)
		}
		if _, found, err := s.GetBrief(ctx, "b/short"); found || err != nil {
			t.Errorf("after removing b: found %v, %v", found, err)
		}
	})
}
