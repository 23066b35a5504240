package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// progress shows a status line in a deferred reply, at most one edit per
// interval; when updates come faster, the latest one is shown next. stop
// waits for an edit in flight, so that no progress edit can overwrite the
// final answer.
type progress struct {
	b   *Bot
	ctx context.Context
	i   *discordgo.Interaction
	log *slog.Logger

	editMu sync.Mutex // held during an edit

	mu      sync.Mutex
	pending string
	last    time.Time
	timer   *time.Timer
	stopped bool
}

func newProgress(b *Bot, ctx context.Context, i *discordgo.Interaction, log *slog.Logger) *progress {
	return &progress{b: b, ctx: ctx, i: i, log: log}
}

func (p *progress) set(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.pending = text
	if p.timer != nil {
		return // an edit is scheduled; it will show the latest text
	}
	wait := max(time.Until(p.last.Add(p.b.cfg.ProgressInterval)), 0)
	p.timer = time.AfterFunc(wait, p.flush)
}

func (p *progress) flush() {
	p.editMu.Lock()
	defer p.editMu.Unlock()
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	text := p.pending
	p.timer = nil
	p.last = time.Now()
	p.mu.Unlock()
	if err := p.b.editReply(p.ctx, p.i, reply{content: text}); err != nil {
		p.log.Warn("cannot show progress", slog.Any("error", err))
	}
}

func (p *progress) stop() {
	p.mu.Lock()
	p.stopped = true
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Unlock()
	p.editMu.Lock() // wait for an edit in flight
	p.editMu.Unlock()
}
