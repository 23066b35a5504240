package mockllm

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"
)

// Two invented outlets' reports of one event: a shared sentence, and a
// toll they state differently.
var (
	storyA = "Heavy rain flooded the lower town of Valmora on Tuesday night after the river burst its banks.\n" +
		"Rescue teams said the flood killed 12 people and forced hundreds from their homes.\n" +
		"The regional governor, Ana Ferreira, declared a state of emergency across the province on Wednesday."
	storyB = "The regional governor, Ana Ferreira, declared a state of emergency across the province on Wednesday.\n" +
		"Officials said the flood killed 15 people in the lower town after the river rose overnight.\n" +
		"Schools in the district will stay closed until Monday while roads are cleared of mud."
)

func storyMessages() []openai.ChatCompletionMessage {
	user := "<sources>\n" +
		"<source id=\"S1\">\n<outlet>Reuters</outlet>\n<title>Flood kills 12</title>\n<text>\n" + storyA + "\n</text>\n</source>\n" +
		"<source id=\"S2\">\n<outlet>AP</outlet>\n<title>Governor declares emergency</title>\n<text>\n" + storyB + "\n</text>\n</source>\n" +
		"</sources>"
	return []openai.ChatCompletionMessage{
		msg("system", "task: story\nBrief these sources.\n  \"summary\": 2 sentences;\n  \"key_facts\": 3 objects"),
		msg("user", user),
	}
}

func decodeStory(t *testing.T, content string) storyJSON {
	t.Helper()
	var b storyJSON
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("content is not a story brief: %v\n%s", err, content)
	}
	return b
}

func TestStory(t *testing.T) {
	_, _, c := setup(t, Options{})
	b := decodeStory(t, complete(t, c, openai.ChatCompletionRequest{Model: "mock", Messages: storyMessages()}).Choices[0].Message.Content)
	texts := map[string]string{"S1": storyA, "S2": storyB}
	if b.Headline == "" || b.Summary == "" || len(b.KeyFacts) == 0 {
		t.Fatalf("story brief = %+v", b)
	}
	shared := 0
	for _, f := range b.KeyFacts {
		for _, c := range f.Sources {
			if !strings.Contains(texts[c.Source], c.Quote) {
				t.Errorf("quote %q is not in %s", c.Quote, c.Source)
			}
		}
		if len(f.Sources) == 2 {
			shared++
		}
	}
	if !strings.Contains(b.Summary, "state of emergency") && shared == 0 {
		t.Errorf("the sentence both sources carry is neither summary nor a fact of both: %+v", b)
	}
	if len(b.Disagreements) != 1 || len(b.Disagreements[0].Sides) != 2 ||
		b.Disagreements[0].Sides[0].Value != "12 people" || b.Disagreements[0].Sides[1].Source != "S2" {
		t.Fatalf("disagreements = %+v", b.Disagreements)
	}
}

func TestStoryWrongSource(t *testing.T) {
	_, _, c := setup(t, Options{})
	b := decodeStory(t, complete(t, c, openai.ChatCompletionRequest{Model: "mock:wrong-source", Messages: storyMessages()}).Choices[0].Message.Content)
	last := b.KeyFacts[len(b.KeyFacts)-1]
	if len(last.Sources) != 1 || last.Sources[0].Source != "S2" || !strings.Contains(storyA, last.Sources[0].Quote) || strings.Contains(storyB, last.Sources[0].Quote) {
		t.Fatalf("misattributed fact = %+v", last)
	}
}

func TestStoryCombine(t *testing.T) {
	_, _, c := setup(t, Options{})
	parts := []storyJSON{
		{Headline: "Flood kills 12", Summary: "A flood hit Valmora.", KeyFacts: []storyFact{{Fact: "12 dead", Sources: []storyCitation{{Source: "S1", Quote: "Rescue teams said the flood killed 12 people and forced hundreds from their homes."}}}}},
		{Headline: "Emergency", Summary: "An emergency was declared.", KeyFacts: []storyFact{{Fact: "15 dead", Sources: []storyCitation{{Source: "S2", Quote: "Officials said the flood killed 15 people in the lower town after the river rose overnight."}}}}},
	}
	js, _ := json.Marshal(parts)
	req := openai.ChatCompletionRequest{Model: "mock", Messages: []openai.ChatCompletionMessage{
		msg("system", "task: story_combine\n  \"key_facts\": the 4 most important"),
		msg("user", "<partial_briefs>\n"+string(js)+"\n</partial_briefs>"),
	}}
	b := decodeStory(t, complete(t, c, req).Choices[0].Message.Content)
	if b.Headline != "Flood kills 12" || len(b.KeyFacts) != 2 || b.KeyFacts[1].Sources[0].Source != "S2" {
		t.Fatalf("combined = %+v", b)
	}
	if len(b.Disagreements) != 1 {
		t.Fatalf("the tolls of the quotes are a disagreement: %+v", b.Disagreements)
	}
}

func TestStoryBadRequests(t *testing.T) {
	_, ts, _ := setup(t, Options{})
	for _, tc := range []struct {
		name, task, user, code string
	}{
		{"no sources", "story", "hello", "missing_sources"},
		{"a source without text", "story", "<sources>\n<source id=\"S1\">\n</source>\n</sources>", "missing_sources"},
		{"no partial briefs", "story_combine", "hello", "missing_partial_briefs"},
		{"empty partial briefs", "story_combine", "<partial_briefs>\n[]\n</partial_briefs>", "bad_partial_briefs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(t, ts, "/v1/chat/completions", mustJSON(t, openai.ChatCompletionRequest{Model: "mock",
				Messages: []openai.ChatCompletionMessage{msg("system", "task: "+tc.task), msg("user", tc.user)}}))
			var eb errorBody
			if err := json.Unmarshal(body, &eb); err != nil || resp.StatusCode != http.StatusBadRequest || eb.Error.Code != tc.code {
				t.Fatalf("got %d %s, want 400 %s", resp.StatusCode, body, tc.code)
			}
		})
	}
}
