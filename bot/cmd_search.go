package bot

import (
	"context"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/store"
)

const searchResults = 5

// /search query:
func (b *Bot) searchCommand() *command {
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "search",
			Description: "Find news documents; each result has a button to summarize it",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        "query",
				Description: "Words to look for",
				Required:    true,
				MaxLength:   200,
			}},
		},
		help: "`query`: the best matching documents, with a button to summarize each.",
		run: func(ctx context.Context, _ *request, opts options) (reply, error) {
			q := strings.TrimSpace(opts.string("query"))
			hits, others, err := b.search(ctx, q)
			if err != nil {
				return reply{}, fmt.Errorf("bot: search %q: %w", q, err)
			}
			if len(hits) == 0 {
				return reply{content: fmt.Sprintf("No document matches “%s”. Try fewer or other words.", discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(q), 100)))}, nil
			}
			var lines []string
			for n, h := range hits {
				line := fmt.Sprintf("%d. **%s**", n+1, discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(hitTitle(h)), 200)))
				if d := hitDate(h); !d.IsZero() {
					line += " · " + d.Format("2 Jan 2006")
				}
				line += " · `" + strings.ReplaceAll(h.ID, "`", "") + "`"
				if n := others[n]; n > 0 {
					line += fmt.Sprintf(" · +%d %s", n, plural(n, "source", "sources"))
				}
				lines = append(lines, line)
			}
			e := &discordgo.MessageEmbed{
				Title:       "Search: " + discordfmt.OneLine(q),
				Description: strings.Join(lines, "\n"),
				Color:       discordfmt.Color,
				Footer:      &discordgo.MessageEmbedFooter{Text: "Press a button to summarize a result."},
			}
			return reply{embeds: []*discordgo.MessageEmbed{e}, components: summarizeButtons(hits)}, nil
		},
	}
}

// hitTitle names a search result by its title, or its ID when untitled.
func hitTitle(h store.Hit) string {
	if strings.TrimSpace(h.Title) != "" {
		return h.Title
	}
	return h.ID
}

// search returns the best hits, one per story when stories are on (the
// best hit of each), with how many other sources covered each hit's story.
func (b *Bot) search(ctx context.Context, q string) ([]store.Hit, []int, error) {
	if b.cfg.Stories == nil {
		hits, err := b.lib.Search(ctx, q, searchResults)
		return hits, make([]int, len(hits)), err
	}
	sh, err := b.cfg.Stories.SearchStories(ctx, q, searchResults)
	if err != nil {
		return nil, nil, err
	}
	hits, others := make([]store.Hit, len(sh)), make([]int, len(sh))
	for i, h := range sh {
		hits[i], others[i] = h.Hit, h.OtherSources
	}
	return hits, others, nil
}
