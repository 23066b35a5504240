package bot

import (
	"context"

	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/discordfmt"
)

// /help: made from the route table, so it lists every enabled command.
func (b *Bot) helpCommand() *command {
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "help",
			Description: "What this bot does and how to use it",
		},
		help: "this message.",
		run: func(ctx context.Context, _ *request, _ options) (reply, error) {
			sources := ""
			if b.cfg.Sources != nil {
				sources = b.cfg.Sources(ctx)
			}
			if sources == "" {
				sources = b.cfg.SourcesText
			}
			if sources == "" {
				sources = "A curated folder of geopolitics news documents, indexed for search."
			}
			lines := []string{
				"Summaries and key facts of geopolitics news. Every fact shown comes with a quote that was checked against the article itself.",
				"",
			}
			for _, c := range b.order {
				lines = append(lines, "**/"+c.def.Name+"** "+c.help)
			}
			e := &discordgo.MessageEmbed{
				Title:       "geobrief",
				Description: strings.Join(lines, "\n"),
				Fields:      []*discordgo.MessageEmbedField{{Name: "Where the documents come from", Value: sources}},
				Color:       discordfmt.Color,
			}
			return reply{embeds: []*discordgo.MessageEmbed{e}}, nil
		},
	}
}
