package webfetch

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// gate keeps the fetcher polite: at most perHost requests in flight to one host, at
// least delay between the starts of two requests to one host, and at most total in
// flight overall. Clock and wait are fields so tests can check the spacing without
// sleeping.
type gate struct {
	perHost int
	delay   time.Duration
	total   chan struct{}
	now     func() time.Time
	wait    func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	slots chan struct{}
	mu    sync.Mutex // serialises the "next start" bookkeeping, not the requests
	next  time.Time
}

func newGate(total, perHost int, delay time.Duration) *gate {
	return &gate{
		perHost: perHost,
		delay:   delay,
		total:   make(chan struct{}, total),
		now:     time.Now,
		wait:    sleepCtx,
		hosts:   make(map[string]*hostState),
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gate) host(name string) *hostState {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, ok := g.hosts[name]
	if !ok {
		h = &hostState{slots: make(chan struct{}, g.perHost)}
		g.hosts[name] = h
	}
	return h
}

// acquire blocks until a request to host may start; the returned func frees its slots.
// The host slot is taken before the global one so that requests waiting for a slow
// host do not hold global slots other hosts could use.
func (g *gate) acquire(ctx context.Context, host string) (func(), error) {
	h := g.host(strings.ToLower(host))
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if g.delay > 0 {
		h.mu.Lock()
		now := g.now()
		start := h.next
		if start.Before(now) {
			start = now
		}
		h.next = start.Add(g.delay)
		h.mu.Unlock()
		if d := start.Sub(now); d > 0 {
			if err := g.wait(ctx, d); err != nil {
				<-h.slots
				return nil, err
			}
		}
	}
	select {
	case g.total <- struct{}{}:
	case <-ctx.Done():
		<-h.slots
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-g.total
			<-h.slots
		})
	}, nil
}

// politeTransport applies the gate to every hop, redirects and robots.txt included,
// and holds the slots until the body is closed: a request is in flight until its body
// has been read.
type politeTransport struct {
	base http.RoundTripper
	gate *gate
}

func (t *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := t.gate.acquire(req.Context(), req.URL.Host)
	if err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
