package bot

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/config"
	"github.com/geobrief/geobrief/discordfmt"
)

const storyHarbour = "Negotiators from Malta and Libya met in Valletta on Tuesday to resume talks on the Marsaxlokk harbour dispute. " +
	"Maria Borg, Malta's transport minister, said the meeting with the Libyan envoy Khalid Mansour was constructive and that " +
	"both delegations agreed to share shipping data. The dispute over berths for Libyan tankers at Marsaxlokk began last year."

// storyApp opens the real application over a folder with a harbour story
// in three outlets and a wire copy, a cod quota story in two, and a
// single-source story.
func storyApp(t *testing.T) *app.App {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []struct{ id, title, source, published, body string }{
		{"harbour-times", "Malta and Libya resume Marsaxlokk harbour talks in Valletta", "Harbour Times", "2026-03-10", storyHarbour},
		{"wire-daily", "Malta and Libya resume Marsaxlokk harbour talks in Valletta", "Wire Daily", "2026-03-10", storyHarbour + " (Wire)"},
		{"island-post", "Valletta talks: Borg and Mansour agree to share Marsaxlokk shipping data", "Island Post", "2026-03-10",
			"Malta's transport minister Maria Borg and Libyan envoy Khalid Mansour agreed in Valletta to share shipping data, " +
				"a first step in the Marsaxlokk harbour dispute over berths for Libyan tankers. The talks resume next month."},
		{"coastal-review", "Libyan tankers and Marsaxlokk berths on the table as Malta and Libya talk in Valletta", "Coastal Review", "2026-03-11",
			"Talks between Malta and Libya in Valletta turned on berths for Libyan tankers at Marsaxlokk. Khalid Mansour, Libya's envoy, " +
				"met Maria Borg for three hours; both sides called the Marsaxlokk harbour talks constructive."},
		{"fish-north", "Norway and Iceland open Arctic cod quota talks in Tromso", "North Desk", "2026-03-10",
			"Norway and Iceland opened talks in Tromso on Arctic cod quotas for next season. Fisheries minister Ingrid Dahl " +
				"said scientists had advised a cut of a fifth, and that the two governments would meet the Faroe Islands in May."},
		{"fish-south", "Tromso cod quota talks: Ingrid Dahl warns of a cut of a fifth", "Fish Weekly", "2026-03-11",
			"In Tromso, Norway's fisheries minister Ingrid Dahl told Iceland that Arctic cod quotas may fall by a fifth next season, " +
				"as scientists advised. The Faroe Islands join the quota talks in May."},
		{"glacier", "Glacier in Patagonia loses a record slab of ice", "Andes Daily", "2026-03-12",
			"A record slab of ice broke off the Perito Moreno glacier in Patagonia, park rangers said."},
	} {
		text := fmt.Sprintf("---\ntitle: %s\nsource: %s\npublished: %s\n---\n%s\n", d.title, d.source, d.published, d.body)
		if err := os.WriteFile(filepath.Join(dir, d.id+".md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(config.MapLookup(map[string]string{"SEEDS_DIR": dir, "DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// setupStories builds the bot over the real application (its offline
// summarizer making story briefs when briefs is set), stories on.
func setupStories(t *testing.T, briefs bool) (*harness, *app.App) {
	t.Helper()
	a := storyApp(t)
	cfg, sum := testConfig(func(c *Config, _ *fakeBriefer) {
		c.Stories = a
		if briefs {
			c.StoryBriefs = a
		}
	})
	b, err := NewHandler(cfg, a, sum)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	return &harness{t: t, b: b, rec: &recorder{appID: "100000000000000001"}, sum: sum, ctx: context.Background()}, a
}

// checkFits fails when a reply breaks one of Discord's limits or could
// mention someone.
func checkFits(t *testing.T, m message) {
	t.Helper()
	if problems := discordfmt.Check(m.Content, m.Embeds); len(problems) > 0 {
		t.Errorf("the reply breaks Discord's limits: %v", problems)
	}
	if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf("mentions not off: %+v", m.AllowedMentions)
	}
}

func TestStoriesCommandListsTopStories(t *testing.T) {
	t.Parallel()
	h, a := setupStories(t, true)
	_, ed := h.dispatch(h.slash("stories", "u1", opt("since", "2026-03-01")))
	m := decodeMessage(t, ed)
	checkFits(t, m)
	if len(m.Embeds) != 1 {
		t.Fatalf("edit %s", ed.Body)
	}
	lines := strings.Split(m.Embeds[0].Description, "\n")
	if len(lines) != 6 {
		t.Fatalf("want 3 stories of two lines each:\n%s", m.Embeds[0].Description)
	}
	if !strings.HasPrefix(lines[0], "1. **Malta and Libya resume Marsaxlokk harbour talks in Valletta**") ||
		!strings.HasPrefix(lines[1], "3 sources (Harbour Times, Island Post, Coastal Review) · 4 documents") {
		t.Errorf("top story:\n%s", m.Embeds[0].Description)
	}
	if !strings.HasPrefix(lines[3], "2 sources (North Desk, Fish Weekly)") || !strings.HasPrefix(lines[5], "1 source (Andes Daily)") {
		t.Errorf("the others, widest first:\n%s", m.Embeds[0].Description)
	}
	views, err := a.Stories(h.ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, v := range views {
		want = append(want, "story:"+v.ID)
	}
	if got := buttonIDs(m.Components); !slices.Equal(got, want) {
		t.Errorf("buttons %v, want %v", got, want)
	}
	// Each button counts its story's sources in words that agree with the count.
	var labels []string
	for _, row := range m.Components {
		cs, _ := row["components"].([]any)
		for _, c := range cs {
			labels = append(labels, c.(map[string]any)["label"].(string))
		}
	}
	if len(labels) != 3 || !strings.HasPrefix(labels[0], "3 sources: ") || !strings.HasPrefix(labels[2], "1 source: ") {
		t.Errorf("button labels %q", labels)
	}

	// Nothing in the default window (the last day): said so.
	_, ed = h.dispatch(h.slash("stories", "u1"))
	if m := decodeMessage(t, ed); !strings.HasPrefix(m.Content, "No news since") || len(m.Components) != 0 {
		t.Errorf("empty window: %s", ed.Body)
	}
	_, ed = h.dispatch(h.slash("stories", "u1", opt("since", "last week")))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "can't read that `since`") {
		t.Errorf("bad since: %s", ed.Body)
	}
}

// Without a story briefer the story button lists the story's documents
// (the copy marked, a button for each original) and says briefs are off.
func TestStoryButtonWithoutBriefsShowsTheDocuments(t *testing.T) {
	t.Parallel()
	h, a := setupStories(t, false)
	v, err := a.StoryOf(h.ctx, "island-post")
	if err != nil {
		t.Fatal(err)
	}
	_, ed := h.dispatch(h.interaction(3, map[string]any{"custom_id": "story:" + v.ID, "component_type": 2}, "u1"))
	m := decodeMessage(t, ed)
	checkFits(t, m)
	if m.Content != storyBriefPending || len(m.Embeds) != 1 {
		t.Fatalf("edit %s", ed.Body)
	}
	desc := m.Embeds[0].Description
	if n := strings.Count(desc, "\n") + 1; n != 4 || !strings.Contains(desc, "`wire-daily` (a copy of `harbour-times`)") {
		t.Errorf("documents:\n%s", desc)
	}
	if got := buttonIDs(m.Components); !slices.Equal(got, []string{"sum:harbour-times", "sum:island-post", "sum:coastal-review"}) {
		t.Errorf("buttons %v", got)
	}
	if !strings.Contains(m.Embeds[0].Footer.Text, "3 sources, 4 documents") {
		t.Errorf("footer %q", m.Embeds[0].Footer.Text)
	}

	_, ed = h.dispatch(h.interaction(3, map[string]any{"custom_id": "story:s-gone", "component_type": 2}, "u1"))
	if m := decodeMessage(t, ed); !strings.Contains(m.Content, "no longer in the corpus") {
		t.Errorf("unknown story: %s", ed.Body)
	}
}

// /summarize and /facts on a document of a multi-source story name the
// other sources with a button for the story; a single-source story says
// nothing of the kind.
func TestSummaryAndFactsSayWhoElseCovered(t *testing.T) {
	t.Parallel()
	h, a := setupStories(t, true)
	v, err := a.StoryOf(h.ctx, "island-post")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"summarize", "facts"} {
		_, ed := h.dispatch(h.slash(cmd, "u1", opt("article", "island-post")))
		m := decodeMessage(t, ed)
		checkFits(t, m)
		if !strings.Contains(m.Content, "Also covered by 2 sources: Harbour Times, Coastal Review.") {
			t.Errorf("/%s content %q", cmd, m.Content)
		}
		if got := buttonIDs(m.Components); !slices.Equal(got, []string{"story:" + v.ID}) {
			t.Errorf("/%s buttons %v", cmd, got)
		}
	}
	// Found by words, with alternatives: the story's line comes first, its
	// button first, the alternatives' line next to their buttons.
	_, ed := h.dispatch(h.slash("summarize", "u3", opt("article", "Libyan tankers berths Marsaxlokk Valletta talks")))
	m := decodeMessage(t, ed)
	if !strings.HasPrefix(m.Content, "Also covered by ") {
		t.Errorf("by words: content %q", m.Content)
	}
	if ids := buttonIDs(m.Components); len(ids) == 0 || ids[0] != "story:"+v.ID {
		t.Errorf("by words: buttons %v", ids)
	} else if len(ids) > 1 && !strings.Contains(m.Content, "\nSummarized ") {
		t.Errorf("alternatives without their line: %q", m.Content)
	}

	_, ed = h.dispatch(h.slash("summarize", "u2", opt("article", "glacier")))
	if m := decodeMessage(t, ed); strings.Contains(m.Content, "Also covered") || len(m.Components) != 0 {
		t.Errorf("single source: %s", ed.Body)
	}
}

// /search shows one line per story, the best hit of each, with its other
// sources counted.
func TestSearchOneLinePerStory(t *testing.T) {
	t.Parallel()
	h, _ := setupStories(t, true)
	_, ed := h.dispatch(h.slash("search", "u1", opt("query", "Marsaxlokk harbour Valletta")))
	m := decodeMessage(t, ed)
	checkFits(t, m)
	if len(m.Embeds) != 1 {
		t.Fatalf("edit %s", ed.Body)
	}
	lines := strings.Split(m.Embeds[0].Description, "\n")
	if len(lines) != 1 || !strings.HasSuffix(lines[0], "· +2 sources") {
		t.Errorf("one line for the harbour story with +2 sources:\n%s", m.Embeds[0].Description)
	}
}

// The story button answers with the story brief: made from the three
// sources (the wire copy folded into its original), each shown fact with
// the words of the source it cites, a button to summarize each source.
func TestStoryButtonGivesTheBrief(t *testing.T) {
	t.Parallel()
	h, a := setupStories(t, true)
	v, err := a.StoryOf(h.ctx, "coastal-review")
	if err != nil {
		t.Fatal(err)
	}
	_, ed := h.dispatch(h.interaction(3, map[string]any{"custom_id": "story:" + v.ID, "component_type": 2}, "u1"))
	m := decodeMessage(t, ed)
	checkFits(t, m)
	if len(m.Embeds) != 1 {
		t.Fatalf("edit %s", ed.Body)
	}
	if !strings.HasPrefix(m.Content, "Story brief from 3 sources: ") || !strings.Contains(m.Content, "(+1 copy)") {
		t.Errorf("content %q", m.Content)
	}
	e := m.Embeds[0]
	if e.Description == "" || len(e.Fields) == 0 || !strings.Contains(e.Footer.Text, "Story "+v.ID) || !strings.Contains(e.Footer.Text, "offline summary") {
		t.Errorf("brief embed: %+v (footer %q)", e, e.Footer.Text)
	}
	// Which of an original and its same-day copy stands for the pair is
	// the story brief's choice (its canonical order); either outlet may
	// be cited.
	outlets := []string{"Harbour Times", "Wire Daily", "Island Post", "Coastal Review"}
	for _, f := range e.Fields {
		if !strings.HasPrefix(f.Value, "> “") || !slices.ContainsFunc(outlets, func(o string) bool { return strings.Contains(f.Value, "("+o+")") }) {
			t.Errorf("fact %q without a quote from one of the sources: %q", f.Name, f.Value)
		}
	}
	if got := buttonIDs(m.Components); len(got) != 3 || slices.Contains(got, "sum:wire-daily") == slices.Contains(got, "sum:harbour-times") {
		t.Errorf("buttons %v, want one per source (the copy folded)", got)
	}
	if n := h.b.metrics.interactions.get("button:story", "ok"); n != 1 {
		t.Errorf("button:story/ok counted %d times", n)
	}
}
