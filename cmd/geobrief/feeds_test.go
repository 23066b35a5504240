package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/newssite"
)

func newsSite(t *testing.T) *newssite.Site {
	t.Helper()
	s := newssite.New()
	t.Cleanup(s.Close)
	return s
}

func articleText(topic string) []string {
	return []string{newssite.Sentence(topic, 30), newssite.Sentence(topic+" envoys", 30)}
}

// Live news end to end through the command line: feeds added, polled, then
// found by search and summarized by ID; a second poll adds nothing; the list
// shows health and counts; export, remove and import round-trip.
func TestFeedsEndToEnd(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	now := time.Now().UTC().Truncate(time.Second)
	site.SetPage("/news/harbour", "Harbour talks resume in Valletta", "Harbour Times", articleText("valletta harbour")...)
	site.SetPage("/news/grain", "Grain corridor reopens", "Harbour Times", articleText("grain corridor")...)
	site.SetFeed("/world.xml", "World", newssite.Item{Title: "Harbour talks resume in Valletta", Path: "/news/harbour?utm_campaign=rss", GUID: "w-1", Published: now},
		newssite.Item{Title: "Grain corridor reopens", Path: "/news/grain", GUID: "w-2", Published: now})
	site.SetFeed("/europe.xml", "Europe", newssite.Item{Title: "Harbour talks resume in Valletta", Path: "/news/harbour", GUID: "e-1", Published: now})
	env := map[string]string{"DATA_DIR": t.TempDir(), "FETCH_ALLOW_PRIVATE": "true"}
	run := func(args ...string) (string, string) {
		t.Helper()
		out, errOut, code := runCLI(t, env, args...)
		if code != 0 {
			t.Fatalf("geobrief %s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
		return out, errOut
	}

	if out, _ := run("feeds", "add", site.URL("/world.xml")); !strings.Contains(out, `Added "World"`) {
		t.Fatalf("feeds add: %q", out)
	}
	run("feeds", "add", "--name", "Europe desk", site.URL("/europe.xml"))
	var counts struct{ Feeds, New, Updated, Skipped, Errors int }
	out, _ := run("feeds", "poll", "--json")
	if err := json.Unmarshal([]byte(out), &counts); err != nil || counts.Feeds != 2 || counts.New != 2 || counts.Errors != 0 {
		t.Fatalf("first poll: %+v, %v\n%s", counts, err, out)
	}

	out, _ = run("search", "--json", "valletta harbour")
	var hits []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) == 0 || hits[0].Title != "Harbour talks resume in Valletta" {
		t.Fatalf("search: %+v, %v", hits, err)
	}
	out, _ = run("summarize", "--doc", hits[0].ID)
	if !strings.Contains(out, "Harbour talks resume in Valletta") || !strings.Contains(out, "["+hits[0].ID+"]") || !strings.Contains(out, site.URL("/news/harbour")) {
		t.Fatalf("summarize --doc %s:\n%s", hits[0].ID, out)
	}

	out, _ = run("feeds", "poll", "--json")
	if err := json.Unmarshal([]byte(out), &counts); err != nil || counts.Feeds != 2 || counts.New != 0 || counts.Updated != 0 {
		t.Fatalf("second poll: %+v, %v", counts, err)
	}

	out, _ = run("feeds", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 {
		t.Fatalf("feeds list: %v\n%s", err, out)
	}
	for _, k := range []string{"url", "title", "last_polled", "documents", "last_status", "failures", "next_poll"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("feeds list --json lacks %q: %v", k, list[0])
		}
	}
	if list[1]["title"] != "Europe desk" || list[0]["documents"].(float64)+list[1]["documents"].(float64) != 2 || list[0]["last_status"] != "304" {
		t.Fatalf("feeds list: %v", list)
	}
	if _, err := time.Parse(time.RFC3339, list[0]["last_polled"].(string)); err != nil {
		t.Fatalf("last_polled is not RFC 3339: %v", err)
	}
	if out, _ := run("feeds", "list"); !strings.Contains(out, "Europe desk") || !strings.Contains(out, "NEXT POLL") {
		t.Fatalf("feeds list:\n%s", out)
	}

	opml, _ := run("feeds", "export")
	if !strings.Contains(opml, "<opml") || !strings.Contains(opml, site.URL("/europe.xml")) {
		t.Fatalf("export:\n%s", opml)
	}
	if out, _ := run("feeds", "remove", site.URL("/europe.xml")); !strings.Contains(out, "until they are 30 days old") {
		t.Fatalf("feeds remove: %q", out)
	}
	out, _ = run("feeds", "list", "--json")
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
		t.Fatalf("after remove: %s", out)
	}
	if _, errOut, code := runCLI(t, env, "feeds", "remove", site.URL("/europe.xml")); code != 1 || !strings.Contains(errOut, "no feed in the list") {
		t.Fatalf("removing twice: exit %d %q", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "feeds.opml")
	if err := os.WriteFile(file, []byte(opml), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _ := run("feeds", "import", file); !strings.Contains(out, "Imported 1 feeds (1 already in the list)") {
		t.Fatalf("import: %q", out)
	}
}

// A poll in which every feed fails exits 1 after printing its counts;
// each failure is one warning line.
func TestFeedsPollEveryFeedFailed(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	file := filepath.Join(t.TempDir(), "feeds.opml")
	body := `<opml version="2.0"><body><outline text="Gone" xmlUrl="` + site.URL("/gone.xml") + `"/></body></opml>`
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATA_DIR": t.TempDir(), "FETCH_ALLOW_PRIVATE": "true", "FEEDS_OPML": file}
	out, errOut, code := runCLI(t, env, "feeds", "poll", "--json")
	if code != 1 || !strings.Contains(errOut, "every feed failed") || !strings.Contains(errOut, "HTTP 404") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var counts struct{ Feeds, Errors int }
	if err := json.Unmarshal([]byte(out), &counts); err != nil || counts.Feeds != 1 || counts.Errors != 1 {
		t.Fatalf("counts: %+v %v", counts, err)
	}
	out, _, _ = runCLI(t, env, "feeds", "list", "--json")
	if !strings.Contains(out, `"failures": 1`) || !strings.Contains(out, "404") {
		t.Fatalf("the failing feed's health: %s", out)
	}
	if out, _, _ = runCLI(t, env, "check"); !strings.Contains(out, "Feeds: 1, polled every 15m0s") || !strings.Contains(out, "failed 1 time in a row: webfetch:") {
		t.Fatalf("check lists the failing feed:\n%s", out)
	}
}

// Without FETCH_ALLOW_PRIVATE a loopback URL is refused with one line that
// names the setting, and nothing reaches the site.
func TestInternalAddressRefusedByDefault(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	site.SetFeed("/world.xml", "World")
	site.SetPage("/news/a", "A", "B", articleText("a")...)
	for _, args := range [][]string{{"feeds", "add", site.URL("/world.xml")}, {"ingest", site.URL("/news/a")}, {"extract", site.URL("/news/a")}, {"summarize", site.URL("/news/a")}} {
		_, errOut, code := runCLI(t, map[string]string{}, args...)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if code != 1 || !strings.Contains(errOut, "loopback") || !strings.Contains(errOut, "FETCH_ALLOW_PRIVATE") || (args[0] != "ingest" && len(lines) != 1) {
			t.Errorf("%v: exit %d: %q", args, code, errOut)
		}
	}
	if site.Requests("/world.xml")+site.Requests("/news/a") != 0 {
		t.Fatal("a request reached the site")
	}
}

// ingest adds single pages that summarize then finds; extract prints what
// extraction found, as text or JSON, from a URL or a file.
func TestIngestAndExtract(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	site.SetPage("/news/strike", "Port strike ends after talks", "Harbour Times", articleText("port strike")...)
	env := map[string]string{"DATA_DIR": t.TempDir(), "FETCH_ALLOW_PRIVATE": "true"}
	out, errOut, code := runCLI(t, env, "ingest", site.URL("/news/strike"), site.URL("/news/none"))
	if code != 1 || !strings.HasPrefix(out, "new\tport-strike-ends-after-talks-") || !strings.Contains(errOut, "HTTP 404") || !strings.Contains(errOut, "1 of 2 pages not added") {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, errOut)
	}
	id := strings.Split(out, "\t")[1]
	if out, errOut, code := runCLI(t, env, "summarize", "--doc", id); code != 0 || !strings.Contains(out, "Port strike ends") {
		t.Fatalf("summarize the ingested page: exit %d %s %s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, env, "summarize", site.URL("/news/strike")); code != 0 || !strings.Contains(out, "Port strike ends") || site.Requests("/news/strike") != 1 {
		t.Fatalf("summarize by link: exit %d %s %s (%d fetches)", code, out, errOut, site.Requests("/news/strike"))
	}

	out, errOut, code = runCLI(t, env, "extract", "--json", site.URL("/news/strike"))
	var art map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &art) != nil {
		t.Fatalf("extract --json: exit %d %s %s", code, out, errOut)
	}
	if art["title"] != "Port strike ends after talks" || art["site"] != "Harbour Times" || art["language"] != "en" ||
		art["published"] != "" || art["url"] != site.URL("/news/strike") || !strings.Contains(art["text"], "port strike") || len(art) != 7 {
		t.Fatalf("extract --json: %v", art)
	}
	page := filepath.Join(t.TempDir(), "page.html")
	html := `<html lang="fr"><head><title>Accord sur le port</title><meta property="article:published_time" content="2026-02-03T10:00:00Z"></head><body><article><h1>Accord sur le port</h1><p>` +
		strings.Repeat("Les négociateurs ont conclu un accord sur le port après trois jours de discussions. ", 4) + `</p></article></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLI(t, env, "extract", page, "--url", "https://example.org/accord")
	if code != 0 || !strings.Contains(out, "Title:     Accord sur le port") || !strings.Contains(out, "Language:  fr") ||
		!strings.Contains(out, "Published: 2026-02-03T") || !strings.Contains(out, "URL:       https://example.org/accord") {
		t.Fatalf("extract FILE: exit %d\n%s\n%s", code, out, errOut)
	}
}

// Mistakes on the live news command lines are one line and exit 2.
func TestFeedsCommandLineMistakes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"feeds"}, "feeds: say what to do"},
		{[]string{"feeds", "subscribe", "x"}, `feeds: unknown command "subscribe"`},
		{[]string{"feeds", "add"}, "feeds add: missing argument"},
		{[]string{"feeds", "add", "a", "b"}, `feeds add: unexpected "b"`},
		{[]string{"feeds", "add", "x", "--name"}, "flag needs a value: -name"},
		{[]string{"feeds", "list", "all"}, `feeds list: unexpected "all"`},
		{[]string{"feeds", "poll", "--fast"}, "flag provided but not defined: -fast"},
		{[]string{"feeds", "import"}, "feeds import: missing argument"},
		{[]string{"ingest"}, "ingest: missing argument"},
		{[]string{"extract"}, "extract: missing argument"},
		{[]string{"extract", "a.html", "b.html"}, `extract: unexpected "b.html"`},
	} {
		out, errOut, code := runCLI(t, map[string]string{}, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 with %q", c.args, code, out, errOut, c.want)
		}
	}
	// A bad URL or file is not a usage mistake but one clear line, exit 1.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"feeds", "add", "ftp://example.org/rss"}, `"ftp://example.org/rss" is not an http(s) URL of a feed`},
		{[]string{"feeds", "import", "missing.opml"}, "cannot read the OPML file"},
		{[]string{"extract", "missing.html"}, "cannot read the page"},
	} {
		_, errOut, code := runCLI(t, map[string]string{}, c.args...)
		if code != 1 || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 with %q", c.args, code, errOut, c.want)
		}
	}
}

// extract - reads the page from standard input.
func TestExtractFromStdin(t *testing.T) {
	t.Parallel()
	page := `<html lang="en"><head><title>Ferry service resumes</title></head><body><article><h1>Ferry service resumes</h1><p>` +
		strings.Repeat("The ferry between the two islands sailed again on Monday after repairs to the pier. ", 3) + `</p></article></body></html>`
	var out, errOut strings.Builder
	err := run(context.Background(), []string{"extract", "--json", "-"}, strings.NewReader(page), &out, &errOut, config.MapLookup(map[string]string{}))
	var art map[string]string
	if err != nil || json.Unmarshal([]byte(out.String()), &art) != nil || art["title"] != "Ferry service resumes" || !strings.Contains(art["text"], "ferry between the two islands") {
		t.Fatalf("extract -: %v %s %s", err, out.String(), errOut.String())
	}
}
