package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/discordfmt"
)

// FeedManager lists and changes the news feeds (the application service).
type FeedManager interface {
	Feeds(ctx context.Context) ([]app.FeedInfo, error)
	AddFeed(ctx context.Context, url, name string) (app.FeedInfo, error)
	RemoveFeed(ctx context.Context, url string) error
}

// msgFeedsOperatorOnly refuses feed changes to anyone but the operator's
// listed users. Every server the bot is in reads the same feeds, so a
// server's own admins must not change them.
const msgFeedsOperatorOnly = "Only the bot's operator can add or remove feeds: every server this bot is in reads the same feeds. `/feeds list` shows them."

// feedFields is how many feeds /feeds list shows (one embed field each).
const feedFields = discordfmt.MaxFields

// /feeds list | add url: [name:] | remove url:
func (b *Bot) feedsCommand() *command {
	urlOption := func(desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionString, Name: "url", Description: desc, Required: true, MaxLength: 2000,
		}
	}
	return &command{
		def: &discordgo.ApplicationCommand{
			Name:        "feeds",
			Description: "The news feeds the bot reads",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "The feeds, how many documents each brought, and their health"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Add an RSS, Atom or JSON feed (the bot's operator only)",
					Options: []*discordgo.ApplicationCommandOption{
						urlOption("The feed's URL"),
						{Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "Its name (default: the feed's own title)", MaxLength: 200},
					}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a feed (the bot's operator only)",
					Options: []*discordgo.ApplicationCommandOption{urlOption("The feed's URL, as /feeds list shows it")}},
			},
		},
		help: "`list`: the news feeds the bot reads and their health; `add` and `remove` are for the bot's operator.",
		refuse: func(r *request, opts options) string {
			sub, _ := subcommand(opts)
			if sub == "list" || slices.Contains(b.cfg.AdminUserIDs, r.user) {
				return ""
			}
			return msgFeedsOperatorOnly
		},
		run: func(ctx context.Context, r *request, opts options) (reply, error) {
			sub, args := subcommand(opts)
			switch sub {
			case "list":
				return b.listFeeds(ctx)
			case "add":
				f, err := b.cfg.Feeds.AddFeed(ctx, strings.TrimSpace(args.string("url")), strings.TrimSpace(args.string("name")))
				if err != nil {
					return feedChangeFailed(err, "add")
				}
				return reply{content: fmt.Sprintf("Added **%s** (%s). It is polled within the poll interval; its news then appears in `/search` and digests.",
					discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(f.Title), 200)), discordfmt.Code(f.URL))}, nil
			case "remove":
				u := strings.TrimSpace(args.string("url"))
				if err := b.cfg.Feeds.RemoveFeed(ctx, u); err != nil {
					return feedChangeFailed(err, "remove")
				}
				return reply{content: fmt.Sprintf("Removed %s. The documents it brought stay until they are too old.", discordfmt.Code(u))}, nil
			}
			return reply{content: msgUnknown, rejected: true}, nil
		},
	}
}

// subcommand returns the subcommand's name and its own options.
func subcommand(opts options) (string, options) {
	for name, o := range opts {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			return name, optionsOf(o.Options)
		}
	}
	return "", options{}
}

// feedChangeFailed answers a failed add or remove. The known failures get
// userMessage's lines; others are shown as they are, cut to one line: only
// the operator can get here, and the error (a feed that does not parse, a
// page that times out) is what they need to fix it.
func feedChangeFailed(err error, verb string) (reply, error) {
	msg := userMessage(err)
	if msg != msgOperator || errors.Is(err, context.Canceled) {
		return reply{}, err
	}
	line := discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(err.Error()), 300))
	return reply{content: fmt.Sprintf("Cannot %s the feed: %s", verb, line), rejected: true}, nil
}

func (b *Bot) listFeeds(ctx context.Context) (reply, error) {
	list, err := b.cfg.Feeds.Feeds(ctx)
	if err != nil {
		return reply{}, fmt.Errorf("bot: listing feeds: %w", err)
	}
	if len(list) == 0 {
		return reply{content: "The bot reads no feeds yet; its documents come from its own collection. The bot's operator can add feeds."}, nil
	}
	now := b.clock.Now()
	e := &discordgo.MessageEmbed{
		Title: fmt.Sprintf("News feeds (%d)", len(list)),
		Color: discordfmt.Color,
	}
	for _, f := range list[:min(len(list), feedFields)] {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  discordfmt.Escape(discordfmt.Cut(discordfmt.OneLine(firstNonBlank(f.Title, f.URL)), 200)),
			Value: feedHealth(f, now),
		})
	}
	if len(list) > feedFields {
		e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("%d more not shown; `geobrief feeds list` shows all.", len(list)-feedFields)}
	}
	return reply{embeds: []*discordgo.MessageEmbed{e}}, nil
}

// feedHealth is a feed's field: its URL, documents, last status, failures
// and next poll.
func feedHealth(f app.FeedInfo, now time.Time) string {
	parts := []string{fmt.Sprintf("%d documents", f.Documents)}
	if f.Documents == 1 {
		parts[0] = "1 document"
	}
	switch {
	case f.LastPolled.IsZero():
		parts = append(parts, "not polled yet")
	default:
		status := discordfmt.Cut(discordfmt.OneLine(f.LastStatus), 200)
		parts = append(parts, fmt.Sprintf("last poll %s: %s", ago(now, f.LastPolled), discordfmt.Escape(status)))
	}
	if f.Failures > 0 {
		parts = append(parts, fmt.Sprintf("**%d failed in a row**", f.Failures))
	}
	if !f.NextPoll.IsZero() {
		parts = append(parts, "next <t:"+fmt.Sprint(f.NextPoll.Unix())+":R>")
	}
	return discordfmt.Code(discordfmt.Cut(f.URL, 300)) + "\n" + strings.Join(parts, " · ")
}

// ago says how long before now t was, roughly.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
