package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// request is one interaction being handled.
type request struct {
	i    *discordgo.Interaction
	user string
	// progress, when the reply is deferred, shows a status line in it (at
	// most one edit per ProgressInterval; the last text wins).
	progress func(text string)
}

// command is a slash command: its definition next to its handlers.
type command struct {
	def *discordgo.ApplicationCommand
	// limited commands count against the per-user summary limit.
	limited bool
	run     func(ctx context.Context, r *request, opts options) (reply, error)
	// complete answers autocomplete for the focused option; nil: none.
	complete func(ctx context.Context, r *request, focused *discordgo.ApplicationCommandInteractionDataOption) ([]*discordgo.ApplicationCommandOptionChoice, error)
}

// button handles message components whose custom_id is "<prefix>:<arg>".
type button struct {
	prefix  string
	limited bool
	run     func(ctx context.Context, r *request, arg string) (reply, error)
}

// options are a command's options by name.
type options map[string]*discordgo.ApplicationCommandInteractionDataOption

func (o options) string(name string) string {
	if v, ok := o[name]; ok && v.Type == discordgo.ApplicationCommandOptionString {
		return v.StringValue()
	}
	return ""
}

// routes lists every command and button: the one route table.
func (b *Bot) routes() {
	b.commands = map[string]*command{}
	b.buttons = map[string]*button{}
	for _, c := range []*command{
		b.summarizeCommand(),
		b.factsCommand(),
		b.searchCommand(),
		b.helpCommand(),
	} {
		b.commands[c.def.Name] = c
		b.defs = append(b.defs, c.def)
	}
	for _, bt := range []*button{
		b.summarizeButton(),
	} {
		b.buttons[bt.prefix] = bt
	}
}

// handle serves one interaction; discordgo calls it on its own goroutine.
func (b *Bot) handle(i *discordgo.Interaction) {
	start := time.Now()
	if !b.track() {
		b.metrics.interactions.inc(label(i), "rejected")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			_ = b.respondNow(ctx, i, reply{content: msgRestarting}, true)
		}
		return
	}
	defer b.inFlight.Done()
	b.metrics.inFlight.Add(1)
	defer b.metrics.inFlight.Add(-1)

	ctx, cancel := context.WithTimeout(b.base, b.cfg.HandlerTimeout)
	defer cancel()
	log := b.log.With(slog.String("interaction_id", i.ID), slog.String("command", label(i)), slog.String("user_id", userID(i)))
	outcome := b.serve(ctx, i, start, log)
	b.metrics.interactions.inc(label(i), outcome)
}

// serve routes i and returns the outcome label for metrics.
func (b *Bot) serve(ctx context.Context, i *discordgo.Interaction, start time.Time, log *slog.Logger) (outcome string) {
	acked := false
	ack := func() { acked = true; b.metrics.ack.observe(time.Since(start).Seconds()) }
	defer func() {
		if v := recover(); v != nil {
			log.Error("handler panicked", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
			outcome = "panic"
			b.answerError(i, acked, msgInternal, log)
		}
	}()

	r := &request{i: i, user: userID(i), progress: func(string) {}}
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		data := i.ApplicationCommandData()
		c := b.commands[data.Name]
		var choices []*discordgo.ApplicationCommandOptionChoice
		if c != nil && c.complete != nil {
			if focused := focusedOption(data.Options); focused != nil {
				// Autocomplete must answer at once: give the index little time.
				actx, cancel := context.WithTimeout(ctx, 2*time.Second)
				var err error
				choices, err = c.complete(actx, r, focused)
				cancel()
				if err != nil {
					log.Warn("autocomplete failed", slog.Any("error", err))
					choices = nil
					outcome = "error"
				}
			}
		}
		err := b.autocomplete(ctx, i, choices)
		ack()
		if err != nil {
			log.Warn("cannot answer autocomplete", slog.Any("error", err))
			return "error"
		}
		if outcome == "" {
			outcome = "ok"
		}
		return outcome

	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		c := b.commands[data.Name]
		if c == nil {
			log.Warn("unknown command")
			_ = b.respondNow(ctx, i, reply{content: msgUnknown}, true)
			ack()
			return "unknown"
		}
		opts := options{}
		for _, o := range data.Options {
			opts[o.Name] = o
		}
		return b.runDeferred(ctx, r, c.limited, ack, log, func(ctx context.Context) (reply, error) {
			return c.run(ctx, r, opts)
		})

	case discordgo.InteractionMessageComponent:
		data := i.MessageComponentData()
		prefix, arg, _ := strings.Cut(data.CustomID, ":")
		bt := b.buttons[prefix]
		if bt == nil {
			log.Warn("unknown component", slog.String("custom_id", data.CustomID))
			_ = b.respondNow(ctx, i, reply{content: msgUnknown}, true)
			ack()
			return "unknown"
		}
		return b.runDeferred(ctx, r, bt.limited, ack, log, func(ctx context.Context) (reply, error) {
			return bt.run(ctx, r, arg)
		})
	}
	return "ignored"
}

// runDeferred applies the per-user limit, defers, runs the handler and
// edits the deferred reply with its answer or a short error message.
func (b *Bot) runDeferred(ctx context.Context, r *request, limited bool, ack func(), log *slog.Logger, run func(context.Context) (reply, error)) string {
	if limited {
		if ok, wait := b.limiter.allow(r.user); !ok {
			err := b.respondNow(ctx, r.i, reply{content: rateLimitedMessage(b.cfg.UserRatePerMinute, wait)}, true)
			ack()
			if err != nil {
				log.Warn("cannot answer", slog.Any("error", err))
			}
			return "rate_limited"
		}
	}
	if err := b.deferReply(ctx, r.i); err != nil {
		log.Warn("cannot defer", slog.Any("error", err))
		return "error"
	}
	ack()

	p := newProgress(b, ctx, r.i, log)
	r.progress = p.set
	rep, err := func() (reply, error) {
		// Deferred, so that a panicking handler cannot leave a progress edit
		// scheduled that would land after, and hide, the error answer.
		defer p.stop()
		return run(ctx)
	}()
	if err != nil {
		msg := userMessage(err)
		log.Warn("interaction failed", slog.Any("error", err), slog.String("shown", msg))
		b.answerError(r.i, true, msg, log)
		return "error"
	}
	if err := b.editReply(ctx, r.i, rep); err != nil {
		log.Error("cannot send the reply", slog.Any("error", err))
		return "error"
	}
	for _, msg := range rep.followups {
		if err := b.followUp(ctx, r.i, msg); err != nil {
			log.Error("cannot send a follow-up", slog.Any("error", err))
			return "error"
		}
	}
	return "ok"
}

// answerError tells the user what went wrong, by editing the deferred reply
// or, when nothing was sent yet, with an ephemeral message. It uses its own
// short deadline: the interaction's context may be what failed.
func (b *Bot) answerError(i *discordgo.Interaction, acked bool, msg string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var err error
	if acked {
		err = b.editReply(ctx, i, reply{content: msg})
	} else if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
		err = b.respondNow(ctx, i, reply{content: msg}, true)
	}
	if err != nil {
		log.Warn("cannot send the error message", slog.Any("error", err))
	}
}

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

// channel returns the ID given to a channel option.
func (o options) channel(name string) string {
	if v, ok := o[name]; ok && v.Type == discordgo.ApplicationCommandOptionChannel {
		if s, ok := v.Value.(string); ok {
			return s
		}
	}
	return ""
}
