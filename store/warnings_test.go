package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/store/storetest"
)

// Each problem is new once; it is new again only after it went away, and a
// reopened store remembers what it reported.
func TestSyncWarningsReportsEachProblemOnce(t *testing.T) {
	t.Parallel()
	storetest.Backends(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		dir := b.NewDB(t)
		st := b.OpenAt(t, dir)
		bad := corpus.Warning{File: "bad.txt", Reason: "looks binary"}
		field := corpus.Warning{File: "a.md", Reason: "front matter: published: x", Kept: true}
		sync := func(ws ...corpus.Warning) []corpus.Warning {
			t.Helper()
			fresh, err := st.SyncWarnings(ctx, ws)
			if err != nil {
				t.Fatal(err)
			}
			return fresh
		}
		if got := sync(bad, field); !reflect.DeepEqual(got, []corpus.Warning{bad, field}) {
			t.Fatalf("first: %v", got)
		}
		if got := sync(bad, field); len(got) != 0 {
			t.Fatalf("again: %v", got)
		}
		st.Close()
		st = b.OpenAt(t, dir)
		if got := sync(bad); len(got) != 0 {
			t.Fatalf("after a restart: %v", got)
		}
		if got := sync(bad, field); !reflect.DeepEqual(got, []corpus.Warning{field}) {
			t.Fatalf("a problem that came back: %v", got)
		}
		changed := corpus.Warning{File: "bad.txt", Reason: "not UTF-8 text"}
		if got := sync(changed, field); !reflect.DeepEqual(got, []corpus.Warning{changed}) {
			t.Fatalf("a file with a new problem: %v", got)
		}
	})
}
