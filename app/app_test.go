package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/corpus"
)

func openFolder(t *testing.T, dir string, logs *bytes.Buffer) *App {
	t.Helper()
	return openFolderData(t, dir, t.TempDir(), logs)
}

func openFolderData(t *testing.T, dir, dataDir string, logs *bytes.Buffer) *App {
	t.Helper()
	cfg, err := config.Load(config.MapLookup(map[string]string{"SEEDS_DIR": dir, "DATA_DIR": dataDir}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Asking for a skipped file's document says it was skipped and why, rather
// than that no such document exists.
func TestSkippedDocumentSaysWhy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "good.md", "Envoy visits Oman\nThe envoy arrived in Oman.")
	writeFile(t, dir, "iran/broken.md", "---\ntitle: never closed\nText.")
	a := openFolder(t, dir, &bytes.Buffer{})
	ctx := context.Background()

	var se *SkippedError
	if _, err := a.Document(ctx, "iran/broken"); !errors.As(err, &se) || se.File != "iran/broken.md" || !strings.Contains(se.Reason, "no closing ---") {
		t.Fatalf("Document: %v", err)
	}
	if _, err := a.Find(ctx, "iran/broken"); !errors.As(err, &se) {
		t.Fatalf("Find: %v", err)
	}
	var nf *NotFoundError
	if _, err := a.Document(ctx, "iran/missing"); !errors.As(err, &nf) {
		t.Fatalf("an ID no file has: %v", err)
	}
	if _, err := a.Document(ctx, "good"); err != nil {
		t.Fatal(err)
	}
}

// A skipped file is reported when it first shows up or changes, not again
// on every re-index or by the next process.
func TestSkippedFileWarnedOnce(t *testing.T) {
	t.Parallel()
	dir, data := t.TempDir(), t.TempDir()
	writeFile(t, dir, "good.md", "Envoy visits Oman\nThe envoy arrived in Oman.")
	writeFile(t, dir, "bad.txt", "a\x00b")
	var logs bytes.Buffer
	first := openFolderData(t, dir, data, &logs)
	first.Close()
	a := openFolderData(t, dir, data, &logs)
	ctx := context.Background()
	if n := strings.Count(logs.String(), "bad.txt"); n != 1 {
		t.Fatalf("warned %d times by two processes:\n%s", n, logs.String())
	}
	resync := func() {
		t.Helper()
		docs, warnings := corpus.Load(os.DirFS(dir))
		if err := a.sync(ctx, docs, warnings); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, dir, "other.md", "Navy meeting\nThe navy met.")
	resync()
	if n := strings.Count(logs.String(), "bad.txt"); n != 1 {
		t.Fatalf("warned %d times after an unrelated change:\n%s", n, logs.String())
	}
	writeFile(t, dir, "bad.txt", "\xff\xfe")
	resync()
	if n := strings.Count(logs.String(), "bad.txt"); n != 2 {
		t.Fatalf("a new problem with the file was not reported:\n%s", logs.String())
	}
	if w := a.Warnings(); len(w) != 1 || !strings.Contains(w[0].Reason, "UTF-16") {
		t.Fatalf("Warnings = %+v", w)
	}
}

// The empty-corpus error says where documents were looked for.
func TestEmptyCorpusSaysWhereItLooked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := openFolder(t, dir, &bytes.Buffer{})
	ctx := context.Background()
	_, err := a.Find(ctx, "oman")
	if !errors.Is(err, ErrEmptyCorpus) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), ".md") {
		t.Fatalf("empty folder: %v", err)
	}
	writeFile(t, dir, "sub/bad.md", "")
	a = openFolder(t, dir, &bytes.Buffer{})
	if err := a.EmptyCorpus(ctx); !errors.Is(err, ErrEmptyCorpus) || !strings.Contains(err.Error(), "skipped, 1 in all") {
		t.Fatalf("only a skipped file: %v", err)
	}
}
