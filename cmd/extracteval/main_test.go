package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOverlap(t *testing.T) {
	t.Parallel()
	want := shingles("one two three four five six")
	if len(want) != 3 {
		t.Fatalf("6 tokens give %d 4-gram shingles, want 3", len(want))
	}
	p, r := overlap(shingles("One, two three four!"), want)
	if p != 1 || r != 1.0/3 {
		t.Errorf("a prefix: precision %v recall %v, want 1 and 1/3", p, r)
	}
	p, r = overlap(shingles("one two three four five six seven eight"), want)
	if p != 3.0/5 || r != 1 {
		t.Errorf("a superset: precision %v recall %v, want 3/5 and 1", p, r)
	}
	if p, r := overlap(shingles(""), want); p != 0 || r != 0 {
		t.Errorf("nothing extracted: %v %v, want 0 0", p, r)
	}
	if got := shingles("two words"); len(got) != 1 || !got["two words"] {
		t.Errorf("short text shingles = %v", got)
	}
}

func TestSameDate(t *testing.T) {
	t.Parallel()
	day := time.Date(2015, 7, 24, 0, 0, 0, 0, time.UTC)
	for want, ok := range map[string]bool{
		"2015-07-24T05:36:09+01:00": true,
		"2015-07-24":                true,
		"2015-07-25T00:30:00+02:00": true, // 22:30 on the 24th in UTC
		"2015-07-26T10:00:00+02:00": false,
		"2015-07-23T23:30:00-02:00": true, // the 24th in UTC
	} {
		if got := sameDate(want, day); got != ok {
			t.Errorf("sameDate(%q, 2015-07-24) = %v, want %v", want, got, ok)
		}
	}
	if sameDate("2015-07-24", time.Time{}) {
		t.Error("a zero time matched")
	}
}

// TestRunOnTinyCorpus runs the command on a corpus of one page written here.
func TestRunOnTinyCorpus(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := filepath.Join(dir, "p1")
	os.Mkdir(page, 0o755)
	var body strings.Builder
	for i := range 6 {
		body.WriteString("<p>The delegations met again on day " + string(rune('a'+i)) + " and agreed to continue the talks on shipping fees and berths next week.</p>")
	}
	os.WriteFile(filepath.Join(page, "source.html"), []byte(`<html lang="en"><head><title>Talks go on</title>
<meta name="author" content="Ann Writer"></head><body><nav>Home World Sport</nav><article><h1>Talks go on</h1>`+body.String()+`</article></body></html>`), 0o644)
	os.WriteFile(filepath.Join(page, "expected.html"), []byte("<div>"+body.String()+"</div>"), 0o644)
	os.WriteFile(filepath.Join(page, "expected-metadata.json"), []byte(`{"title":"Talks go on","byline":"Ann Writer","lang":"en","siteName":null,"publishedTime":null}`), 0o644)
	var out bytes.Buffer
	if err := run([]string{"-corpus", dir}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"pages: 1 ", "go-trafilatura", "go-readability", "1/1 (100%)"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if err := run([]string{"-corpus", t.TempDir()}, &out); err == nil {
		t.Error("an empty corpus folder gave no error")
	}
}
