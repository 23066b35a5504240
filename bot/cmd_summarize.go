package bot

import (
	"context"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/corpus"
	"github.com/geobrief/geobrief/summarize"
)

const summarizeButtonPrefix = "sum"

// /summarize article:<autocomplete> [length]
func (b *Bot) summarizeCommand() *command {
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "summarize",
			Description: "Summary and verified key facts of a news document",
			Options: []*discordgo.ApplicationCommandOption{
				articleOption(),
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        "length",
					Description: "How long the summary should be (default standard)",
					Choices: []*discordgo.ApplicationCommandOptionChoice{
						{Name: "short", Value: string(summarize.Short)},
						{Name: "standard", Value: string(summarize.Standard)},
						{Name: "detailed", Value: string(summarize.Detailed)},
					},
				},
			},
		},
		help:     "`article` `[length]`: headline, summary and verified key facts. Start typing to pick a document.",
		limited:  true,
		complete: b.completeArticle,
		run: func(ctx context.Context, r *request, opts options) (reply, error) {
			length := summarize.Length(opts.string("length"))
			switch length {
			case summarize.Short, summarize.Standard, summarize.Detailed:
			default:
				length = summarize.Standard
			}
			return b.summarize(ctx, r, opts.string("article"), length)
		},
	}
}

// The "sum:<docid>" button under /search results and alternatives.
func (b *Bot) summarizeButton() *button {
	return &button{
		prefix:  summarizeButtonPrefix,
		limited: true,
		run: func(ctx context.Context, r *request, id string) (reply, error) {
			return b.summarize(ctx, r, id, summarize.Standard)
		},
	}
}

func (b *Bot) summarize(ctx context.Context, r *request, article string, length summarize.Length) (reply, error) {
	res, err := b.lib.Find(ctx, article)
	if err != nil {
		return reply{}, err
	}
	br, err := b.briefer.Brief(ctx, res.Doc, summarize.Options{
		Length:   length,
		Guild:    r.i.GuildID,
		Progress: partProgress(r),
	})
	if err != nil {
		return reply{}, fmt.Errorf("bot: brief of %q: %w", res.Doc.ID, err)
	}
	out := reply{embeds: []*discordgo.MessageEmbed{briefEmbed(res.Doc, br)}}
	if len(res.Others) > 0 {
		if len(res.Others) > 2 {
			res.Others = res.Others[:2]
		}
		out.content = fmt.Sprintf("Summarized **%s** (`%s`). Other documents match almost as well:",
			discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(titleOf(res.Doc)), 200)), res.Doc.ID)
		out.components = summarizeButtons(res.Others)
	}
	if line, buttons := b.alsoCovered(ctx, res.Doc); line != "" {
		// First, so that the alternatives' line stays next to their buttons.
		out.content = strings.TrimSpace(line + "\n" + out.content)
		out.components = append(buttons, out.components...)
	}
	return out, nil
}

// partProgress reports multi-part summaries in the deferred reply.
func partProgress(r *request) func(done, parts int) {
	return func(done, parts int) {
		if parts > 1 {
			r.progress(fmt.Sprintf("Read %d of %d parts of the article…", done, parts))
		}
	}
}

// briefEmbed shows a Brief: headline, summary, verified facts with their
// quotes, the source and how it was made.
func briefEmbed(doc corpus.Document, br summarize.Brief) *discordgo.MessageEmbed {
	title := discordfmt.OneLine(br.Headline)
	if title == "" {
		title = discordfmt.OneLine(titleOf(doc))
	}
	e := &discordgo.MessageEmbed{
		Title:       title,
		URL:         discordfmt.WebURL(doc.URL),
		Description: strings.TrimSpace(br.Summary),
		Color:       discordfmt.Color,
		Author:      sourceAuthor(doc),
		Footer:      &discordgo.MessageEmbedFooter{Text: footerText(doc, br.Meta)},
	}
	if br.Meta.Offline {
		e.Color = discordfmt.ColorOffline
	}
	e.Fields = factFields(br.VerifiedFacts())
	return e
}

// factFields makes one field per fact: the fact, then its quote. The first
// facts are kept longest when the reply must shrink.
func factFields(facts []summarize.Fact) []*discordgo.MessageEmbedField {
	var fields []*discordgo.MessageEmbedField
	for n, f := range facts {
		quote := discordfmt.OneLine(f.Quote)
		value := "> “" + quote + "”"
		if quote == "" {
			value = discordfmt.EmptyField
		}
		name := discordfmt.OneLine(f.Text)
		if name == quote {
			// Offline facts are article sentences: the quote says it all, and
			// repeating it as the field name would only halve what fits.
			name = fmt.Sprintf("Fact %d", n+1)
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: name, Value: value})
	}
	return fields
}

func sourceAuthor(doc corpus.Document) *discordgo.MessageEmbedAuthor {
	line := sourceLine(doc)
	if line == "" {
		return nil
	}
	return &discordgo.MessageEmbedAuthor{Name: line, URL: discordfmt.WebURL(doc.URL)}
}

// footerText says which document and how the Brief was made.
func footerText(doc corpus.Document, m summarize.Meta) string {
	parts := []string{"ID " + doc.ID}
	switch {
	case m.Fallback && strings.TrimSpace(m.FallbackReason) != "":
		parts = append(parts, "offline summary: "+discordfmt.OneLine(m.FallbackReason))
	case m.Fallback:
		parts = append(parts, "offline summary (LLM unavailable)")
	case m.Offline:
		parts = append(parts, "offline summary")
	}
	if m.Model != "" {
		parts = append(parts, "model "+m.Model)
	}
	if m.Cached {
		parts = append(parts, "cached")
	} else {
		parts = append(parts, "fresh")
	}
	parts = append(parts, fmt.Sprintf("facts verified %d/%d", m.FactsVerified, m.FactsGiven))
	if m.Parts == 1 {
		parts = append(parts, "1 part")
	} else if m.Parts > 1 {
		parts = append(parts, fmt.Sprintf("%d parts", m.Parts))
	}
	return strings.Join(parts, " · ")
}

func titleOf(doc corpus.Document) string {
	if doc.Title != "" {
		return doc.Title
	}
	return doc.ID
}
