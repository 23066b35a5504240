package feeds

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCanonicalLink(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"HTTPS://News.Example.COM/World/Story":                                 "https://news.example.com/World/Story",
		"https://news.example.com:443/a":                                       "https://news.example.com/a",
		"http://news.example.com:80/a":                                         "http://news.example.com/a",
		"http://news.example.com:8080/a":                                       "http://news.example.com:8080/a",
		"https://news.example.com/a#comments":                                  "https://news.example.com/a",
		"https://news.example.com/a?utm_source=rss&utm_medium=feed&id=7":       "https://news.example.com/a?id=7",
		"https://news.example.com/a?b=2&a=1&fbclid=XYZ&gclid=1":                "https://news.example.com/a?a=1&b=2",
		"https://news.example.com/a?UTM_Campaign=x":                            "https://news.example.com/a",
		"https://news.example.com":                                             "https://news.example.com/",
		"https://news.example.com/a?":                                          "https://news.example.com/a",
		"https://user:pw@news.example.com/a":                                   "https://news.example.com/a",
		"https://news.example.com./a":                                          "https://news.example.com/a",
		"https://www.bbc.co.uk/news/world-1?at_medium=RSS&at_campaign=KARANGA": "https://www.bbc.co.uk/news/world-1",
		"  https://news.example.com/a  ":                                       "https://news.example.com/a",
		"https://[2001:DB8::1]:443/x":                                          "https://[2001:db8::1]/x",
	}
	for in, want := range cases {
		got, err := CanonicalLink(in)
		if err != nil {
			t.Errorf("CanonicalLink(%q): %v", in, err)
			continue
		}
		if got != want {
			t.Errorf("CanonicalLink(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "ftp://x.example/a", "mailto:a@b.c", "javascript:alert(1)", "/relative/path", "https://", "http://%zz/"} {
		if got, err := CanonicalLink(bad); err == nil {
			t.Errorf("CanonicalLink(%q) = %q, want an error", bad, got)
		}
	}
}

func TestItemKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		it   Item
		want string
	}{
		{Item{GUID: "ledger-4711", Link: "https://a.example/x"}, "guid:ledger-4711"},
		{Item{GUID: "HTTPS://A.example/x?utm_source=rss", Link: "https://b.example/y"}, "https://a.example/x"},
		{Item{Link: "https://a.example/x?utm_source=rss#frag"}, "https://a.example/x"},
		{Item{GUID: "  ", Link: "https://a.example/x"}, "https://a.example/x"},
		{Item{Title: "no id at all"}, ""},
	}
	for _, c := range cases {
		if got := ItemKey(c.it); got != c.want {
			t.Errorf("ItemKey(%+v) = %q, want %q", c.it, got, c.want)
		}
	}
}

func TestDocumentID(t *testing.T) {
	t.Parallel()
	id := DocumentID("Harbour talks resume in Valletta", "https://ledger.example/world/harbour-talks")
	if !strings.HasPrefix(id, "harbour-talks-resume-in-valletta-") || len(id) != len("harbour-talks-resume-in-valletta-")+8 {
		t.Errorf("id = %q", id)
	}
	if again := DocumentID("Harbour talks resume in Valletta", "https://ledger.example/world/harbour-talks"); again != id {
		t.Errorf("not stable: %q then %q", id, again)
	}
	if other := DocumentID("Harbour talks resume in Valletta", "https://other.example/harbour"); other == id {
		t.Error("same title, different link: same ID")
	}
	cases := map[string]string{
		"Élections à São Tomé: résultats": "elections-a-sao-tome-resultats-",
		"Переговоры возобновились":        "переговоры-возобновились-",
		"  --- !!! ---  ":                   "article-",
		"":                                  "article-",
		"U.S. & E.U. agree on 2026 tariffs": "u-s-e-u-agree-on-2026-tariffs-",
	}
	for title, prefix := range cases {
		if got := DocumentID(title, "https://x.example/1"); !strings.HasPrefix(got, prefix) {
			t.Errorf("DocumentID(%q) = %q, want prefix %q", title, got, prefix)
		}
	}
	long := strings.Repeat("Sanctions negotiations continue ", 20)
	for _, title := range []string{long, strings.Repeat("ж", 200), strings.Repeat("word", 60)} {
		got := DocumentID(title, "https://x.example/1")
		if len(got) > MaxIDLen || !utf8.ValidString(got) || strings.Contains(got, "--") {
			t.Errorf("DocumentID(long) = %q (%d bytes)", got, len(got))
		}
	}
}

// FuzzCanonicalLink: canonical links are canonical (applying it again changes nothing),
// parse, and carry no fragment, credentials or tracking parameters.
func FuzzCanonicalLink(f *testing.F) {
	for _, s := range []string{
		"https://News.Example.com:443/a?utm_source=x&b=2&a=1#f", "http://x.example", "https://x.example/%41?q=%zz",
		"https://[::1]:80/p", "https://x.example/a?a=1&a=0&fbclid=2", "http://u:p@x.example:8080/ü?ä=ö",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := CanonicalLink(raw)
		if err != nil {
			return
		}
		again, err := CanonicalLink(c)
		if err != nil {
			t.Fatalf("CanonicalLink(%q) = %q, which does not canonicalise: %v", raw, c, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
		u, err := url.Parse(c)
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", raw, c, err)
		}
		if u.Fragment != "" || u.User != nil || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("%q -> %q keeps a fragment, credentials or another scheme", raw, c)
		}
		if q, err := url.ParseQuery(u.RawQuery); err == nil {
			for k := range q {
				if isTracking(k) {
					t.Fatalf("%q -> %q keeps tracking parameter %q", raw, c, k)
				}
			}
		}
	})
}
