package discordfmt

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/summarize"
)

// Room kept in a story embed's description for each part, so that the list
// of sources always shows whole: the summary gives way first.
const (
	storyDescription = softDescription // FitEmbeds leaves a description of this size alone
	storySourcesMax  = 600
	storyQuoteMax    = 300
)

// StoryEmbed shows a story brief in one embed within every Discord limit:
// the headline; a description with the summary and the sources (outlets
// linked, copies counted with their source); one field per disagreement
// with each side's value, outlet and quote; then one field per verified
// fact with the quote of each source backing it. Unverified facts and
// citations are never shown. When the embed must shrink, facts go before
// disagreements, and the source list is never cut.
func StoryEmbed(b summarize.StoryBrief) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title:  Cut(Escape(OneLine(b.Headline)), MaxTitle),
		Color:  Color,
		Footer: &discordgo.MessageEmbedFooter{Text: storyFooter(b)},
	}
	if b.Meta.Offline {
		e.Color = ColorOffline
	}
	if len(b.Sources) > 0 {
		e.URL = WebURL(b.Sources[0].URL)
	}
	sources := Cut(storySources(b.Sources), storySourcesMax)
	facts := b.VerifiedFacts()
	var tail []string
	if len(facts) == 0 {
		tail = append(tail, "No fact could be checked against its sources' own words.")
	}
	tail = append(tail, sources)
	rest := strings.Join(tail, "\n\n")
	room := storyDescription - utf8.RuneCountInString(rest) - len("\n\n")
	summary := Cut(Escape(strings.TrimSpace(b.Summary)), max(room, 0))
	if summary != "" {
		e.Description = summary + "\n\n" + rest
	} else {
		e.Description = rest
	}
	for _, d := range b.Disagreements {
		e.Fields = append(e.Fields, disagreementField(d))
	}
	for n, f := range facts {
		e.Fields = append(e.Fields, storyFactField(n, f))
	}
	return FitEmbeds([]*discordgo.MessageEmbed{e})[0]
}

// storySources lists the outlets, linked when they have a web address, and
// the copies each stands for: "**Sources (3):** [Reuters](…) (+1 copy), AP, BBC".
func storySources(srcs []summarize.StorySourceInfo) string {
	parts := make([]string, 0, len(srcs))
	for _, s := range srcs {
		name := Escape(OneLine(s.Outlet))
		if u := WebURL(s.URL); u != "" && !strings.ContainsAny(u, "()") {
			name = "[" + name + "](" + u + ")"
		}
		switch n := len(s.Copies); n {
		case 0:
		case 1:
			name += " (+1 copy)"
		default:
			name += fmt.Sprintf(" (+%d copies)", n)
		}
		parts = append(parts, name)
	}
	return fmt.Sprintf("**Sources (%d):** %s", len(srcs), strings.Join(parts, ", "))
}

func disagreementField(d summarize.Disagreement) *discordgo.MessageEmbedField {
	name := "Sources differ"
	if a := OneLine(d.About); a != "" {
		name += " on " + a
	}
	var sides, lines []string
	for _, s := range d.Sides {
		sides = append(sides, fmt.Sprintf("%s (%s)", OneLine(s.Value), OneLine(s.Outlet)))
		lines = append(lines, fmt.Sprintf("**%s** (%s): “%s”", Escape(OneLine(s.Value)), Escape(OneLine(s.Outlet)),
			Escape(Cut(OneLine(s.Quote), storyQuoteMax))))
	}
	return &discordgo.MessageEmbedField{
		Name:  Cut(Escape(name+": "+strings.Join(sides, " / ")), MaxFieldName),
		Value: Cut(strings.Join(lines, "\n"), MaxFieldValue),
	}
}

// storyFactField is the fact, then each backing source's quote. Quotes are
// cut so that every source keeps its line within the field's limit. An
// offline fact is its first source's sentence: the quote says it, and the
// name is only "Fact n", so as not to show it twice.
func storyFactField(n int, f summarize.StoryFact) *discordgo.MessageEmbedField {
	per := storyQuoteMax
	if n := len(f.Citations); n > 0 {
		per = min(per, MaxFieldValue/n-30)
	}
	var lines []string
	for _, c := range f.Citations {
		lines = append(lines, fmt.Sprintf("> “%s” (%s)", Escape(Cut(OneLine(c.Quote), max(per, 40))), Escape(OneLine(c.Outlet))))
	}
	name := Cut(Escape(OneLine(f.Text)), MaxFieldName)
	if len(f.Citations) > 0 && OneLine(f.Text) == OneLine(f.Citations[0].Quote) {
		name = fmt.Sprintf("Fact %d", n+1)
	}
	return &discordgo.MessageEmbedField{Name: name, Value: Cut(strings.Join(lines, "\n"), MaxFieldValue)}
}

// storyFooter says how the brief was made.
func storyFooter(b summarize.StoryBrief) string {
	copies := 0
	for _, s := range b.Sources {
		copies += len(s.Copies)
	}
	parts := []string{fmt.Sprintf("%d sources", len(b.Sources))}
	if copies > 0 {
		parts = append(parts, fmt.Sprintf("%d copies counted once", copies))
	}
	parts = append(parts, fmt.Sprintf("%d of %d facts verified", b.Meta.FactsVerified, b.Meta.FactsGiven))
	switch {
	case b.Meta.Fallback:
		parts = append(parts, "offline summary: "+b.Meta.FallbackReason)
	case b.Meta.Offline:
		parts = append(parts, "offline summary")
	case b.Meta.Model != "":
		parts = append(parts, b.Meta.Model)
	}
	if b.Meta.Cached {
		parts = append(parts, "cached")
	}
	return strings.Join(parts, " · ")
}
