package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSamplesOfBothLayouts builds a folder with a BBC-style sample (topic
// folders, headline line), a CNN/DM-style one (flat, body only) and a
// folder that is not a sample, and checks what is found and read.
func TestSamplesOfBothLayouts(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "topics", "article", "politics", "001.txt"),
		"Harbour reopens\n\nThe harbour reopened on Monday.\nBoats returned at dawn.\n")
	writeFile(t, filepath.Join(root, "topics", "summary", "politics", "001.txt"), "The harbour reopened on Monday.\n")
	writeFile(t, filepath.Join(root, "topics", "article", "politics", "002.txt"), "No summary for this one\n\nText.\n")
	writeFile(t, filepath.Join(root, "flat", "article", "0001.txt"), "The bridge reopened on Monday. Buses returned at dawn.")
	writeFile(t, filepath.Join(root, "flat", "summary", "0001.txt"), "Bridge reopened. Buses are back.")
	writeFile(t, filepath.Join(root, "notasample", "articles", "x.md"), "---\ntitle: x\n---\n")

	dirs, err := findSamples(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 2 || filepath.Base(dirs[0]) != "flat" || filepath.Base(dirs[1]) != "topics" {
		t.Fatalf("samples = %q, want flat and topics", dirs)
	}

	flat, err := loadCorpus(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(flat) != 1 || flat[0].title != "" || flat[0].topic != "flat" || len(flat[0].bodySentences) != 2 || flat[0].refSentences != 2 {
		t.Errorf("flat sample = %+v", flat)
	}

	topics, err := loadCorpus(dirs[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(topics) != 1 {
		t.Fatalf("topics sample: %d articles, want 1 (the one without a summary is skipped)", len(topics))
	}
	d := topics[0]
	if d.title != "Harbour reopens" || d.topic != "politics" || strings.Contains(d.body, "Harbour reopens") || len(d.bodySentences) != 2 {
		t.Errorf("topics sample = %+v", d)
	}

	var out strings.Builder
	if err := run(&out, root, "", 3, false, false, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== flat: 1 articles", "== topics: 1 articles", "lead-3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report misses %q:\n%s", want, out.String())
		}
	}
}

func TestNoSampleIsAnError(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run(&out, t.TempDir(), "", 3, false, false, nil); err == nil {
		t.Error("an empty folder gave no error")
	}
	if err := run(&out, "", filepath.Join(t.TempDir(), "missing"), 3, false, false, nil); err == nil {
		t.Error("a missing sample gave no error")
	}
}
