package bot

import (
	"context"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/summarize"
)

// /facts article:<autocomplete>
func (b *Bot) factsCommand() *command {
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "facts",
			Description: "The verified key facts of a news document, with their quotes",
			Options:     []*discordgo.ApplicationCommandOption{articleOption()},
		},
		help:     "`article`: only the verified key facts, with their quotes.",
		limited:  true,
		complete: b.completeArticle,
		run: func(ctx context.Context, r *request, opts options) (reply, error) {
			res, err := b.lib.Find(ctx, opts.string("article"))
			if err != nil {
				return reply{}, err
			}
			br, err := b.briefer.Brief(ctx, res.Doc, summarize.Options{
				Length:   summarize.Standard,
				Guild:    r.i.GuildID,
				Progress: partProgress(r),
			})
			if err != nil {
				return reply{}, fmt.Errorf("bot: facts of %q: %w", res.Doc.ID, err)
			}
			e := &discordgo.MessageEmbed{
				Title:  "Key facts: " + discordfmt.OneLine(titleOf(res.Doc)),
				URL:    discordfmt.WebURL(res.Doc.URL),
				Color:  discordfmt.Color,
				Author: sourceAuthor(res.Doc),
				Footer: &discordgo.MessageEmbedFooter{Text: footerText(res.Doc, br.Meta)},
				Fields: factFields(br.VerifiedFacts()),
			}
			if len(e.Fields) == 0 {
				e.Description = "No fact could be checked against the article's own words. Try `/summarize` for its summary."
			}
			out := reply{embeds: []*discordgo.MessageEmbed{e}}
			out.content, out.components = b.alsoCovered(ctx, res.Doc)
			return out, nil
		},
	}
}
