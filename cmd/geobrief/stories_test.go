package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeStoryDoc writes a document file; an empty published leaves the
// date out, so the document counts by when it was added (the file's time).
func writeStoryDoc(t *testing.T, dir, id, title, source, published, body string, modTime time.Time) {
	t.Helper()
	front := "---\ntitle: " + title + "\nsource: " + source + "\n"
	if published != "" {
		front += "published: " + published + "\n"
	}
	path := filepath.Join(dir, id+".md")
	if err := os.WriteFile(path, []byte(front+"---\n"+body+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, modTime, modTime); err != nil {
		t.Fatal(err)
	}
}

const harbourText = "Negotiators from Malta and Libya met in Valletta on Tuesday to resume talks on the Marsaxlokk harbour dispute. " +
	"Maria Borg, Malta's transport minister, said the meeting with the Libyan envoy Khalid Mansour was constructive and that " +
	"both delegations agreed to share shipping data. The dispute over berths for Libyan tankers at Marsaxlokk began last year."

// storyCorpus: a harbour story in three outlets plus a wire copy, a cod
// quota story in two, all published in March; and two undated documents,
// one added an hour ago and one three days ago.
func storyCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	old := time.Now().Add(-72 * time.Hour)
	writeStoryDoc(t, dir, "harbour-times", "Malta and Libya resume Marsaxlokk harbour talks in Valletta", "Harbour Times", "2026-03-10", harbourText, old)
	writeStoryDoc(t, dir, "wire-daily", "Malta and Libya resume Marsaxlokk harbour talks in Valletta", "Wire Daily", "2026-03-10", harbourText+" (Wire)", old)
	writeStoryDoc(t, dir, "island-post", "Valletta talks: Borg and Mansour agree to share Marsaxlokk shipping data", "Island Post", "2026-03-10",
		"Malta's transport minister Maria Borg and Libyan envoy Khalid Mansour agreed in Valletta to share shipping data, "+
			"a first step in the Marsaxlokk harbour dispute over berths for Libyan tankers. The talks resume next month.", old)
	writeStoryDoc(t, dir, "coastal-review", "Libyan tankers and Marsaxlokk berths on the table as Malta and Libya talk in Valletta", "Coastal Review", "2026-03-11",
		"Talks between Malta and Libya in Valletta turned on berths for Libyan tankers at Marsaxlokk. Khalid Mansour, Libya's envoy, "+
			"met Maria Borg for three hours; both sides called the Marsaxlokk harbour talks constructive.", old)
	writeStoryDoc(t, dir, "fish-north", "Norway and Iceland open Arctic cod quota talks in Tromso", "North Desk", "2026-03-10",
		"Norway and Iceland opened talks in Tromso on Arctic cod quotas for next season. Fisheries minister Ingrid Dahl "+
			"said scientists had advised a cut of a fifth, and that the two governments would meet the Faroe Islands in May.", old)
	writeStoryDoc(t, dir, "fish-south", "Tromso cod quota talks: Ingrid Dahl warns of a cut of a fifth", "Fish Weekly", "2026-03-11",
		"In Tromso, Norway's fisheries minister Ingrid Dahl told Iceland that Arctic cod quotas may fall by a fifth next season, "+
			"as scientists advised. The Faroe Islands join the quota talks in May.", old)
	writeStoryDoc(t, dir, "volcano-fresh", "Volcano on Stromboli erupts, ferries to Lipari suspended", "Sicily Now", "",
		"The Stromboli volcano erupted overnight and the coast guard suspended ferries between Lipari and Stromboli.", time.Now().Add(-time.Hour))
	writeStoryDoc(t, dir, "glacier-old", "Glacier in Patagonia loses a record slab of ice", "Andes Daily", "",
		"A record slab of ice broke off the Perito Moreno glacier in Patagonia, park rangers said.", old)
	return dir
}

func decodeStories(t *testing.T, out string) []storyJSON {
	t.Helper()
	var got []storyJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not a JSON array of stories: %v\n%s", err, out)
	}
	return got
}

