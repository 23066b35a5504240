package mockllm

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/geobrief/geobrief/extractive"
)

// Story briefs. The "story" task brings several sources in one user
// message:
//
//	<sources>
//	<source id="S1">
//	<outlet>Reuters</outlet>
//	<title>...</title>
//	<text>
//	...
//	</text>
//	</source>
//	</sources>
//
// and is answered with the multi-document extractive brief: facts cite
// every source carrying them with that source's own sentence, and counts
// the sources state differently are disagreements. "story_combine" merges
// partial story briefs given as a JSON array between <partial_briefs> lines.

type storyJSON struct {
	Headline      string             `json:"headline"`
	Summary       string             `json:"summary"`
	KeyFacts      []storyFact        `json:"key_facts"`
	Disagreements []storyDisagreeing `json:"disagreements"`
}

type storyFact struct {
	Fact    string          `json:"fact"`
	Sources []storyCitation `json:"sources"`
}

type storyCitation struct {
	Source string `json:"source"`
	Quote  string `json:"quote"`
}

type storyDisagreeing struct {
	About string      `json:"about"`
	Sides []storySide `json:"sides"`
}

type storySide struct {
	Source string `json:"source"`
	Value  string `json:"value"`
	Quote  string `json:"quote"`
}

type promptSource struct {
	id, title, text string
}

var sourceOpen = regexp.MustCompile(`^<source id="([^"]+)">$`)

// parseSources reads the <source> blocks. A line "</text>" ends a text only
// when "</source>" follows it: geobrief neutralizes both in the text itself.
func parseSources(inner string) []promptSource {
	var out []promptSource
	var cur *promptSource
	var text []string
	inText := false
	lines := strings.Split(inner, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case inText && t == "</text>" && i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == "</source>":
			cur.text = strings.Join(text, "\n")
			out = append(out, *cur)
			inText, cur, text = false, nil, nil
		case inText:
			text = append(text, line)
		case sourceOpen.MatchString(t):
			cur = &promptSource{id: sourceOpen.FindStringSubmatch(t)[1]}
		case cur != nil && strings.HasPrefix(t, "<title>") && strings.HasSuffix(t, "</title>"):
			cur.title = strings.TrimSuffix(strings.TrimPrefix(t, "<title>"), "</title>")
		case cur != nil && t == "<text>":
			inText = true
		}
	}
	return out
}

func answerStory(msgs []chatMessage, opts extractive.Options, faults factFaults) (string, error) {
	inner, _, ok := block(msgs, "<sources>", "</sources>")
	var srcs []promptSource
	if ok {
		srcs = parseSources(inner)
	}
	if len(srcs) == 0 {
		return "", badPrompt("missing_sources", `task story needs <source id="..."> blocks with a <text> between a line <sources> and a line </sources> in a user message`)
	}
	in := make([]extractive.Source, len(srcs))
	var all strings.Builder
	for i, s := range srcs {
		in[i] = extractive.Source{Title: s.title, Body: s.text}
		all.WriteString(s.text + "\n")
	}
	m := extractive.Multi(in, opts)
	out := storyJSON{Headline: m.Headline, KeyFacts: []storyFact{}, Disagreements: []storyDisagreeing{}}
	var summary []string
	for _, s := range m.Summary {
		summary = append(summary, s.Text)
	}
	out.Summary = strings.Join(summary, " ")
	facts := m.Facts
	if len(facts) == 0 {
		facts = m.Summary
	}
	quoted := map[string]bool{}
	for _, f := range facts {
		sf := storyFact{Fact: shorten(f.Text)}
		for _, q := range f.Quotes {
			sf.Sources = append(sf.Sources, storyCitation{Source: srcs[q.Source].id, Quote: q.Text})
			quoted[q.Text] = true
		}
		out.KeyFacts = append(out.KeyFacts, sf)
	}
	for _, d := range m.Disagreements {
		sd := storyDisagreeing{About: d.About}
		for _, side := range d.Sides {
			sd.Sides = append(sd.Sides, storySide{Source: srcs[side.Source].id, Value: side.Value, Quote: side.Quote})
		}
		out.Disagreements = append(out.Disagreements, sd)
	}
	if faults.unquoted {
		kf := unquotedFact(all.String())
		out.KeyFacts = append(out.KeyFacts, storyFact{Fact: kf.Fact, Sources: []storyCitation{{Source: srcs[0].id, Quote: kf.Quote}}})
	}
	if faults.wrongSource && len(srcs) > 1 {
		out.KeyFacts = append(out.KeyFacts, misattributed(srcs, quoted)...)
	}
	if faults.summaryNumber {
		out.Summary = changeSummaryNumber(out.Summary, all.String())
	}
	return string(marshal(out)), nil
}

