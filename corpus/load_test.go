package corpus_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/geobrief/geobrief/corpus"
)

func ids(docs []corpus.Document) []string {
	out := []string{}
	for _, d := range docs {
		out = append(out, d.ID)
	}
	return out
}

func warningStrings(ws []corpus.Warning) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"zeta.txt":            {Data: []byte("Zeta headline\nText."), ModTime: modTime},
		"alpha.MD":            {Data: []byte("---\ntitle: Alpha\n---\nText.")},
		"dup.md":              {Data: []byte("Kept\nText.")},
		"dup.txt":             {Data: []byte("Dropped\nText.")},
		"broken.md":           {Data: []byte("---\ntitle: x\nText.")},
		"late.md":             {Data: []byte("\xff\xfe")},
		"late.txt":            {Data: []byte("Late headline\nKept though late.md is bad.")},
		"binary.txt":          {Data: []byte("a\x00b")},
		"huge.md":             {Data: make([]byte, 3<<20)},
		"notes.pdf":           {Data: []byte("ignored")},
		"README":              {Data: []byte("ignored")},
		".hidden.md":          {Data: []byte("ignored")},
		"folder.md/doc.md":    {Data: []byte("A folder's name is not a file's\nText.")},
		"sub/inner.txt":       {Data: []byte("In a subfolder\nText.")},
		"sub/deeper/x.md":     {Data: []byte("Two levels down\nText.")},
		"sub/bad.md":          {Data: []byte("a\x00b")},
		".git/notes.md":       {Data: []byte("hidden folders are not read")},
		"sub/.hidden/y.md":    {Data: []byte("hidden folders are not read")},
		"dated.md":            {Data: []byte("---\npublished: soon # someday\n---\nDated\nText.")},
		"Capital.TXT":         {Data: []byte("Upper-case extension\nText.")},
		"with.dots.v1.txt":    {Data: []byte("Dots\nText.")},
		"trailing-space.txt ": {Data: []byte("ignored: the extension is \".txt \"")},
	}
	docs, warnings := corpus.Load(fsys)

	wantIDs := []string{"Capital", "alpha", "dated", "dup", "folder.md/doc", "late", "sub/deeper/x", "sub/inner", "with.dots.v1", "zeta"}
	if got := ids(docs); !reflect.DeepEqual(got, wantIDs) {
		t.Errorf("IDs = %q\nwant  %q", got, wantIDs)
	}
	wantWarnings := []string{
		"binary.txt: skipped: looks binary (NUL byte at offset 1)",
		"broken.md: skipped: front matter: no closing ---",
		`dated.md: front matter: published: cannot parse "soon" (want RFC 3339 or YYYY-MM-DD); left out, the rest is used`,
		`dup.txt: skipped: duplicate ID "dup", already read from dup.md`,
		"huge.md: skipped: larger than 2 MB (3.0 MB)",
		"late.md: skipped: not UTF-8 text (UTF-16 byte order mark; save it as UTF-8)",
		"sub/bad.md: skipped: looks binary (NUL byte at offset 1)",
	}
	if got := warningStrings(warnings); !reflect.DeepEqual(got, wantWarnings) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantWarnings, "\n"))
	}
	for _, w := range warnings {
		if w.Kept != (w.File == "dated.md") || w.ID() != strings.TrimSuffix(w.File, ".md") && w.ID() != strings.TrimSuffix(w.File, ".txt") {
			t.Errorf("warning %+v: Kept %v, ID %q", w, w.Kept, w.ID())
		}
	}
	for _, d := range docs {
		switch d.ID {
		case "dup":
			if d.Title != "Kept" {
				t.Errorf("dup: Title = %q, want the one from dup.md", d.Title)
			}
		case "zeta":
			if !d.Added.Equal(modTime) {
				t.Errorf("zeta: Added = %v, want the file's time %v", d.Added, modTime)
			}
		}
	}
}

func TestLoadNeverPanics(t *testing.T) {
	docs, warnings := corpus.Load(nil)
	if len(docs) != 0 || len(warnings) != 1 {
		t.Errorf("Load(nil) = %v, %v", docs, warnings)
	}
	docs, warnings = corpus.Load(os.DirFS(filepath.Join(t.TempDir(), "missing")))
	if len(docs) != 0 || len(warnings) != 1 || !strings.HasPrefix(warnings[0].String(), "corpus: cannot list the folder: ") {
		t.Errorf("missing folder: %v, %q", docs, warningStrings(warnings))
	}
	docs, warnings = corpus.Load(fstest.MapFS{})
	if len(docs) != 0 || len(warnings) != 0 {
		t.Errorf("empty folder: %v, %v", docs, warnings)
	}
}

// On a real folder Load follows symbolic links, ignores links to folders and
// does not block on a named pipe.
func TestLoadDirFS(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.md", "Headline A\nText.")
	if err := os.Mkdir(filepath.Join(dir, "sub.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "a.md"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "sub.md"), filepath.Join(dir, "dirlink.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "dangling.md")); err != nil {
		t.Fatal(err)
	}
	wantWarnings := []string{"dangling.md: skipped: cannot read: "}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err == nil {
		wantWarnings = append(wantWarnings, "pipe.txt: skipped: not a regular file")
	}

	done := make(chan struct{})
	var docs []corpus.Document
	var warnings []corpus.Warning
	go func() {
		defer close(done)
		docs, warnings = corpus.Load(os.DirFS(dir))
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked")
	}
	if got := ids(docs); !reflect.DeepEqual(got, []string{"a", "link"}) {
		t.Errorf("IDs = %q", got)
	}
	got := warningStrings(warnings)
	if len(got) != len(wantWarnings) {
		t.Fatalf("warnings = %q, want %q", got, wantWarnings)
	}
	for i := range got {
		if !strings.HasPrefix(got[i], wantWarnings[i]) {
			t.Errorf("warning %d = %q, want it to start with %q", i, got[i], wantWarnings[i])
		}
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
