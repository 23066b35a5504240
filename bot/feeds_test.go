package bot

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/newssite"
	"github.com/geobrief/geobrief/webfetch"
)

const adminID = "800000000000000001"

// setupNews builds the bot over a real app (SQLite store, the offline
// summarizer, the real fetcher and extractor) with a one-document folder.
// env adds settings; FETCH_ALLOW_PRIVATE is on unless env says otherwise,
// so that the local news site can be reached.
func setupNews(t *testing.T, env map[string]string, opt func(*Config)) (*harness, *app.App) {
	t.Helper()
	seeds := t.TempDir()
	if err := os.WriteFile(filepath.Join(seeds, "oman.md"), []byte("---\npublished: 2020-01-01\n---\nEnvoy visits Oman\nThe envoy arrived in Muscat for talks."), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"SEEDS_DIR": seeds, "DATA_DIR": t.TempDir(), "FETCH_ALLOW_PRIVATE": "true"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(config.MapLookup(vars))
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)),
		app.WithFetchConfig(func(c *webfetch.Config) { c.HostDelay = -1 }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	bcfg, _ := testConfig(nil)
	bcfg.Feeds = a
	bcfg.AdminUserIDs = []string{adminID}
	if opt != nil {
		opt(&bcfg)
	}
	b, err := NewHandler(bcfg, a, a.Summarizer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	return &harness{t: t, b: b, rec: &recorder{appID: "100000000000000001"}, ctx: context.Background()}, a
}

func newsSite(t *testing.T) *newssite.Site {
	t.Helper()
	s := newssite.New()
	t.Cleanup(s.Close)
	s.SetPage("/news/x", "Border crossing reopens", "Harbour Times",
		newssite.Sentence("border crossing", 30), newssite.Sentence("border crossing delegates", 30))
	s.SetFeed("/feed.xml", "Harbour World", newssite.Item{Title: "Border crossing reopens", Path: "/news/x", GUID: "x"})
	return s
}

func sub(name string, opts ...map[string]any) map[string]any {
	if opts == nil {
		opts = []map[string]any{}
	}
	return map[string]any{"name": name, "type": 1, "options": opts}
}

// answer returns what the user saw: the deferred reply's last edit, else
// the immediate answer, and whether only they saw it.
func (h *harness) answerOf(in map[string]any) (message, bool) {
	h.t.Helper()
	cb, ed := h.dispatch(in)
	typ, m := callbackData(h.t, cb)
	if typ == 4 {
		return m, m.Flags&64 != 0
	}
	return decodeMessage(h.t, ed), false
}

func TestFeedsAddListRemove(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	h, a := setupNews(t, nil, nil)
	ctx := context.Background()

	m, _ := h.answerOf(h.slash("feeds", "u1", sub("list")))
	if !strings.Contains(m.Content, "no feeds") {
		t.Fatalf("empty list: %+v", m)
	}
	m, _ = h.answerOf(h.slash("feeds", adminID, sub("add", opt("url", site.URL("/feed.xml")), opt("name", "Harbour *News*"))))
	if !strings.Contains(m.Content, `Added **Harbour \*News\***`) {
		t.Fatalf("add: %q", m.Content)
	}
	if list, err := a.Feeds(ctx); err != nil || len(list) != 1 || list[0].Title != "Harbour *News*" {
		t.Fatalf("stored: %+v, %v", list, err)
	}
	if _, err := a.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	m, _ = h.answerOf(h.slash("feeds", "u2", sub("list")))
	if len(m.Embeds) != 1 || len(m.Embeds[0].Fields) != 1 {
		t.Fatalf("list: %+v", m)
	}
	f := m.Embeds[0].Fields[0]
	if f.Name != `Harbour \*News\*` || !strings.Contains(f.Value, "1 document") || !strings.Contains(f.Value, ": 200") ||
		!strings.Contains(f.Value, site.URL("/feed.xml")) || !strings.Contains(f.Value, "next <t:") {
		t.Errorf("feed field: %q / %q", f.Name, f.Value)
	}

	// Adding it again, removing what is not there: one clear line each.
	m, _ = h.answerOf(h.slash("feeds", adminID, sub("add", opt("url", site.URL("/feed.xml")))))
	if m.Content != "That feed is already in the list (see `/feeds list`)." {
		t.Errorf("again: %q", m.Content)
	}
	m, _ = h.answerOf(h.slash("feeds", adminID, sub("remove", opt("url", site.URL("/other.xml")))))
	if m.Content != "No feed in the list has that URL (see `/feeds list`)." {
		t.Errorf("remove unknown: %q", m.Content)
	}
	// A page that is not a feed.
	m, _ = h.answerOf(h.slash("feeds", adminID, sub("add", opt("url", site.URL("/news/x")))))
	if m.Content != msgNotAFeed {
		t.Errorf("not a feed: %q", m.Content)
	}
	m, _ = h.answerOf(h.slash("feeds", adminID, sub("remove", opt("url", site.URL("/feed.xml")))))
	if !strings.HasPrefix(m.Content, "Removed ") {
		t.Errorf("remove: %q", m.Content)
	}
	if list, _ := a.Feeds(ctx); len(list) != 0 {
		t.Errorf("still listed: %+v", list)
	}
}

// Anyone but the listed users is refused, at once and only to them, and
// nothing is fetched; a Discord server's admin is no exception.
func TestFeedsChangesOnlyForTheOperator(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	h, a := setupNews(t, nil, nil)
	in := h.slash("feeds", "900000000000000009", sub("add", opt("url", site.URL("/feed.xml"))))
	in["member"].(map[string]any)["permissions"] = "8" // ADMINISTRATOR in their server
	for _, in := range []map[string]any{in, h.slash("feeds", "u3", sub("remove", opt("url", site.URL("/feed.xml"))))} {
		m, ephemeral := h.answerOf(in)
		if m.Content != msgFeedsOperatorOnly || !ephemeral {
			t.Errorf("refusal: %q, ephemeral %v", m.Content, ephemeral)
		}
	}
	if site.Requests("/feed.xml") != 0 {
		t.Error("a refused request fetched the feed")
	}
	if list, _ := a.Feeds(context.Background()); len(list) != 0 {
		t.Errorf("a refused add was stored: %+v", list)
	}
	if got := h.b.metrics.interactions.get("feeds", "refused"); got != 2 {
		t.Errorf("refusals counted %d times", got)
	}
}

// Without FETCH_ALLOW_PRIVATE, the loopback site is refused with
// webfetch's reason, not "something went wrong".
func TestFeedsAddRefusesInternalAddress(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	h, _ := setupNews(t, map[string]string{"FETCH_ALLOW_PRIVATE": "false"}, nil)
	m, _ := h.answerOf(h.slash("feeds", adminID, sub("add", opt("url", site.URL("/feed.xml")))))
	if !strings.HasPrefix(m.Content, "That link is refused: ") || !strings.Contains(m.Content, "FETCH\\_ALLOW\\_PRIVATE") {
		t.Errorf("refused: %q", m.Content)
	}
	if site.Requests("/feed.xml") != 0 {
		t.Error("the loopback site was reached")
	}
}

// /feeds is in the route table: registered, and in /help.
func TestFeedsRegisteredAndInHelp(t *testing.T) {
	t.Parallel()
	h, _ := setupNews(t, nil, nil)
	var names []string
	for _, c := range h.b.Commands() {
		names = append(names, c.Name)
	}
	if !strings.Contains(strings.Join(names, " "), "feeds") {
		t.Errorf("not registered: %v", names)
	}
	m, _ := h.answerOf(h.slash("help", "u1"))
	if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description, "**/feeds**") {
		t.Errorf("help: %+v", m.Embeds)
	}
	// Without a feed manager there is no /feeds.
	b, err := NewHandler(Config{Token: "t", Logger: discardLogger()}, testLibrary(), &fakeBriefer{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range b.Commands() {
		if c.Name == "feeds" {
			t.Error("/feeds without a feed manager")
		}
	}
}

// /help asks Sources each time (feeds change while the bot runs), and
// falls back to SourcesText when it has nothing to say.
func TestHelpSourcesAskedEachTime(t *testing.T) {
	t.Parallel()
	line := "Live news from 2 feeds"
	h := setup(t, func(c *Config, _ *fakeBriefer) {
		c.SourcesText = "the seeds"
		c.Sources = func(context.Context) string { return line }
	})
	for _, want := range []string{"Live news from 2 feeds", "the seeds"} {
		_, ed := h.dispatch(h.slash("help", "u1"))
		m := decodeMessage(t, ed)
		if len(m.Embeds) != 1 || len(m.Embeds[0].Fields) != 1 || m.Embeds[0].Fields[0].Value != want {
			t.Errorf("help: %+v, want %q", m.Embeds, want)
		}
		line = ""
	}
}

// A link in /summarize's article option is fetched, extracted, stored and
// summarized; asking again finds the stored document without fetching.
func TestSummarizeLinkFetchesStoresAndSummarizes(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	h, a := setupNews(t, nil, nil)
	m, _ := h.answerOf(h.slash("summarize", "u1", opt("article", site.URL("/news/x?utm_source=chat"))))
	if len(m.Embeds) != 1 || !strings.Contains(m.Embeds[0].Description+m.Embeds[0].Title, "border crossing") && !strings.Contains(m.Embeds[0].Title, "Border crossing") {
		t.Fatalf("summary: %+v / %q", m.Embeds, m.Content)
	}
	hits, err := a.Search(context.Background(), "border crossing", 5)
	if err != nil || len(hits) != 1 || !strings.Contains(m.Embeds[0].Footer.Text, "ID "+hits[0].ID) {
		t.Fatalf("stored: %+v, %v; footer %q", hits, err, m.Embeds[0].Footer.Text)
	}
	m, _ = h.answerOf(h.slash("summarize", "u2", opt("article", site.URL("/news/x"))))
	if len(m.Embeds) != 1 || site.Requests("/news/x") != 1 {
		t.Errorf("again: %d embeds, %d fetches", len(m.Embeds), site.Requests("/news/x"))
	}
}

// A link counts against the same per-user limit as any summary: over it,
// nothing is fetched.
func TestSummarizeLinkRateLimited(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	site.SetPage("/news/y", "Port strike ends", "Harbour Times", newssite.Sentence("port strike", 30), newssite.Sentence("port strike talks", 30))
	h, _ := setupNews(t, nil, func(c *Config) { c.UserRatePerMinute = 1 })
	if m, _ := h.answerOf(h.slash("summarize", "u1", opt("article", site.URL("/news/x")))); len(m.Embeds) != 1 {
		t.Fatalf("first: %+v", m)
	}
	m, ephemeral := h.answerOf(h.slash("summarize", "u1", opt("article", site.URL("/news/y"))))
	if !strings.HasPrefix(m.Content, "You can ask for 1 summaries a minute") || !ephemeral {
		t.Errorf("second: %q (ephemeral %v)", m.Content, ephemeral)
	}
	if site.Requests("/news/y") != 0 {
		t.Error("a rate-limited link was fetched")
	}
}

// Without FETCH_ALLOW_PRIVATE a link to an internal address gets
// webfetch's reason, not "Something went wrong", and nothing is fetched.
func TestSummarizeLinkRefusedInternalAddress(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	h, _ := setupNews(t, map[string]string{"FETCH_ALLOW_PRIVATE": "false"}, nil)
	m, _ := h.answerOf(h.slash("summarize", "u1", opt("article", site.URL("/news/x"))))
	if !strings.HasPrefix(m.Content, "That link is refused: ") || !strings.Contains(m.Content, "FETCH\\_ALLOW\\_PRIVATE") || m.Content == msgInternal {
		t.Errorf("refused: %q", m.Content)
	}
	if site.Requests("/news/x") != 0 {
		t.Error("the loopback site was reached")
	}
}

// Autocomplete only reads the index: a link being typed is never fetched.
func TestAutocompleteDoesNotFetchLinks(t *testing.T) {
	t.Parallel()
	site := newsSite(t)
	h, _ := setupNews(t, nil, nil)
	for _, cmd := range []string{"summarize", "facts"} {
		cb, _ := h.dispatch(h.interaction(4, map[string]any{"id": "1", "name": cmd, "type": 1, "options": []map[string]any{
			{"name": "article", "type": 3, "value": site.URL("/news/x"), "focused": true},
		}}, "u1"))
		if typ, _ := callbackData(t, cb); typ != 8 {
			t.Errorf("%s: callback type %d", cmd, typ)
		}
	}
	if site.Requests("/news/x") != 0 {
		t.Errorf("autocomplete fetched the link %d times", site.Requests("/news/x"))
	}
}
