package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// progress shows a status line in a deferred reply, at most one edit per
// interval; when updates come faster, the latest one is shown next. stop
// waits for an edit in flight, so that no progress edit can overwrite the
// final answer.
type progress struct {
	ctx      context.Context
	edit     func(ctx context.Context, text string) error
	interval time.Duration
	clock    clock
	log      *slog.Logger

	editMu sync.Mutex // held during an edit

	mu      sync.Mutex
	pending string
	set     bool // some text was set, by set or notice
	last    time.Time
	timer   stopper
	stopped bool
}

func newProgress(ctx context.Context, edit func(context.Context, string) error, interval time.Duration, c clock, log *slog.Logger) *progress {
	return &progress{ctx: ctx, edit: edit, interval: interval, clock: c, log: log}
}

// show schedules text to be shown.
func (p *progress) show(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.showLocked(text)
}

// notice shows text unless some progress was shown or is due already: a
// real status line says more than a generic one.
func (p *progress) notice(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.set {
		p.showLocked(text)
	}
}

func (p *progress) showLocked(text string) {
	if p.stopped {
		return
	}
	p.set = true
	p.pending = text
	if p.timer != nil {
		return // an edit is scheduled; it will show the latest text
	}
	wait := max(p.last.Add(p.interval).Sub(p.clock.Now()), 0)
	p.timer = p.clock.AfterFunc(wait, p.flush)
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
	p.last = p.clock.Now()
	p.mu.Unlock()
	if err := p.edit(p.ctx, text); err != nil {
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
