package storetest

import (
	"context"
	"testing"
)

// Each backend opens a store holding the documents given, and a second
// store opened at the same place (another process, another replica) sees
// them and searches them.
func TestBackendsShareOneDatabase(t *testing.T) {
	Backends(t, func(t *testing.T, b Backend) {
		ctx := context.Background()
		where := b.NewDB(t)
		b.OpenAt(t, where, Doc("d1", "Harbour reopens", "The harbour reopened after the storm."))
		other := b.OpenAt(t, where)
		if n, err := other.Count(ctx); err != nil || n != 1 {
			t.Fatalf("Count from a second store = %d, %v; want 1", n, err)
		}
		hits, err := other.Search(ctx, "harbour", 5)
		if err != nil || len(hits) != 1 || hits[0].ID != "d1" {
			t.Errorf("Search from a second store = %+v, %v; want d1", hits, err)
		}
	})
}
