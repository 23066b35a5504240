package feeds

import (
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseFormats(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, feedURL, title string
		first                Item
	}{
		{"rss2.xml", "https://ledger.example/feeds/world.xml", "Coastal Ledger – World", Item{
			GUID: "ledger-4711", Link: "https://ledger.example/world/harbour-talks?utm_source=rss&utm_medium=feed",
			Title: "Harbour talks resume in Valletta", Published: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC),
			Description: "Negotiators met again on Tuesday.",
			Content:     "<p>Negotiators from the two port authorities met again.</p><p>Second paragraph.</p>",
		}},
		{"rss1.rdf", "https://rdf.example/rss", "RDF Wire", Item{
			Link: "https://rdf.example/a/1", Title: "Ceasefire observers arrive",
			Published: time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC), Updated: time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC),
			Description: "Observers arrived at the border crossing.",
		}},
		{"rss091.xml", "http://gazette.example/rss", "Old Gazette", Item{
			Link: "http://gazette.example/1.html", Title: "Parliament adjourns", Description: "The session closed early.",
		}},
		{"atom.xml", "https://atom.example/atom", "Atom Times", Item{
			GUID: "tag:atom.example,2026:grain", Link: "https://atom.example/news/grain#top",
			Title: "Grain corridor reopens", Published: time.Date(2026, 3, 6, 7, 15, 0, 0, time.UTC),
			Updated: time.Date(2026, 3, 6, 11, 0, 0, 0, time.UTC), Description: "Ships left port at dawn.",
			Content: "<p>Ships left port at dawn.</p>",
		}},
		{"feed.json", "https://json.example/feed.json", "JSON Dispatch", Item{
			GUID: "https://json.example/p/9", Link: "https://json.example/p/9", Title: "Summit ends without communique",
			Published: time.Date(2026, 3, 7, 18, 0, 0, 0, time.UTC), Description: "No joint text.",
			Content: "<p>Leaders left without a joint text.</p>",
		}},
	}
	for _, c := range cases {
		data, err := os.ReadFile("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(data, c.feedURL)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if f.Title != c.title || len(f.Items) == 0 {
			t.Fatalf("%s: title %q, %d items", c.file, f.Title, len(f.Items))
		}
		if got := f.Items[0]; got != c.first {
			t.Errorf("%s: first item\n got %+v\nwant %+v", c.file, got, c.first)
		}
	}
}

func TestParsePermalinkGUIDAsLink(t *testing.T) {
	t.Parallel()
	data, _ := os.ReadFile("testdata/rss2.xml")
	f, err := Parse(data, "https://ledger.example/feeds/world.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Items[1].Link; got != "https://ledger.example/world/permalink-only" {
		t.Errorf("link = %q, want the permalink GUID", got)
	}
}

func TestParseNotAFeed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "<html><body>hello</body></html>", "just text", "\x89PNG\r\n"} {
		if _, err := Parse([]byte(in), "https://x.example/feed"); !errors.Is(err, ErrNotAFeed) {
			t.Errorf("Parse(%q): err = %v, want ErrNotAFeed", in, err)
		}
	}
	// A broken feed of a known format is an error too, naming the feed.
	_, err := Parse([]byte(`<rss version="2.0"><channel><item><title>x</ti`), "https://x.example/feed")
	if err == nil {
		t.Fatal("truncated RSS parsed without error")
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss2.xml", "rss1.rdf", "rss091.xml", "atom.xml", "feed.json"} {
		data, _ := os.ReadFile("testdata/" + name)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := Parse(data, "https://fuzz.example/feed")
		if err != nil {
			return
		}
		for _, it := range feed.Items {
			if u, err := url.Parse(it.Link); it.Link != "" && (err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https")) {
				t.Errorf("item link %q is not an absolute http(s) URL", it.Link)
			}
			if strings.ContainsAny(it.Title, "\n\t") {
				t.Errorf("title %q is not one line", it.Title)
			}
		}
	})
}
