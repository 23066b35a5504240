package corpus_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

// countingFS counts the folder listings, so a test knows how many ticks of
// Poll have gone by without sleeping and hoping.
type countingFS struct {
	fs.FS
	listings atomic.Int64
}

func (c *countingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	c.listings.Add(1)
	return fs.ReadDir(c.FS, name)
}

func (c *countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

// waitListings waits until the folder has been listed n times in all.
func (c *countingFS) waitListings(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.listings.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d listings after 10 s, want %d", c.listings.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

type loaded struct {
	docs     []corpus.Document
	warnings []corpus.Warning
}

// writeAtomically writes through a temporary name that Load ignores, so Poll
// never sees a half-written file.
func writeAtomically(t *testing.T, dir, name, text string) {
	t.Helper()
	tmp := filepath.Join(dir, name+".tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func TestPoll(t *testing.T) {
	dir := t.TempDir()
	writeAtomically(t, dir, "a.md", "Headline A\nFirst text.")
	fsys := &countingFS{FS: os.DirFS(dir)}
	calls := make(chan loaded, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		corpus.Poll(ctx, fsys, 5*time.Millisecond, func(docs []corpus.Document, warnings []corpus.Warning) {
			calls <- loaded{docs, warnings}
		})
	}()

	// The second listing is the first tick: the starting fingerprint is taken.
	fsys.waitListings(t, 2)
	expectNoCall := func(what string) {
		t.Helper()
		fsys.waitListings(t, fsys.listings.Load()+5)
		select {
		case c := <-calls:
			t.Fatalf("%s: changed called with %v", what, ids(c.docs))
		default:
		}
	}
	expectCall := func(what string) loaded {
		t.Helper()
		select {
		case c := <-calls:
			return c
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: changed not called", what)
			return loaded{}
		}
	}

	expectNoCall("nothing changed")

	writeAtomically(t, dir, "b.txt", "Headline B\nText.")
	got := expectCall("file added")
	if !reflect.DeepEqual(ids(got.docs), []string{"a", "b"}) || len(got.warnings) != 0 {
		t.Errorf("after adding: %q, %v", ids(got.docs), got.warnings)
	}
	expectNoCall("after adding")

	writeAtomically(t, dir, "a.md", "Headline A\nSecond, longer text.")
	got = expectCall("file changed")
	if len(got.docs) != 2 || got.docs[0].Body != "Second, longer text." {
		t.Errorf("after changing: %+v", got.docs)
	}

	// Same size, new modification time.
	writeAtomically(t, dir, "a.md", "Headline A\nSecond, LONGER text.")
	if err := os.Chtimes(filepath.Join(dir, "a.md"), time.Time{}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got = expectCall("file touched")
	if got.docs[0].Body != "Second, LONGER text." {
		t.Errorf("after touching: %q", got.docs[0].Body)
	}

	writeAtomically(t, dir, "c.pdf", "not a document")
	expectNoCall("other extension added")

	writeAtomically(t, dir, "bad.txt", "\xff")
	got = expectCall("bad file added")
	if len(got.docs) != 2 || len(got.warnings) != 1 || got.warnings[0].File != "bad.txt" {
		t.Errorf("after adding a bad file: %q, %v", ids(got.docs), got.warnings)
	}

	if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	got = expectCall("file removed")
	if !reflect.DeepEqual(ids(got.docs), []string{"a"}) {
		t.Errorf("after removing: %q", ids(got.docs))
	}

	cancel()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("Poll did not return after cancel")
	}
}

func TestPollReturnsWhenDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		corpus.Poll(ctx, os.DirFS(t.TempDir()), 0, func([]corpus.Document, []corpus.Warning) {
			t.Error("changed called")
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Poll did not return")
	}
}
