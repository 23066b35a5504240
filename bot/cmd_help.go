package bot

import (
	"context"
	"github.com/geobrief/geobrief/discordfmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// /help
func (b *Bot) helpCommand() *command {
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "help",
			Description: "What this bot does and how to use it",
		},
		run: func(context.Context, *request, options) (reply, error) {
			sources := b.cfg.SourcesText
			if sources == "" {
				sources = "A curated folder of geopolitics news documents, indexed for search."
			}
			e := &discordgo.MessageEmbed{
				Title: "geobrief",
				Description: strings.Join([]string{
					"Summaries and key facts of geopolitics news. Every fact shown comes with a quote that was checked against the article itself.",
					"",
					"**/summarize** `article` `[length]`: headline, summary and verified key facts. Start typing to pick a document.",
					"**/facts** `article`: only the verified key facts, with their quotes.",
					"**/search** `query`: the best matching documents, with a button to summarize each.",
					"**/help**: this message.",
				}, "\n"),
				Fields: []*discordgo.MessageEmbedField{{Name: "Where the documents come from", Value: sources}},
				Color:  discordfmt.Color,
			}
			return reply{embeds: []*discordgo.MessageEmbed{e}}, nil
		},
	}
}
