package bot

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/geobrief/geobrief/app"
	"github.com/geobrief/geobrief/discord"
)

// ackFirst bounds how long work waits for other interactions'
// acknowledgements.
const ackFirst = 250 * time.Millisecond

// msgStillWorking replaces "thinking…" once a reply takes a while.
const msgStillWorking = "Still working on it…"

// exchange is one interaction and the way to answer it, as it passes
// through the middleware.
type exchange struct {
	i     *discordgo.Interaction
	rs    discord.Responder
	req   *request
	log   *slog.Logger
	start time.Time
	acked bool
}

// step serves an exchange and returns its outcome, the metrics label.
type step func(ctx context.Context, x *exchange) (outcome string)

// The outcomes that are not an error.
const (
	outcomeOK       = "ok"
	outcomeBadInput = "bad_input" // input that could not be used: no work done
)

// HandleInteraction serves one interaction (discord.Handler). The transport
// calls it on a goroutine of the interaction's own; the answer or the
// deferral goes out before anything slow.
func (b *Bot) HandleInteraction(i *discordgo.Interaction, rs discord.Responder) {
	start := b.clock.Now()
	if !b.track() {
		b.metrics.interactions.inc(label(i), "shutting_down")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete {
			_ = rs.Respond(ctx, discord.Message{Content: msgRestarting, Ephemeral: true})
		}
		return
	}
	defer b.inFlight.Done()
	b.metrics.inFlight.Add(1)
	defer b.metrics.inFlight.Add(-1)

	ctx, cancel := context.WithTimeout(b.base, b.cfg.HandlerTimeout)
	defer cancel()
	x := &exchange{
		i: i, rs: rs, start: start,
		req: &request{i: i, user: userID(i), progress: func(string) {}},
		log: b.log.With(slog.String("interaction_id", i.ID), slog.String("command", label(i)), slog.String("user_id", userID(i))),
	}
	b.acks.arrived()
	defer func() {
		if !x.acked { // nothing was sent (an error before any answer)
			b.acks.acked()
		}
	}()
	outcome := b.recoverPanic(b.route(i))(ctx, x)
	b.metrics.interactions.inc(label(i), outcome)
}

// route picks the step chain for i from the route table.
func (b *Bot) route(i *discordgo.Interaction) step {
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		return b.autocomplete(b.commands[i.ApplicationCommandData().Name])
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		c := b.commands[data.Name]
		if c == nil {
			return b.unknown
		}
		opts := optionsOf(data.Options)
		return b.refuseEarly(c, opts, b.limitUser(c.limited, b.deferReply(b.answer(func(ctx context.Context, r *request) (reply, error) {
			return c.run(ctx, r, opts)
		}))))
	case discordgo.InteractionMessageComponent:
		prefix, arg, _ := strings.Cut(i.MessageComponentData().CustomID, ":")
		bt := b.buttons[prefix]
		if bt == nil {
			return b.unknown
		}
		return b.limitUser(bt.limited, b.deferReply(b.answer(func(ctx context.Context, r *request) (reply, error) {
			return bt.run(ctx, r, arg)
		})))
	}
	return func(context.Context, *exchange) string { return "ignored" }
}

// ack records the first answer to x.
func (b *Bot) ack(x *exchange) {
	if x.acked {
		return
	}
	x.acked = true
	b.acks.acked()
	b.metrics.ack.observe(b.clock.Now().Sub(x.start).Seconds())
}

func (b *Bot) unknown(ctx context.Context, x *exchange) string {
	x.log.Warn("unknown command or component")
	if err := x.rs.Respond(ctx, discord.Message{Content: msgUnknown, Ephemeral: true}); err != nil {
		x.log.Warn("cannot answer", slog.Any("error", err))
	}
	b.ack(x)
	return "unknown"
}

// refuseEarly answers a command its refuse hook turns away, at once and
// only to the asker, before it counts against any limit or is deferred.
func (b *Bot) refuseEarly(c *command, opts options, next step) step {
	if c.refuse == nil {
		return next
	}
	return func(ctx context.Context, x *exchange) string {
		msg := c.refuse(x.req, opts)
		if msg == "" {
			return next(ctx, x)
		}
		err := x.rs.Respond(ctx, discord.Message{Content: msg, Ephemeral: true})
		b.ack(x)
		if err != nil {
			x.log.Warn("cannot answer", slog.Any("error", err))
		}
		return "refused"
	}
}

