package feeds

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestReadOPML(t *testing.T) {
	t.Parallel()
	in := `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="World">
      <outline text="Ledger World" type="rss" xmlUrl="https://ledger.example/world.xml" htmlUrl="https://ledger.example/"/>
      <outline text="Wire" title="Wire &amp; Co" type="rss" xmlUrl="https://wire.example/rss?x=1&amp;y=2"/>
    </outline>
    <outline text="Duplicate, other spelling" type="rss" xmlUrl="HTTPS://Ledger.example:443/world.xml#x"/>
    <outline text="A folder without feeds"/>
    <outline text="Atom" type="atom" xmlUrl="https://atom.example/feed"/>
  </body>
</opml>`
	got, err := ReadOPML(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Source{
		{URL: "https://ledger.example/world.xml", Title: "Ledger World"},
		{URL: "https://wire.example/rss?x=1&y=2", Title: "Wire & Co"},
		{URL: "https://atom.example/feed", Title: "Atom"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("feed %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadOPMLErrors(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"not xml":    "hello",
		"bad scheme": `<opml version="2.0"><body><outline text="x" xmlUrl="file:///etc/passwd"/></body></opml>`,
		"charset":    `<?xml version="1.0" encoding="EBCDIC"?><opml/>`,
	} {
		if _, err := ReadOPML(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestOPMLRoundTrip(t *testing.T) {
	t.Parallel()
	feeds := []Source{
		{URL: "https://a.example/rss?x=1&y=2", Title: "A <b> & \"quoted\""},
		{URL: "https://b.example/atom"},
	}
	var buf bytes.Buffer
	if err := WriteOPML(&buf, "geobrief feeds", feeds); err != nil {
		t.Fatal(err)
	}
	back, err := ReadOPML(&buf)
	if err != nil {
		t.Fatalf("reading our own OPML: %v\n%s", err, buf.String())
	}
	if len(back) != 2 || back[0] != feeds[0] || back[1].URL != feeds[1].URL || back[1].Title != feeds[1].URL {
		t.Fatalf("round trip: %+v", back)
	}
}

// TestExampleOPML keeps the shipped example list importable.
func TestExampleOPML(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../feeds.example.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 12 {
		t.Fatalf("feeds.example.opml lists %d feeds, want at least 12", len(got))
	}
	for _, s := range got {
		if !strings.HasPrefix(s.URL, "https://") || s.Title == "" {
			t.Errorf("feed %+v: want an https URL and a title", s)
		}
	}
}

// FuzzReadOPML: whatever ReadOPML accepts lists http(s) feeds, each once, and survives a
// round trip through WriteOPML.
func FuzzReadOPML(f *testing.F) {
	if data, err := os.ReadFile("../feeds.example.opml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/f"><outline xmlUrl="http://b.example/g?x=1&amp;y=2"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		feeds, err := ReadOPML(bytes.NewReader(data))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, s := range feeds {
			c, err := CanonicalLink(s.URL)
			if err != nil {
				t.Fatalf("accepted feed URL %q: %v", s.URL, err)
			}
			if seen[c] {
				t.Fatalf("feed %q listed twice", s.URL)
			}
			seen[c] = true
		}
		var buf bytes.Buffer
		if err := WriteOPML(&buf, "t", feeds); err != nil {
			t.Fatal(err)
		}
		back, err := ReadOPML(&buf)
		if err != nil {
			t.Fatalf("our own OPML does not read back: %v", err)
		}
		if len(back) != len(feeds) {
			t.Fatalf("round trip: %d feeds, then %d", len(feeds), len(back))
		}
		for i := range back {
			if back[i].URL != feeds[i].URL {
				t.Fatalf("round trip changed %q into %q", feeds[i].URL, back[i].URL)
			}
		}
	})
}
