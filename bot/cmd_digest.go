package bot

import (
	"context"
	"fmt"
	"github.com/geobrief/geobrief/discordfmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/digest"
)

// /digest [since]: the stories of the documents added recently, one item
// each, with a top line. It is a
// preview on demand; the channel's scheduled digests are unaffected.
func (b *Bot) digestCommand() *command {
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "digest",
			Description: "A digest of the news added recently, one item per story",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        "since",
				Description: "How far back: 24h, 3d or a date like 2025-04-01 (default: the last day)",
				MaxLength:   32,
			}},
		},
		help: "`[since]`: the news added recently, one item per story with its sources named, each in a sentence, with a top line.",
		// A digest can summarize several documents: it counts like a summary.
		limited: true,
		run: func(ctx context.Context, r *request, opts options) (reply, error) {
			d := b.cfg.Digests
			now := d.Now()
			since := now.Add(-d.Window)
			if s := opts.string("since"); s != "" {
				var err error
				if since, err = digest.ParseSince(s, now, time.UTC); err != nil {
					return reply{content: "I can't read that `since`: " + discordfmt.Escape(err.Error()) + ".", rejected: true}, nil
				}
			}
			dg, err := d.Builder.Build(ctx, digest.Request{
				Since: since,
				Guild: r.i.GuildID,
				Progress: func(done, total int) {
					r.progress(fmt.Sprintf("Summarizing document %d of %d…", min(done+1, total), total))
				},
			})
			if err != nil {
				return reply{}, fmt.Errorf("bot: digest: %w", err)
			}
			msgs := digest.Render(dg, "News digest · since "+since.UTC().Format("2 Jan 2006 15:04 MST"), false)
			return reply{content: msgs[0], followups: msgs[1:]}, nil
		},
	}
}