// recoverPanic turns a panicking handler into a logged error and an answer.
func (b *Bot) recoverPanic(next step) step {
	return func(ctx context.Context, x *exchange) (outcome string) {
		defer func() {
			if v := recover(); v != nil {
				x.log.Error("handler panicked", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				outcome = "panic"
				b.answerError(x, msgInternal)
			}
		}()
		return next(ctx, x)
	}
}

// limitUser applies the per-user limit to commands that do work. An
// interaction whose input was rejected gives its place back: only requests
// that did work count.
func (b *Bot) limitUser(limited bool, next step) step {
	if !limited {
		return next
	}
	return func(ctx context.Context, x *exchange) string {
		ok, wait := b.limiter.allow(x.req.user)
		if !ok {
			err := x.rs.Respond(ctx, discord.Message{Content: rateLimitedMessage(b.cfg.UserRatePerMinute, wait), Ephemeral: true})
			b.ack(x)
			if err != nil {
				x.log.Warn("cannot answer", slog.Any("error", err))
			}
			return "rate_limited"
		}
		outcome := next(ctx, x)
		if outcome == outcomeBadInput {
			b.limiter.refund(x.req.user)
		}
		return outcome
	}
}

// deferReply acknowledges at once, then waits for a worker: the
// acknowledgement never waits behind other interactions' work, and at most
// Workers interactions work at a time.
func (b *Bot) deferReply(next step) step {
	return func(ctx context.Context, x *exchange) string {
		if err := x.rs.Defer(ctx); err != nil {
			x.log.Warn("cannot defer", slog.Any("error", err))
			return "error"
		}
		b.ack(x)
		// Acknowledgements first: other interactions that arrived with
		// this one are deferred before anyone's work takes the CPU.
		b.acks.wait(ctx, b.clock, ackFirst)
		select {
		case b.workers <- struct{}{}:
		case <-ctx.Done():
			b.answerError(x, userMessage(ctx.Err()))
			return "error"
		}
		defer func() { <-b.workers }()
		return next(ctx, x)
	}
}

// answer runs a handler in a deferred reply: progress lines while it works
// ("Still working on it…" once it takes StillWorkingAfter), then its answer
// and follow-ups, or a short error message.
func (b *Bot) answer(run func(ctx context.Context, r *request) (reply, error)) step {
	return func(ctx context.Context, x *exchange) string {
		edit := func(ctx context.Context, text string) error {
			return x.rs.Edit(ctx, discord.Message{Content: text})
		}
		p := newProgress(ctx, edit, b.cfg.ProgressInterval, b.clock, x.log)
		x.req.progress = p.show
		rep, err := func() (reply, error) {
			notice := b.clock.AfterFunc(b.cfg.StillWorkingAfter, func() { p.notice(msgStillWorking) })
			// Deferred, so that a panicking handler cannot leave a progress
			// edit scheduled that would land after, and hide, the error
			// answer.
			defer p.stop()
			defer notice.Stop()
			return run(ctx, x.req)
		}()
		if err != nil {
			msg := userMessage(err)
			x.log.Warn("interaction failed", slog.Any("error", err), slog.String("shown", msg))
			b.answerError(x, msg)
			if badInput(err) {
				return outcomeBadInput
			}
			return "error"
		}
		if err := x.rs.Edit(ctx, rep.message()); err != nil {
			x.log.Error("cannot send the reply", slog.Any("error", err))
			return "error"
		}
		for _, msg := range rep.followups {
			if err := x.rs.FollowUp(ctx, discord.Message{Content: msg}); err != nil {
				x.log.Error("cannot send a follow-up", slog.Any("error", err))
				return "error"
			}
		}
		if rep.rejected {
			return outcomeBadInput
		}
		return outcomeOK
	}
}

// badInput reports errors that say the user's input found nothing.
func badInput(err error) bool {
	var nm *app.NoMatchError
	return errors.As(err, &nm)
}

// autocomplete answers at once with choices for the focused option.
func (b *Bot) autocomplete(c *command) step {
	return func(ctx context.Context, x *exchange) string {
		outcome := outcomeOK
		var choices []*discordgo.ApplicationCommandOptionChoice
		if c != nil && c.complete != nil {
			if focused := focusedOption(x.i.ApplicationCommandData().Options); focused != nil {
				// Autocomplete must answer at once: give the index little time.
				actx, cancel := context.WithTimeout(ctx, 2*time.Second)
				var err error
				choices, err = c.complete(actx, x.req, focused)
				cancel()
				if err != nil {
					x.log.Warn("autocomplete failed", slog.Any("error", err))
					choices = nil
					outcome = "error"
				}
			}
		}
		err := x.rs.Autocomplete(ctx, choices)
		b.ack(x)
		if err != nil {
			x.log.Warn("cannot answer autocomplete", slog.Any("error", err))
			return "error"
		}
		return outcome
	}
}

// answerError tells the user what went wrong, by editing the deferred reply
// or, when nothing was sent yet, with an ephemeral message. It uses its own
// short deadline: the interaction's context may be what failed.
func (b *Bot) answerError(x *exchange, msg string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var err error
	if x.acked {
		err = x.rs.Edit(ctx, discord.Message{Content: msg})
	} else if x.i.Type != discordgo.InteractionApplicationCommandAutocomplete {
		err = x.rs.Respond(ctx, discord.Message{Content: msg, Ephemeral: true})
	}
	if err != nil {
		x.log.Warn("cannot send the error message", slog.Any("error", err))
	}
}
