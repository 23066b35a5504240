package main

import (
	"bytes"
	"log/slog"
	"testing"
)

func TestCommandLineLogLines(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := newLogger(&buf, "warn", false)
	log.Info("not shown")
	log.Warn("document skipped", slog.String("file", "bad.txt"), slog.String("reason", `not "UTF-8"`))
	log.With("doc_id", "a").WithGroup("llm").Error("failed", slog.Int("status", 500))
	log.Warn("plain")
	want := `geobrief: warning: document skipped (file=bad.txt reason="not \"UTF-8\"")
geobrief: error: failed (doc_id=a llm.status=500)
geobrief: warning: plain
`
	if buf.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}
