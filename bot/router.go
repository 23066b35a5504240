package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/discord"
)

// request is one interaction being handled.
type request struct {
	i    *discordgo.Interaction
	user string
	// progress, when the reply is deferred, shows a status line in it (at
	// most one edit per ProgressInterval; the last text wins).
	progress func(text string)
}

// reply is what a handler answers with.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	// followups are further messages sent after the reply, in order, for
	// answers too long for one message (a digest).
	followups []string
	// rejected marks an answer to input that could not be used (a bad
	// option): it did no work, so it does not count against the user's
	// limit.
	rejected bool
}

func (r reply) message() discord.Message {
	return discord.Message{Content: r.content, Embeds: r.embeds, Components: r.components}
}

// command is a slash command: its definition next to its handlers.
type command struct {
	def *discordgo.ApplicationCommand
	// help is its line in /help, after the command's name.
	help string
	// limited commands count against the per-user summary limit.
	limited bool
	// refuse, when set, may turn the interaction away before any work:
	// its text is answered at once, ephemerally (only the asker sees it).
	refuse func(r *request, opts options) string
	run    func(ctx context.Context, r *request, opts options) (reply, error)
	// complete answers autocomplete for the focused option; nil: none.
	complete func(ctx context.Context, r *request, focused *discordgo.ApplicationCommandInteractionDataOption) ([]*discordgo.ApplicationCommandOptionChoice, error)
}

// button handles message components whose custom_id is "<prefix>:<arg>".
type button struct {
	prefix  string
	limited bool
	// refuse, when set, may turn the interaction away before any work:
	// its text is answered at once, ephemerally (only the asker sees it).
	refuse func(r *request, opts options) string
	run    func(ctx context.Context, r *request, arg string) (reply, error)
}

// options are a command's options by name.
type options map[string]*discordgo.ApplicationCommandInteractionDataOption

func optionsOf(list []*discordgo.ApplicationCommandInteractionDataOption) options {
	o := options{}
	for _, v := range list {
		o[v.Name] = v
	}
	return o
}

func (o options) string(name string) string {
	if v, ok := o[name]; ok && v.Type == discordgo.ApplicationCommandOptionString {
		return v.StringValue()
	}
	return ""
}

// channel returns the ID given to a channel option.
func (o options) channel(name string) string {
	if v, ok := o[name]; ok && v.Type == discordgo.ApplicationCommandOptionChannel {
		if s, ok := v.Value.(string); ok {
			return s
		}
	}
	return ""
}

// routes builds the one route table: registration (Commands), dispatch
// and /help are all made from it. Digest commands are in it when digests
// are configured.
func (b *Bot) routes() {
	all := []struct {
		on  bool
		cmd func() *command
	}{
		{true, b.summarizeCommand},
		{true, b.factsCommand},
		{true, b.searchCommand},
		{b.cfg.Stories != nil, b.storiesCommand},
		{b.cfg.Feeds != nil, b.feedsCommand},
		{b.cfg.Digests != nil, b.digestCommand},
		{b.cfg.Digests != nil, b.digestScheduleCommand},
		{true, b.helpCommand},
	}
	b.commands = map[string]*command{}
	b.order = nil
	for _, r := range all {
		if !r.on {
			continue
		}
		c := r.cmd()
		b.commands[c.def.Name] = c
		b.order = append(b.order, c)
	}
	b.buttons = map[string]*button{}
	for _, bt := range []*button{b.summarizeButton(), b.storyButton()} {
		if bt != nil {
			b.buttons[bt.prefix] = bt
		}
	}
}

// Commands are the definitions to register (discord.Handler).
func (b *Bot) Commands() []*discordgo.ApplicationCommand {
	defs := make([]*discordgo.ApplicationCommand, len(b.order))
	for n, c := range b.order {
		defs[n] = c.def
	}
	return defs
}

// focusedOption finds the option being typed in an autocomplete.
func focusedOption(opts []*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o.Focused {
			return o
		}
		if f := focusedOption(o.Options); f != nil {
			return f
		}
	}
	return nil
}

func userID(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// label names an interaction for metrics and logs.
func label(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return i.ApplicationCommandData().Name
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete:" + i.ApplicationCommandData().Name
	case discordgo.InteractionMessageComponent:
		prefix, _, _ := strings.Cut(i.MessageComponentData().CustomID, ":")
		return "button:" + prefix
	}
	return fmt.Sprintf("type:%d", i.Type)
}