// `geobrief stories --json` end to end on a data folder: every document of
// the window in exactly one story, the widest coverage first, a wire copy
// not counted as a source; the default window is the last 24 hours, by
// published time, else added time.
func TestStoriesCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SEEDS_DIR": storyCorpus(t), "DATA_DIR": t.TempDir()}

	out, errOut, code := runCLI(t, env, "stories", "--since", "2026-01-01", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := decodeStories(t, out)
	var docs []string
	for _, s := range got {
		docs = append(docs, s.Documents...)
		if s.ID == "" || s.Headline == "" || s.FirstSeen.IsZero() || s.LastSeen.Before(s.FirstSeen) {
			t.Errorf("incomplete story %+v", s)
		}
	}
	slices.Sort(docs)
	want := []string{"coastal-review", "fish-north", "fish-south", "glacier-old", "harbour-times", "island-post", "volcano-fresh", "wire-daily"}
	if !slices.Equal(docs, want) {
		t.Fatalf("documents %v, want each of %v exactly once", docs, want)
	}
	if len(got) != 4 {
		t.Fatalf("%d stories, want 4: %+v", len(got), got)
	}
	top := got[0]
	if !slices.Equal(top.Sources, []string{"Harbour Times", "Island Post", "Coastal Review"}) || len(top.Documents) != 4 {
		t.Errorf("top story: %+v", top)
	}
	if got[1].Headline != "Norway and Iceland open Arctic cod quota talks in Tromso" || len(got[1].Sources) != 2 {
		t.Errorf("second story: %+v", got[1])
	}
	// The raw JSON has exactly the documented keys.
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if fmt.Sprint(keys) != "[documents first_seen headline id last_seen sources]" {
		t.Errorf("keys %v", keys)
	}

	// Default window, 24h: only the volcano, added an hour ago.
	out, errOut, code = runCLI(t, env, "stories", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := decodeStories(t, out); len(got) != 1 || !slices.Equal(got[0].Documents, []string{"volcano-fresh"}) {
		t.Errorf("last 24h: %+v", got)
	}

	// For a terminal: the stories with their sources, the same IDs.
	out, errOut, code = runCLI(t, env, "stories", "--since", "2026-03-01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"1. Malta and Libya resume Marsaxlokk harbour talks in Valletta", "\n   3 sources: Harbour Times, Island Post, Coastal Review", "\n   4 documents", "story " + top.ID} {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}

	// Search: one line per story, with the other sources counted.
	out, errOut, code = runCLI(t, env, "search", "Marsaxlokk", "harbour", "Valletta")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "(+2 sources)") {
		t.Errorf("search by story:\n%s", out)
	}
}

func TestStoriesCommandMistakes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"stories", "--since", "last week"}, "not a duration"},
		{[]string{"stories", "oman"}, `stories: unexpected "oman"`},
	} {
		out, errOut, code := runCLI(t, map[string]string{}, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 with %q", c.args, code, out, errOut, c.want)
		}
	}
}

// `geobrief story` gives a story's brief, named by the story's ID or by one
// of its documents': made from its three sources, the wire copy folded in.
func TestStoryCommand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SEEDS_DIR": storyCorpus(t), "DATA_DIR": t.TempDir()}
	out, errOut, code := runCLI(t, env, "story", "--json", "coastal-review")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Story storyJSON `json:"story"`
		Brief struct {
			Summary string `json:"summary"`
			Sources []struct {
				DocID  string `json:"doc_id"`
				Copies []struct {
					DocID string `json:"doc_id"`
				} `json:"copies"`
			} `json:"sources"`
		} `json:"brief"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !slices.Contains(got.Story.Documents, "coastal-review") || len(got.Story.Documents) != 4 {
		t.Errorf("story %+v", got.Story)
	}
	copies := 0
	for _, s := range got.Brief.Sources {
		copies += len(s.Copies)
	}
	if len(got.Brief.Sources) != 3 || copies != 1 || got.Brief.Summary == "" {
		t.Errorf("brief from %d sources with %d copies, summary %q", len(got.Brief.Sources), copies, got.Brief.Summary)
	}

	// By the story's own ID, for a terminal.
	out, errOut, code = runCLI(t, env, "story", got.Story.ID)
	if code != 0 || !strings.Contains(out, "Key facts (") || !strings.Contains(out, "Story "+got.Story.ID) {
		t.Errorf("exit %d, %s\n%s", code, errOut, out)
	}

	_, errOut, code = runCLI(t, env, "story", "nothing-here")
	if code != 1 || !strings.Contains(errOut, `no story or document has the ID "nothing-here"`) {
		t.Errorf("unknown ID: exit %d, %q", code, errOut)
	}
}
