package discordfmt

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/summarize"
)

func smallStory() summarize.StoryBrief {
	return summarize.StoryBrief{
		Headline: "Flood kills at least 12 in Valmora",
		Summary:  "A flood hit the *lower* town of Valmora.",
		Facts: []summarize.StoryFact{
			{Text: "A state of emergency was declared", Verified: true, Citations: []summarize.Citation{
				{DocID: "r", Outlet: "Reuters", Quote: "declared a state of emergency across the province", Verified: true},
				{DocID: "a", Outlet: "AP", Quote: "words AP never wrote", Verified: false, Reason: "the quote is not in AP's text"},
			}},
			{Text: "Engineers want the dam inspected", Verified: false, Citations: []summarize.Citation{
				{DocID: "a", Outlet: "AP", Quote: "Engineers warned that the old dam", Reason: "the quote is not in AP's text"},
			}},
		},
		Disagreements: []summarize.Disagreement{{About: "people killed", Sides: []summarize.DisagreementSide{
			{Value: "12", DocID: "r", Outlet: "Reuters", Quote: "the flood killed 12 people"},
			{Value: "15", DocID: "a", Outlet: "AP", Quote: "the flood killed 15 people"},
		}}},
		Sources: []summarize.StorySourceInfo{
			{DocID: "r", Outlet: "Reuters", URL: "https://example.com/r", Copies: []summarize.StoryCopy{{DocID: "p", Outlet: "Daily Planet"}}},
			{DocID: "a", Outlet: "AP"},
		},
		Meta: summarize.Meta{Model: "m", FactsVerified: 1, FactsGiven: 2},
	}
}

func TestStoryEmbedShowsOnlyWhatWasChecked(t *testing.T) {
	e := StoryEmbed(smallStory())
	checkLimits(t, []*discordgo.MessageEmbed{e})
	if !strings.Contains(e.Description, `\*lower\*`) {
		t.Errorf("summary not escaped: %q", e.Description)
	}
	if !strings.Contains(e.Description, "**Sources (2):** [Reuters](https://example.com/r) (+1 copy), AP") {
		t.Errorf("sources line missing: %q", e.Description)
	}
	if len(e.Fields) != 2 {
		t.Fatalf("fields = %d, want the disagreement and the one verified fact", len(e.Fields))
	}
	if d := e.Fields[0]; d.Name != "Sources differ on people killed: 12 (Reuters) / 15 (AP)" ||
		!strings.Contains(d.Value, "**12** (Reuters): “the flood killed 12 people”") || !strings.Contains(d.Value, "**15** (AP)") {
		t.Errorf("disagreement field = %+v", d)
	}
	f := e.Fields[1]
	if f.Name != "A state of emergency was declared" || strings.Contains(f.Value, "never wrote") || !strings.Contains(f.Value, "(Reuters)") {
		t.Errorf("fact field = %+v", f)
	}
	if strings.Contains(e.Footer.Text, "offline") || !strings.Contains(e.Footer.Text, "1 of 2 facts verified") || !strings.Contains(e.Footer.Text, "1 copies counted once") {
		t.Errorf("footer = %q", e.Footer.Text)
	}
}

// The largest brief the summarizer makes, with long texts everywhere,
// fits every Discord limit, and its list of sources is whole.
func TestStoryEmbedFitsDiscordAndKeepsEverySource(t *testing.T) {
	long := strings.Repeat("word ", 400)
	b := summarize.StoryBrief{Headline: long, Summary: strings.Repeat("A long sentence of the summary. ", 200)}
	for i := range 8 {
		b.Sources = append(b.Sources, summarize.StorySourceInfo{DocID: fmt.Sprint(i), Outlet: fmt.Sprintf("Outlet number %d", i),
			URL: fmt.Sprintf("https://news%d.example.com/a/very/long/path", i), Copies: make([]summarize.StoryCopy, i)})
	}
	for range 7 {
		f := summarize.StoryFact{Text: long, Verified: true}
		for j := range 8 {
			f.Citations = append(f.Citations, summarize.Citation{Outlet: fmt.Sprintf("Outlet number %d", j), Quote: long, Verified: true})
		}
		b.Facts = append(b.Facts, f)
	}
	for range 5 {
		d := summarize.Disagreement{About: long}
		for j := range 8 {
			d.Sides = append(d.Sides, summarize.DisagreementSide{Value: long, Outlet: fmt.Sprintf("Outlet number %d", j), Quote: long})
		}
		b.Disagreements = append(b.Disagreements, d)
	}
	b.Meta = summarize.Meta{Offline: true, Fallback: true, FallbackReason: "the LLM endpoint is unavailable", FactsGiven: 7, FactsVerified: 7}
	e := StoryEmbed(b)
	checkLimits(t, []*discordgo.MessageEmbed{e})
	for i := range 8 {
		if !strings.Contains(e.Description, fmt.Sprintf("[Outlet number %d](https://news%d.example.com/a/very/long/path)", i, i)) {
			t.Fatalf("source %d missing from %q", i, e.Description)
		}
	}
	if len(e.Fields) == 0 || !strings.HasPrefix(e.Fields[0].Name, "Sources differ") {
		t.Errorf("the disagreements should survive the shrinking first: %d fields", len(e.Fields))
	}
	if e.Color != ColorOffline || !strings.Contains(e.Footer.Text, "offline summary: the LLM endpoint is unavailable") {
		t.Errorf("offline brief not labelled: %x %q", e.Color, e.Footer.Text)
	}
}

func TestStoryEmbedNamesAnOfflineFactByNumber(t *testing.T) {
	b := smallStory()
	b.Facts[0].Text = b.Facts[0].Citations[0].Quote
	if name := StoryEmbed(b).Fields[1].Name; name != "Fact 1" {
		t.Fatalf("a fact that is its own quote is named %q", name)
	}
}

func TestStoryEmbedWithoutVerifiedFacts(t *testing.T) {
	b := smallStory()
	b.Facts = b.Facts[1:]
	e := StoryEmbed(b)
	if !strings.Contains(e.Description, "No fact could be checked") || len(e.Fields) != 1 {
		t.Fatalf("embed = %+v", e)
	}
}