// misattributed is the wrong-source fault: a sentence of the first source
// that no fact quotes yet, and that the second source does not carry,
// cited under the second source's id.
func misattributed(srcs []promptSource, quoted map[string]bool) []storyFact {
	for _, s := range extractive.Sentences(srcs[0].text) {
		if quoted[s] || len(strings.Fields(s)) < 6 || strings.Contains(srcs[1].text, s) {
			continue
		}
		return []storyFact{{Fact: shorten(s), Sources: []storyCitation{{Source: srcs[1].id, Quote: s}}}}
	}
	return nil
}

func answerStoryCombine(msgs []chatMessage, opts extractive.Options, faults factFaults) (string, error) {
	raw, _, ok := block(msgs, "<partial_briefs>", "</partial_briefs>")
	if !ok {
		return "", badPrompt("missing_partial_briefs", "task story_combine needs a JSON array of partial story briefs between a line <partial_briefs> and a line </partial_briefs> in a user message")
	}
	var parts []storyJSON
	if err := json.Unmarshal([]byte(raw), &parts); err != nil {
		return "", badPrompt("bad_partial_briefs", "task story_combine: the partial briefs are not a JSON array of story briefs: %v", err)
	}
	if len(parts) == 0 {
		return "", badPrompt("bad_partial_briefs", "task story_combine: the partial briefs array is empty")
	}
	out := storyJSON{Headline: parts[0].Headline, KeyFacts: []storyFact{}, Disagreements: []storyDisagreeing{}}
	var firsts []string
	for i, p := range parts {
		if i < combineParts {
			if s := firstSentence(p.Summary); s != "" {
				firsts = append(firsts, s)
			}
		}
		out.Disagreements = append(out.Disagreements, p.Disagreements...)
	}
	out.Summary = strings.Join(firsts, " ")
	// Facts in turns, one from each partial, so that every source is heard.
	for round := 0; len(out.KeyFacts) < opts.Facts; round++ {
		added := false
		for _, p := range parts {
			if round < len(p.KeyFacts) && len(out.KeyFacts) < opts.Facts {
				out.KeyFacts = append(out.KeyFacts, p.KeyFacts[round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	// The counts the sources state differently, from the quotes each
	// source was cited with.
	var ids []string
	texts := map[string]*strings.Builder{}
	for _, p := range parts {
		for _, f := range p.KeyFacts {
			for _, c := range f.Sources {
				if texts[c.Source] == nil {
					texts[c.Source] = &strings.Builder{}
					ids = append(ids, c.Source)
				}
				texts[c.Source].WriteString(c.Quote + "\n")
			}
		}
	}
	in := make([]extractive.Source, len(ids))
	for i, id := range ids {
		in[i] = extractive.Source{Body: texts[id].String()}
	}
	for _, d := range extractive.NumberDisagreements(in) {
		sd := storyDisagreeing{About: d.About}
		for _, side := range d.Sides {
			sd.Sides = append(sd.Sides, storySide{Source: ids[side.Source], Value: side.Value, Quote: side.Quote})
		}
		out.Disagreements = append(out.Disagreements, sd)
	}
	if faults.summaryNumber {
		var all strings.Builder
		for _, p := range parts {
			all.WriteString(p.Summary + "\n")
		}
		out.Summary = changeSummaryNumber(out.Summary, all.String())
	}
	return string(marshal(out)), nil
}
