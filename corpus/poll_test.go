package corpus_test

import (
	"context"
	"errors"
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
	start := corpus.TakeSnapshot(fsys)
	calls := make(chan loaded, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		corpus.Poll(ctx, fsys, 5*time.Millisecond, start, func(docs []corpus.Document, warnings []corpus.Warning) error {
			calls <- loaded{docs, warnings}
			return nil
		})
	}()

	// The first listing was the starting snapshot; the second is the first tick.
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

	// A folder per topic: files in subfolders are documents too.
	if err := os.MkdirAll(filepath.Join(dir, "iran", "talks"), 0o755); err != nil {
		t.Fatal(err)
	}
	expectNoCall("empty folders added")
	writeAtomically(t, filepath.Join(dir, "iran", "talks"), "d.md", "Headline D\nText.")
	got = expectCall("file added in a subfolder")
	if !reflect.DeepEqual(ids(got.docs), []string{"a", "b", "iran/talks/d"}) {
		t.Errorf("after adding in a subfolder: %q", ids(got.docs))
	}

	if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	got = expectCall("file removed")
	if !reflect.DeepEqual(ids(got.docs), []string{"a", "iran/talks/d"}) {
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
		dir := os.DirFS(t.TempDir())
		corpus.Poll(ctx, dir, 0, corpus.TakeSnapshot(dir), func([]corpus.Document, []corpus.Warning) error {
			t.Error("changed called")
			return nil
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Poll did not return")
	}
}

// A file added after the snapshot but before Poll started (while the first
// load was indexing) is noticed on the first tick, and a failed changed is
// called again on the next tick.
func TestPollCatchesUpAndRetries(t *testing.T) {
	dir := t.TempDir()
	writeAtomically(t, dir, "a.md", "Headline A\nFirst text.")
	fsys := os.DirFS(dir)
	start := corpus.TakeSnapshot(fsys)
	writeAtomically(t, dir, "b.md", "Headline B\nAdded during the first load.")

	calls := make(chan int, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	attempts := 0
	go corpus.Poll(ctx, fsys, 5*time.Millisecond, start, func(docs []corpus.Document, _ []corpus.Warning) error {
		attempts++
		calls <- len(docs)
		if attempts == 1 {
			return errors.New("database busy")
		}
		return nil
	})
	for want := 1; want <= 2; want++ {
		select {
		case n := <-calls:
			if n != 2 {
				t.Fatalf("call %d saw %d documents, want 2", want, n)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("changed called %d times, want a retry after the failure", want-1)
		}
	}
	select {
	case <-calls:
		t.Fatal("changed called again after it succeeded, with nothing new")
	case <-time.After(100 * time.Millisecond):
	}
}
